import Foundation

/// The comment block at the top of a transcript: the format version, then `key: value` fields.
///
/// ```
/// # baysh transcript v1
/// # backend: local
/// # image: linux_latest
/// # session: local:3f2a
/// # baysh: 0.1.0
/// # recorded: 2025-06-01T12:00:00Z
/// ```
public struct TranscriptHeader: Sendable, Equatable {
    /// One `# key: value` line: the same ordered printable field `:info` shows.
    public typealias Field = SessionInfo.Field

    /// The N of `# baysh transcript vN`; nil when the file has no such line (a hand-written file).
    public var version: Int?
    public var fields: [Field]

    /// The format version this baysh writes and the newest it reads.
    public static let currentVersion = 1

    public init(version: Int? = TranscriptHeader.currentVersion, fields: [Field] = []) {
        self.version = version
        self.fields = fields
    }

    /// The header a recording of a session starts with; `event` names the time field (`recorded`, or `saved` for
    /// a file `:save` wrote from history).
    public init(recording descriptor: SessionDescriptor, at date: Date = Date(), event: String = "recorded") {
        var fields = [Field("backend", descriptor.backend.rawValue)]
        if let image = descriptor.imageId { fields.append(Field("image", image)) }
        if let server = descriptor.serverName { fields.append(Field("server", server)) }
        fields.append(Field("session", descriptor.promptName))
        fields.append(Field("baysh", BayshVersion.current))
        fields.append(Field(event, date.formatted(.iso8601)))
        self.init(fields: fields)
    }

    public subscript(key: String) -> String? { fields.first { $0.key == key }?.value }

    /// The header as file lines, each ending in a line break.
    public var text: String {
        var lines: [String] = []
        if let version { lines.append(TranscriptSyntax.versionTitle + String(version)) }
        for field in fields {
            lines.append("# \(field.key): \(Redactor.shared.redact(field.value))")
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// Reads the text after `#` of one leading comment line into the header: the version title or a field.
    mutating func absorb(comment: String) {
        let line = "#" + comment
        if line.hasPrefix(TranscriptSyntax.versionTitle) {
            version = Int(line.dropFirst(TranscriptSyntax.versionTitle.count).prefix { $0.isNumber })
            return
        }
        let body = comment.drop { $0 == " " }
        guard let colon = body.firstIndex(of: ":") else { return }
        let key = body[..<colon]
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { return }
        fields.append(Field(String(key), body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
    }
}
