import Foundation
import MCP
import Synchronization

/// A list an MCP server can announce changes of (`notifications/*/list_changed`).
enum ServerList: String, Sendable, CaseIterable {
    case tools, prompts, resources
}

/// What an MCP server says and asks on its own, taken off the wire before the SDK's client (which would answer
/// every request with "method not found" and drop progress): progress, log and list-changed notifications, and the requests a
/// server makes of its client (`elicitation/create`, `sampling/createMessage`, `roots/list`, `ping`). Answers go
/// back on the same transport as JSON-RPC responses.
///
/// Notifications are handled on the reading thread (they only hand values on); each request gets a task of its
/// own, since a question may wait for the user while the server keeps talking. One per ``MCPSession``, kept across
/// reconnects.
final class ServerTalk: Sendable {
    /// The methods of server-to-client requests answered here; any other goes to the SDK client.
    static let requests: Set<String> = ["ping", "roots/list", "elicitation/create", "sampling/createMessage"]

    private struct Listener: Sendable {
        weak var conversation: (any SessionConversation)?
    }

    private let listener = Mutex(Listener())
    /// The deadlines of calls in flight, by progress token (the call's request id).
    private let calls = Mutex<[String: DeadlineRenewal]>([:])
    private let server = Mutex("the MCP server")
    /// Runs when the server says one of its lists changed. Here, on the reading thread, rather than through the
    /// SDK's notification task: there it could come after the answer of the call that changed the list, and the
    /// next prompt would still show the old list.
    private let listChanged = Mutex<(@Sendable (ServerList) -> Void)?>(nil)

    /// Sets what a changed list starts (marking it stale and fetching it again).
    func onListChanged(_ action: @escaping @Sendable (ServerList) -> Void) {
        listChanged.withLock { $0 = action }
    }

    var conversation: (any SessionConversation)? {
        get { listener.withLock { $0.conversation } }
        set { listener.withLock { $0.conversation = newValue } }
    }

    /// The server's name, for the questions' headings.
    func named(_ name: String) {
        server.withLock { $0 = name }
    }

    /// Lets progress for `token` push back `renewal`'s deadline while `body` runs.
    func tracking<T>(_ token: String, renewal: DeadlineRenewal, _ body: () async throws -> T) async rethrows -> T {
        calls.withLock { $0[token] = renewal }
        defer { _ = calls.withLock { $0.removeValue(forKey: token) } }
        return try await body()
    }

    /// Takes `message` if it is a notification or request handled here; `reply` sends an answer on the transport
    /// it came from.
    func take(_ message: Value, reply: @escaping @Sendable (Data) -> Void) -> Bool {
        guard case .object(let members) = message, case .string(let method)? = members["method"] else { return false }
        let params = members["params"]?.objectValue ?? [:]
        guard let id = members["id"] else {
            switch method {
            case "notifications/progress": progressed(params)
            case "notifications/message": logged(params)
            case "notifications/tools/list_changed": announce(.tools)
            case "notifications/prompts/list_changed": announce(.prompts)
            case "notifications/resources/list_changed": announce(.resources)
            // The first frame of a 2026-era `subscriptions/listen` stream, and updates of resources baysh did not
            // subscribe to: nothing to do, but nothing for the SDK either.
            case "notifications/subscriptions/acknowledged", "notifications/resources/updated": break
            default: return false
            }
            return true
        }
        guard Self.requests.contains(method) else { return false }
        // While the user answers, the calls in flight do not time out.
        let asksUser = method == "elicitation/create" || method == "sampling/createMessage"
        let waiting = asksUser ? calls.withLock { Array($0.values) } : []
        waiting.forEach { $0.pause() }
        Task {
            let answer = await self.answer(method, params)
            waiting.forEach { $0.resume() }
            reply(Data(Self.response(id: id, answer).utf8))
        }
        return true
    }

    /// Runs what a change of `list` starts (see ``onListChanged(_:)``).
    func announce(_ list: ServerList) {
        listChanged.withLock { $0 }?(list)
    }

    private func progressed(_ params: [String: Value]) {
        let token: String
        switch params["progressToken"] {
        case .string(let text)?: token = text
        case .int(let number)?: token = String(number)
        default: return
        }
        guard let renewal = calls.withLock({ $0[token] }) else { return }
        renewal.renew()
        guard let progress = Self.number(params["progress"]) else { return }
        conversation?.serverReportedProgress(
            CallProgress(
                progress: progress, total: Self.number(params["total"]),
                message: params["message"]?.stringValue.map(Self.bounded)))
    }

