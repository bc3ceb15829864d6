import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
        var bytes: [UInt8]
        var kind: Kind

        init(text: String, kind: Kind) {
            self.bytes = Array(text.utf8)
            self.kind = kind
        }
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
        self.literals = literals.sorted { $0.bytes.count > $1.bytes.count }
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
        let result: [UInt8]? = TerminalText.withUTF8(text) { bytes in self.masked(bytes, isError: isError) }
        return result.map { String(decoding: $0, as: UTF8.self) } ?? text
    }

    /// The line's bytes with its volatile values replaced, or nil when it has none (the common case, which costs
    /// no copy).
    func masked(_ bytes: UnsafeBufferPointer<UInt8>, isError: Bool) -> [UInt8]? {
        var replaced: [UInt8]?
        for literal in literals {
            let result = replaced.map { text in text.withUnsafeBufferPointer { Self.replacing(literal, in: $0) } }
                ?? Self.replacing(literal, in: bytes)
            if let result { replaced = result }
        }
        guard let replaced else { return Self.scanned(bytes, isError: isError) }
        return replaced.withUnsafeBufferPointer { Self.scanned($0, isError: isError) } ?? replaced
    }

    /// The bytes with the values ``MaskScanner`` finds replaced, or nil when it finds none.
    private static func scanned(_ bytes: UnsafeBufferPointer<UInt8>, isError: Bool) -> [UInt8]? {
        // Every pattern the scanner knows needs a digit: ids, timestamps and durations alike.
        guard bytes.contains(where: MaskScanner.isDigit) else { return nil }
        let values = MaskScanner(bytes).values(durations: isError)
        guard !values.isEmpty else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var start = 0
        for value in values {
            output += bytes[start..<value.range.lowerBound]
            output += value.kind.placeholder.utf8
            start = value.range.upperBound
        }
        output += bytes[start...]
        return output
    }

    /// Whether `text` holds a placeholder, so a line is worth masking before it is compared with it.
    static func hasPlaceholder(_ text: String) -> Bool {
        guard text.utf8.contains(UInt8(ascii: "<")) else { return false }
        return Kind.allCases.contains { text.contains($0.placeholder) }
    }

    /// Each whole occurrence of the literal replaced, or nil when there is none: one followed by more of a name
    /// (`/ws2` for `/ws`, `id7` for `id`) is another value and stays, and so does a path right after another `/`
    /// (`/private/tmp/ws` is not `/tmp/ws`).
    private static func replacing(_ literal: Literal, in bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let needle = literal.bytes
        guard bytes.count >= needle.count else { return nil }
        var output: [UInt8] = []
        var copied = 0
        var from = 0
        while let found = find(needle, in: bytes, from: from) {
            let before = MaskScanner.startsWord(bytes, at: found) ? nil : bytes[found - 1]
            let end = found + needle.count
            let after = end < bytes.count ? bytes[end] : nil
            let afterNext = end + 1 < bytes.count ? bytes[end + 1] : nil
            let joined = before.map { isNameByte($0) || (literal.kind != .sessionId && $0 == UInt8(ascii: "/")) }
                ?? false
            let continues = after.map(isNameByte) == true
                || (after == UInt8(ascii: ".") && afterNext.map(isNameByte) == true)
            if !joined, !continues {
                output += bytes[copied..<found]
                output += literal.kind.placeholder.utf8
                copied = end
            }
            from = end
        }
        guard copied > 0 else { return nil }
        output += bytes[copied...]
        return output
    }

    /// Where `needle` next occurs in `bytes` at or after `from`.
    private static func find(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard haystack.count - from >= needle.count else { return nil }
        // memchr to each place the first byte occurs, memcmp for the rest (memmem is not in every C library).
        return needle.withUnsafeBufferPointer { pattern -> Int? in
            let base = haystack.baseAddress!
            var at = from
            let last = haystack.count - pattern.count
            while at <= last {
                guard let hit = memchr(base + at, Int32(pattern[0]), last - at + 1) else { return nil }
                at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if memcmp(base + at, pattern.baseAddress!, pattern.count) == 0 { return at }
                at += 1
            }
            return nil
        }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        MaskScanner.isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte >= 0x80
    }
}
