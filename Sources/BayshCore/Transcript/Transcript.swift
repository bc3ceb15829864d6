/// A transcript as read from a file: its header, its commands with their recorded output, and what the reader
/// had to skip.
public struct Transcript: Sendable, Equatable {
    /// How the file holds its commands.
    public enum Style: Sendable, Equatable {
        /// Commands behind `> `, each followed by its recorded output (what `--record` writes).
        case recorded
        /// No line starts with `> `: every line that is not blank or a comment is a command (what `:save`
        /// writes, or a person types). There is no output to check against.
        case bare
    }

    /// Something in the file the reader skipped, and why.
    public struct Warning: Sendable, Equatable, CustomStringConvertible {
        /// 1-based line number.
        public var line: Int
        public var message: String

        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }

        public var description: String { "line \(line): \(message)" }
    }

    public var style: Style
    public var header: TranscriptHeader
    public var entries: [TranscriptEntry]
    public var warnings: [Warning]

    public init(
        style: Style = .recorded, header: TranscriptHeader = TranscriptHeader(version: nil),
        entries: [TranscriptEntry] = [], warnings: [Warning] = []
    ) {
        self.style = style
        self.header = header
        self.entries = entries
        self.warnings = warnings
    }
}
