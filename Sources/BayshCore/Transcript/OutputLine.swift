import Foundation

/// One line a command printed: the text the renderer wrote, and whether it went to stderr as an error.
///
/// In a transcript file an output line is written as is (`hello`), an error line behind `! ` (`! no such tool`).
public struct OutputLine: Sendable, Hashable {
    /// The line without its line break and without terminal escape sequences.
    public var text: String
    /// True for what the renderer wrote to stderr: an `isError` result, a validation error, a refused call.
    public var isError: Bool

    public init(_ text: String, isError: Bool = false) {
        self.text = text
        self.isError = isError
    }

    /// Splits printed text into lines: `\n` and `\r\n` end a line, a final line break adds no empty line, and
    /// colour escape sequences are dropped (a transcript is plain text a person edits).
    public static func lines(of text: String, isError: Bool) -> [OutputLine] {
        let plain = TerminalText.removingEscapes(text)
        var lines = plain.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { scalars in
            // Every carriage return ending the line, as the reader drops them: a recorded line then compares equal
            // to the same output printed live.
            var line = scalars
            while line.last == "\r" { line = line.dropLast() }
            return OutputLine(String(line), isError: isError)
        }
        if plain.unicodeScalars.last == "\n" || plain.isEmpty { lines.removeLast() }
        return lines
    }

    /// `lines` without the blank lines at its end: trailing blank lines are not significant in a transcript, so a
    /// person may leave an empty line between entries.
    public static func trimmingTrailingBlankLines(_ lines: [OutputLine]) -> [OutputLine] {
        var end = lines.count
        while end > 0, lines[end - 1].text.allSatisfy(\.isWhitespace) { end -= 1 }
        return Array(lines[..<end])
    }

    /// The lines as the transcript shows them to a person: error lines behind `! `.
    public static func display(_ lines: [OutputLine]) -> String {
        lines.map { $0.isError ? TranscriptSyntax.errorLine($0.text) : $0.text }.joined(separator: "\n")
    }
}

extension OutputLine {
    /// The lines as plain text, both streams in order, without markers (the `result` of a JSON report).
    static func plainText(_ lines: [OutputLine]) -> String {
        lines.map(\.text).joined(separator: "\n")
    }
}
