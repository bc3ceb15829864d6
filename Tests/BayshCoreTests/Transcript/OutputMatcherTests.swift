import Testing

@testable import BayshCore

@Suite struct OutputMatcherTests {
    func lines(_ text: String) -> [OutputLine] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("! ") ? OutputLine(String(line.dropFirst(2)), isError: true) : OutputLine(String(line))
        }
    }

    func matches(_ expected: String, _ actual: String) -> Bool {
        OutputMatcher.matches(expected: lines(expected), actual: lines(actual))
    }

    @Test func exactTextMatchesAndOtherTextDoesNot() {
        #expect(matches("a\nb", "a\nb"))
        #expect(!matches("a\nb", "a\nc"))
        #expect(!matches("a", "a\nb"))
        #expect(!matches("a\nb", "a"))
    }

    @Test func ellipsisInsideALineMatchesAnyTextOfThatLine() {
        #expect(matches("session local:...", "session local:3f2a"))
        #expect(matches("id ... at ...Z", "id 1234 at 2025-06-01T12:00:00Z"))
        #expect(matches("...", "anything"))
        #expect(matches("a...b...c", "abc"))
        #expect(matches("a...a", "aa"))
        #expect(!matches("a...a", "a"))
        #expect(!matches("id ...!", "id 12"))
        #expect(!matches("x...", "a\nx1"))
    }

    @Test func ellipsisLineMatchesAnyNumberOfLines() {
        #expect(matches("start\n...\nend", "start\nend"))
        #expect(matches("start\n...\nend", "start\n1\n2\n3\nend"))
        #expect(matches("...\nend", "x\ny\nend"))
        #expect(matches("start\n...", "start\nx\ny"))
        #expect(matches("...", ""))
        #expect(!matches("start\n...\nend", "start\n1\nfinish"))
        // Backtracking: the first `b` is not the one the pattern needs.
        #expect(matches("a\n...\nb\nc", "a\nb\nx\nb\nc"))
        #expect(matches("...\nx\n...\nx", "x\nx\nx"))
    }

    @Test func errorLinesMatchOnlyErrorLines() {
        #expect(matches("! no such tool", "! no such tool"))
        #expect(!matches("! no such tool", "no such tool"))
        #expect(!matches("no such tool", "! no such tool"))
        #expect(matches("! tool '...' not found", "! tool 'x' not found"))
        // A bare `...` line spans lines of both streams; `! ...` is one error line.
        #expect(matches("...\nend", "! warn\nout\nend"))
        #expect(matches("! ...", "! anything"))
        #expect(!matches("! ...", "! one\n! two"))
    }

    @Test func trailingWhitespaceAndBlankLinesAreNotSignificant() {
        #expect(matches("a  \nb", "a\nb\t"))
        #expect(matches("a\n\n", "a"))
        #expect(matches("a", "a\n\n  "))
        #expect(!matches(" a", "a"))
        #expect(!matches("a\n\nb", "a\nb"))
    }
}