    private func logged(_ params: [String: Value]) {
        guard let conversation else { return }
        let level = params["level"]?.stringValue.flatMap(LogLevel.init(rawValue:)) ?? .info
        let text: String
        switch params["data"] {
        case .string(let string)?: text = string
        case let data?: text = JSONText.encode(data)
        case nil: text = ""
        }
        conversation.serverLogged(
            ServerLogEntry(
                level: level, logger: params["logger"]?.stringValue.map(Self.bounded), text: Self.bounded(text)))
    }

    /// The result (or error) of a request from the server.
    /// The answer to one request embedded in a 2026-07-28 input-required result (`elicitation/create`,
    /// `sampling/createMessage`, `roots/list`): asked through the same conversation as a standalone request, so
    /// the user sees the same prompt and a transcript records the same answer. Throws when baysh refuses it.
    func inputResponse(_ method: String, _ params: [String: Value]) async throws -> Value {
        switch await answer(method, params) {
        case .result(let result): return result
        case .error(_, let message): throw SessionError.protocolViolation("\(method) could not be answered: \(message)")
        }
    }

    private enum Answer {
        case result(Value)
        case error(code: Int, message: String)
    }

    private func answer(_ method: String, _ params: [String: Value]) async -> Answer {
        let conversation = self.conversation
        let server = self.server.withLock { $0 }
        switch method {
        case "roots/list":
            let folders = conversation?.roots() ?? [FileManager.default.currentDirectoryPath]
            return .result([
                "roots": .array(
                    folders.map { folder in
                        [
                            "uri": .string(URL(fileURLWithPath: folder).absoluteString),
                            "name": .string(URL(fileURLWithPath: folder).lastPathComponent),
                        ]
                    })
            ])
        case "elicitation/create":
            let message = Self.bounded(params["message"]?.stringValue ?? "")
            let mode: ElicitationRequest.Mode
            if params["mode"]?.stringValue == "url" {
                guard let url = params["url"]?.stringValue else {
                    return .error(code: -32602, message: "elicitation/create in url mode needs a url")
                }
                mode = .url(Self.bounded(url))
            } else {
                mode = .form(schema: params["requestedSchema"] ?? ["type": "object", "properties": [:]])
            }
            let answer =
                await conversation?.serverElicits(ElicitationRequest(server: server, message: message, mode: mode))
                ?? .decline
            switch answer {
            case .accept(let content):
                if case .url = mode { return .result(["action": "accept"]) }
                return .result(["action": "accept", "content": .object(content)])
            case .decline: return .result(["action": "decline"])
            case .cancel: return .result(["action": "cancel"])
            }
        case "sampling/createMessage":
            let request = SamplingRequest(
                server: server,
                messages: (params["messages"]?.arrayValue ?? []).map { message in
                    SamplingRequest.Message(
                        role: message.objectValue?["role"]?.stringValue ?? "user",
                        text: Self.bounded(Self.text(of: message.objectValue?["content"])))
                },
                systemPrompt: params["systemPrompt"]?.stringValue.map(Self.bounded),
                maxTokens: params["maxTokens"]?.intValue)
            guard let reply = await conversation?.serverSamples(request) else {
                return .error(code: -1, message: "the user declined the sampling request")
            }
            return .result([
                "role": "assistant", "content": ["type": "text", "text": .string(reply)], "model": "baysh-user",
                "stopReason": "endTurn",
            ])
        default:  // ping
            return .result([:])
        }
    }

    private static func response(id: Value, _ answer: Answer) -> String {
        let body: String
        switch answer {
        case .result(let result): body = #","result":"# + JSONText.encode(result)
        case .error(let code, let message):
            body = #","error":{"code":"# + String(code) + #","message":"# + JSONText.quoted(message) + "}"
        }
        return #"{"jsonrpc":"2.0","id":"# + JSONText.encode(id) + body + "}"
    }

    /// A sampling message's content as text: text items as they are, anything else named by its type.
    private static func text(of content: Value?) -> String {
        switch content {
        case .array(let items)?: return items.map { text(of: $0) }.joined(separator: "\n")
        case .object(let item)?:
            if let text = item["text"]?.stringValue { return text }
            return "[\(item["type"]?.stringValue ?? "content")]"
        default: return ""
        }
    }

    private static func number(_ value: Value?) -> Double? {
        switch value {
        case .int(let number)?: Double(number)
        case .double(let number)?: number
        default: nil
        }
    }

    /// Server text is untrusted: no control characters, and a runaway message must not flood the terminal.
    static func bounded(_ text: String) -> String {
        TerminalText.untrusted(text)
    }
}
