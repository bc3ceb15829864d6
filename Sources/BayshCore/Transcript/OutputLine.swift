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
    /// colour and cursor escape sequences are dropped (a transcript is plain text a person edits).
    public static func lines(of text: String, isError: Bool) -> [OutputLine] {
        var lines: [OutputLine] = []
        var current = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let scalar = pending {
                pending = nil
                return scalar
            }
            return scalars.next()
        }
        func finishLine() {
            // All of them, as the reader drops them: a recorded line then compares equal to the same output live.
            while current.last == "\r" { current.removeLast() }
            lines.append(OutputLine(String(current), isError: isError))
            current = String.UnicodeScalarView()
        }
        var endedWithBreak = true
        while let scalar = next() {
            switch scalar {
            case "\n":
                finishLine()
                endedWithBreak = true
                continue
            case "\u{1B}":
                pending = skipEscapeSequence(next)
            default:
                current.append(scalar)
            }
            endedWithBreak = false
        }
        if !endedWithBreak { finishLine() }
        return lines
    }

    /// Consumes one escape sequence after ESC (CSI `ESC [ … final`, OSC `ESC ] … BEL|ESC \`, or a two-character
    /// one) and returns a scalar read past its end that is not part of it, if any.
    private static func skipEscapeSequence(_ next: () -> Unicode.Scalar?) -> Unicode.Scalar? {
        guard let kind = next() else { return nil }
        switch kind {
        case "[":
            while let scalar = next() {
                if (0x40...0x7E).contains(scalar.value) { return nil }
                if scalar == "\n" { return scalar }
            }
        case "]":
            while let scalar = next() {
                if scalar == "\u{07}" { return nil }
                if scalar == "\u{1B}" { _ = next(); return nil }
                if scalar == "\n" { return scalar }
            }
        case "\n":
            return kind
        default:
            break
        }
        return nil
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
