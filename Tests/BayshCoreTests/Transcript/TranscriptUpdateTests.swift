import BayshTestSupport
import Foundation
import Testing

@testable import BayshCore

/// `--update` rewrites only the outputs that differ, and inside them only the lines that no longer fit.
@Suite struct TranscriptUpdateTests {
    let masks = OutputMasks(workspace: "/tmp/ws-update-test", sessionId: "local-0123456789ab")

    /// Writes `text`, rewrites the entries at `changes` (command line → printed lines) and gives the new text.
    func update(_ text: String, _ changes: [Int: [OutputLine]]) throws -> (text: String, lines: [Int]) {
        let folder = try TemporaryDirectory()
        let path = folder.path("t.txt")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let transcript = TranscriptReader().parse(text)
        let list = transcript.entries.compactMap { entry in
            changes[entry.line].map { TranscriptUpdate.Change(entry: entry, printed: $0) }
        }
        let lines = try TranscriptUpdate(changes: list, masks: masks).apply(to: path)
        return (try String(contentsOfFile: path, encoding: .utf8), lines)
    }

    @Test func keepsCommandsCommentsBlankLinesAndLinesThatStillFit() throws {
        let text = """
            # baysh transcript v1
            # header

            > read_file path=a.txt
            one
            # a comment inside the output
            TWO
            three

            # about the next command
            > get_file_info path=a.txt
            path: <workspace>/a.txt
            size: 5
            ...
            > :tools
            unchanged

            """
        let (updated, lines) = try update(text, [
            4: [OutputLine("one"), OutputLine("two"), OutputLine("three")],
            11: [
                OutputLine("path: /tmp/ws-update-test/a.txt"), OutputLine("size: 14"),
                OutputLine("modified: 2026-12-02T06:10:00Z"), OutputLine("isFile: true"),
            ],
        ])
        #expect(lines == [4, 11])
        #expect(updated == text.replacingOccurrences(of: "TWO", with: "two")
            .replacingOccurrences(of: "size: 5", with: "size: 14"))
    }

    @Test func newLinesAreWrittenMaskedAndEscaped() throws {
        let text = "> shell command=x\n! exit code 3 (trace id <trace-id>)\n> :help\nhelp\n"
        let (updated, _) = try update(text, [
            1: [
                OutputLine("# a heading"), OutputLine("at 2027-01-01T00:00:00Z in /tmp/ws-update-test"),
                OutputLine("exit code 4 (trace id 0123456789abcdef)", isError: true),
            ],
        ])
        #expect(updated == """
            > shell command=x
            | # a heading
            at <time> in <workspace>
            ! exit code 4 (trace id <trace-id>)
            > :help
            help

            """)
    }

    @Test func aKeptEllipsisThatWouldSwallowTooMuchGivesTheWholeOutput() throws {
        let text = "> c\nstart\n...\nend\n"
        // `...` paired with "a" would leave "end" unmatched by what follows, so the output is written whole.
        let (updated, _) = try update(text, [1: [OutputLine("begin"), OutputLine("a"), OutputLine("finish")]])
        let check = TranscriptReader().parse(updated)
        #expect(OutputMatcher.matches(
            expected: check.entries[0].output ?? [],
            actual: [OutputLine("begin"), OutputLine("a"), OutputLine("finish")], masks: masks))
    }

    @Test func crlfAndACutLastLineStay() throws {
        let text = "> a\r\nold\r\n> b\r\nkept\r\n# cut"
        let (updated, _) = try update(text, [1: [OutputLine("new")]])
        #expect(updated == "> a\r\nnew\r\n> b\r\nkept\r\n# cut")
    }

    @Test func aFileThatChangedUnderneathIsLeftAlone() throws {
        let text = "> a\nold\n"
        var entry = TranscriptReader().parse(text).entries[0]
        entry.line = 7
        let folder = try TemporaryDirectory()
        let path = folder.path("t.txt")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let lines = try TranscriptUpdate(changes: [.init(entry: entry, printed: [OutputLine("new")])], masks: nil)
            .apply(to: path)
        #expect(lines.isEmpty)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }
}
