import Foundation
import Synchronization

/// What Tab completes after `:read` and `:prompt`, read from the current session when Tab is pressed.
///
/// URIs, prompt names and argument names come from the session's caches (no I/O). Values of a template variable or
/// a prompt argument depend on what is typed, so they cannot be fetched ahead: for those, and only on Tab (never for
/// hints), the server is asked with `completion/complete` and the editor waits at most ``serverWait``; a slow or
/// failing server just adds no values. The first Tab after `:read`/`:prompt` also lists resources or prompts once
/// when they were never listed, within the same wait.
final class LiveCatalog: Sendable {
    /// How long Tab waits for the server; short enough that a slow server does not make typing feel stuck.
    static let serverWait: Duration = .milliseconds(700)

    private struct WeakSession: Sendable {
        weak var value: (any Session)?
    }

    private let session = Mutex(WeakSession())

    func follow(_ session: any Session) {
        self.session.withLock { $0 = WeakSession(value: session) }
    }

    /// The unknown tool name Tab last asked the server about: one name costs one fetch, not one per Tab.
    private let askedAbout = Mutex<String?>(nil)

    /// Tab after a tool name the list does not have (`grown si⇥`): the server may have added it, its list_changed
    /// still on the way (a 2026-era listen stream is not ordered with the call's answer) or never sent, so the list
    /// is fetched once more, waiting at most ``serverWait``. Nil when there is nothing to ask or no answer in time.
    func toolsAfterUnknownName(line: String, cursor: Int, known: ToolIndex) -> ToolIndex? {
        guard let session = session.withLock({ $0.value }), session.toolListCanChange else { return nil }
        let before = String(Array(line).prefix(max(0, cursor)))
        let tokens = CallLineTokenizer.tokenize(before).tokens
        let start = Completer.callStart(in: tokens)
        // Only a whole name: one followed by more of the line.
        guard tokens.count > start, tokens.count > start + 1 || before.last?.isWhitespace == true else { return nil }
        let name = tokens[start].text
        guard !tokens[start].quoted, !name.hasPrefix(":"), !name.contains("="), !name.contains("|"), known.tool(named: name) == nil,
            askedAbout.withLock({ asked in
                defer { asked = name }
                return asked != name
            })
        else { return nil }
        return wait { try await session.listTools(imageId: nil, refresh: true) }.map(ToolIndex.init)
    }

    func catalog(line: String, cursor: Int) -> CompletionCatalog {
        guard let session = session.withLock({ $0.value }) else { return CompletionCatalog() }
        let before = String(Array(line).prefix(max(0, cursor))).drop(while: \.isWhitespace)
        if before.hasPrefix(":read ") {
            if session.cachedResources == nil { _ = wait { try await session.listResources() } }
            let word = String(before.dropFirst(6).drop(while: \.isWhitespace))
            return CompletionCatalog(
                resources: session.cachedResources, prompts: nil,
                serverValues: templateValues(for: word, session: session))
        }
        if before.hasPrefix(":prompt ") {
            if session.cachedPrompts == nil { _ = wait { try await session.listPrompts() } }
            return CompletionCatalog(
                resources: nil, prompts: session.cachedPrompts,
                serverValues: argumentValues(for: String(before.dropFirst(8)), session: session))
        }
        return CompletionCatalog()
    }

    /// `notes://mi` against `notes://{name}`: the server's values for `name` from `mi`, as whole URIs.
    private func templateValues(for word: String, session: any Session) -> [String] {
        guard session.offersCompletions, !word.contains(" ") else { return [] }
        for template in session.cachedResources ?? [] where template.isTemplate {
            let prefix = String(template.uri.prefix { $0 != "{" })
            guard let variable = template.templateVariables.first, word.hasPrefix(prefix),
                template.uri.hasSuffix("{\(variable)}"), template.templateVariables.count == 1
            else { continue }
            let typed = String(word.dropFirst(prefix.count))
            let values = wait {
                try await session.complete(
                    .resourceTemplate(uri: template.uri), argument: variable, value: typed, context: [:])
            }
            if let values, !values.isEmpty { return values.map { prefix + $0 } }
        }
        return []
    }

    /// `review code=x language=p`: the server's values for `language` from `p`, with the other arguments as context.
    private func argumentValues(for text: String, session: any Session) -> [String] {
        guard session.offersCompletions, !text.hasSuffix(" ") else { return [] }
        let words = CallLineTokenizer.tokenize(text).tokens.map(\.text)
        guard words.count >= 2, let current = words.last, let equals = current.firstIndex(of: "=") else { return [] }
        var context: [String: String] = [:]
        for word in words.dropFirst().dropLast() {
            if let sign = word.firstIndex(of: "=") { context[String(word[..<sign])] = String(word[word.index(after: sign)...]) }
        }
        let argument = String(current[..<equals])
        let typed = String(current[current.index(after: equals)...])
        let given = context
        return wait {
            try await session.complete(.prompt(name: words[0]), argument: argument, value: typed, context: given)
        } ?? []
    }

    /// Runs `operation` and waits for it at most ``serverWait`` (then cancels it); nil when it failed or was late.
    private func wait<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) -> T? {
        let box = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        let task = Task {
            let value = try? await operation()
            box.withLock { $0 = value }
            done.signal()
        }
        let nanoseconds = UInt64(Self.serverWait.components.attoseconds / 1_000_000_000)
            + UInt64(Self.serverWait.components.seconds) * 1_000_000_000
        if done.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .timedOut {
            task.cancel()
            return nil
        }
        return box.withLock { $0 }
    }
}
