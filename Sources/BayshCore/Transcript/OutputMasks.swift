import Foundation

/// The values that change from run to run, and how a transcript writes them: a named placeholder each.
///
/// ```
/// path: <workspace>/notes/todo.txt        ← the session's workspace
/// image saved to <output>/screenshot-1.png  ← baysh's output folder for the session
/// session_id: <session-id>                ← the session's id, and ids after `session id` / "sessionId"
/// ! exit code 3 (trace id <trace-id>)     ← ids after `trace id` / "traceId"
/// request id:  <request-id>               ← ids after `request id` / "requestId" / "RequestId"
/// modified: <time>                        ← RFC 3339 / ISO 8601 timestamps
/// ! took <duration>                       ← the `took 3 ms` note (stderr lines only)
/// ```
///
/// The recorder writes what a command printed through ``mask(_:)``; on replay the new output goes through the
/// replaying session's masks before it is compared, so `<time>` matches a timestamp and nothing else, and
/// `<workspace>` matches the new session's workspace and no other path. Every rule is specific: a value is
/// masked only in the shape (a timestamp) or the place (after `trace id`) that makes it volatile, so a changed
/// file content, exit code, count or name still shows as a difference.
public struct OutputMasks: Sendable, Equatable {
    /// What a placeholder stands for.
    public enum Kind: String, Sendable, CaseIterable {
        case workspace
        case output
        case sessionId = "session-id"
        case traceId = "trace-id"
        case requestId = "request-id"
        case time
        case duration

        /// `<workspace>`, `<time>`, ...
        public var placeholder: String { "<\(rawValue)>" }
    }

    /// Values known exactly (paths, the session id), longest first so a path is masked before a shorter one inside
    /// it.
    private let literals: [Literal]

    private struct Literal: Sendable, Equatable {
        var text: String
        var kind: Kind
    }

    /// Masks for a session: its workspace (and the same folder with symlinks resolved), baysh's output folder for
    /// it, and its id. Values too short to be specific (`/`, an id under 6 characters) are left out.
    public init(workspace: String? = nil, outputFolder: String? = nil, sessionId: String? = nil) {
        var literals: [Literal] = []
        for (path, kind) in [(workspace, Kind.workspace), (outputFolder, .output)] {
            guard let path else { continue }
            let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
            guard trimmed.count > 1, trimmed.hasPrefix("/") else { continue }
            literals.append(Literal(text: trimmed, kind: kind))
            let real = URL(fileURLWithPath: trimmed).resolvingSymlinksInPath().path
            if real != trimmed, real.count > 1 { literals.append(Literal(text: real, kind: kind)) }
        }
        if let sessionId, sessionId.count >= 6 { literals.append(Literal(text: sessionId, kind: .sessionId)) }
        self.literals = literals.sorted { $0.text.utf8.count > $1.text.utf8.count }
    }

    /// The masks of the session a shell runs: its workspace, output folder and id.
    init(shell: Shell) {
        self.init(
            workspace: shell.session.workspacePath, outputFolder: shell.outputFolder.directory.path,
            sessionId: shell.session.sessionId)
    }

    /// The line with its volatile values replaced by placeholders.
    public func mask(_ line: OutputLine) -> OutputLine {
        OutputLine(mask(line.text, isError: line.isError), isError: line.isError)
    }

    /// `text` with its volatile values replaced by placeholders; `isError` lines also get `took N ms` masked.
    public func mask(_ text: String, isError: Bool) -> String {
        var text = text
        for literal in literals where text.contains(literal.text) {
            text = Self.replacing(literal, in: text)
        }
        // Every pattern below needs a digit: ids, timestamps and durations alike.
        guard text.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) else { return text }
        var scanner = MaskScanner(Array(text.utf8))
        scanner.run(durations: isError)
        return scanner.changed ? String(decoding: scanner.output, as: UTF8.self) : text
    }

    /// Whether `text` holds a placeholder, so a line is worth masking before it is compared with it.
    static func hasPlaceholder(_ text: String) -> Bool {
        guard text.utf8.contains(UInt8(ascii: "<")) else { return false }
        return Kind.allCases.contains { text.contains($0.placeholder) }
    }

    /// Each whole occurrence of the literal replaced: one followed by more of a name (`/ws2` for `/ws`, `id7` for
    /// `id`) is another value and stays.
    private static func replacing(_ literal: Literal, in text: String) -> String {
        var result = ""
        var rest = text[...]
        while let found = rest.firstRange(of: literal.text) {
            let before = found.lowerBound == text.startIndex ? nil : text[text.index(before: found.lowerBound)]
            let after = rest[found.upperBound...]
            // A path after another `/` is a deeper path (`/private/tmp/ws` is not `/tmp/ws`).
            let joined = before.map { isNameCharacter($0) || (literal.kind != .sessionId && $0 == "/") } ?? false
            let whole = !joined
                && !(after.first.map(isNameCharacter) ?? false)
                && !(after.first == "." && after.dropFirst().first.map(isNameCharacter) == true)
            result += rest[..<found.lowerBound]
            result += whole ? literal.kind.placeholder : literal.text
            rest = after
        }
        return result + rest
    }

    private static func isNameCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "-"
    }
}
