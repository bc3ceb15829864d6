/// The line syntax of a transcript (format v1). Each marker is its character alone or followed by a space:
///
/// ```
/// # comment, or a header field: # backend: local
/// > write_file path=a.txt content="one     ← command line
/// . two"                                  ← continuation of the command above
/// ? confirm=yes                           ← the user's answer to a question the server asked during it
/// wrote 7 bytes                           ← output line, as printed
/// ! path '../x' is refused: ...           ← error line (printed to stderr)
/// | # a printed line that starts with #   ← escaped output line: the text after `| ` is taken literally
/// ```
enum TranscriptSyntax {
    static let versionTitle = "# baysh transcript v"

    /// The line's kind and its text after the marker.
    enum Line: Equatable {
        /// `> read_file path=a.txt`
        case command(String)
        /// `. rest of the command` (or `.` for an empty line of it)
        case continuation(String)
        /// `? confirm=yes`: an answer typed to a server's question (`?` alone: an empty answer)
        case answer(String)
        /// `# anything`
        case comment(String)
        /// `! error text`
        case error(String)
        /// `| literal output`
        case escaped(String)
        /// An empty or all-blank line.
        case blank
        /// Any other line: output as printed.
        case text(String)
    }

    static func classify(_ line: String) -> Line {
        guard let first = line.unicodeScalars.first else { return .blank }
        switch first {
        case "#": return .comment(String(line.dropFirst()))
        case ">": if let rest = marked(line) { return .command(rest) }
        case ".": if let rest = marked(line) { return .continuation(rest) }
        case "?": if let rest = marked(line) { return .answer(rest) }
        case "!": if let rest = marked(line) { return .error(rest) }
        case "|": if let rest = marked(line) { return .escaped(rest) }
        default: break
        }
        return line.allSatisfy(\.isWhitespace) ? .blank : .text(line)
    }

    /// The text after a one-character marker when the line is the marker alone or the marker and a space.
    private static func marked(_ line: String) -> String? {
        let scalars = line.unicodeScalars
        if scalars.count == 1 { return "" }
        let second = scalars.index(after: scalars.startIndex)
        guard scalars[second] == " " else { return nil }
        return String(scalars[scalars.index(after: second)...])
    }

    /// The command as `> first` and `. next` lines; `first` and `. next` in a bare transcript.
    static func commandLines(_ command: String, bare: Bool = false) -> [String] {
        let lines = command.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return lines.enumerated().map { index, line in
            index > 0 ? marker(".", line) : bare ? line : marker(">", line)
        }
    }

    /// An output line as written: escaped with `| ` when it would otherwise read as another kind of line.
    static func outputLine(_ line: OutputLine) -> String {
        let bytes = line.text.utf8
        return outputPrefix(isError: line.isError, first: bytes.first, second: bytes.dropFirst().first) + line.text
    }

    /// What goes before an output line whose first two bytes are `first` and `second` (nil past its end): `! ` or
    /// `!` for an error line, `| ` for a line that would otherwise read as a marker (`#…`, `>`, `> …`, and so on
    /// for `.`, `?`, `!`, `|`), else nothing. Markers are ASCII, so the bytes decide it as ``classify(_:)`` would.
    static func outputPrefix(isError: Bool, first: UInt8?, second: UInt8?) -> String {
        guard let first else { return isError ? "!" : "" }
        if isError { return "! " }
        switch first {
        case UInt8(ascii: "#"): return "| "
        case UInt8(ascii: ">"), UInt8(ascii: "."), UInt8(ascii: "?"), UInt8(ascii: "!"), UInt8(ascii: "|"):
            return second == nil || second == UInt8(ascii: " ") ? "| " : ""
        default: return ""
        }
    }

    static func errorLine(_ text: String) -> String { marker("!", text) }

    /// The command's lines followed by its answers as `? ` lines.
    static func commandLines(_ command: String, answers: [String]) -> [String] {
        commandLines(command) + answers.map { marker("?", $0) }
    }

    private static func marker(_ mark: String, _ text: String) -> String {
        text.isEmpty ? mark : mark + " " + text
    }
}
