import BayshTestSupport
import Foundation
import PropertyBased
import Testing

@testable import BayshCore

@Suite struct TranscriptReaderTests {
    let reader = TranscriptReader()

    @Test func readsHeaderCommandsOutputAndErrors() {
        let transcript = reader.parse(
            """
            # baysh transcript v1
            # backend: local
            # image: linux_latest
            # recorded: 2025-06-01T12:00:00Z
            > write_file path=a.txt content=hi
            wrote 2 bytes to a.txt
            > read_file path=../x
            ! path '../x' is refused: it leaves the workspace
            > :tools
            shell  command:string

            read_file  path:string

            """)
        #expect(transcript.style == .recorded)
        #expect(transcript.header.version == 1)
        #expect(transcript.header["backend"] == "local")
        #expect(transcript.header["image"] == "linux_latest")
        #expect(transcript.header["recorded"] == "2025-06-01T12:00:00Z")
        #expect(transcript.warnings.isEmpty)
        #expect(
            transcript.entries == [
                TranscriptEntry(
                    command: "write_file path=a.txt content=hi", line: 5, output: [OutputLine("wrote 2 bytes to a.txt")]),
                TranscriptEntry(
                    command: "read_file path=../x", line: 7,
                    output: [OutputLine("path '../x' is refused: it leaves the workspace", isError: true)]),
                TranscriptEntry(
                    command: ":tools", line: 9,
                    output: [OutputLine("shell  command:string"), OutputLine(""), OutputLine("read_file  path:string")]),
            ])
    }

    @Test func continuationLinesJoinTheCommandAndOnlyRightAfterIt() {
        let transcript = reader.parse(
            """
            > write_file path=a.txt content="one
            .
            . three"
            printed
            . a printed line that starts with a dot
            """ + "\n")
        #expect(transcript.entries.count == 1)
        #expect(transcript.entries[0].command == "write_file path=a.txt content=\"one\n\nthree\"")
        #expect(transcript.entries[0].output == [OutputLine("printed"), OutputLine(". a printed line that starts with a dot")])
    }

    @Test func commentsAnywhereAreSkippedAndEscapedLinesAreLiteral() {
        let transcript = reader.parse(
            """
            > read_file path=README.md
            | # baysh
            # a note by the person who edited this
            | > quoted
            | | table |
            |---|
            !not an error marker
            """ + "\n")
        #expect(
            transcript.entries[0].output == [
                OutputLine("# baysh"), OutputLine("> quoted"), OutputLine("| table |"), OutputLine("|---|"),
                OutputLine("!not an error marker"),
            ])
    }

    @Test func trailingBlankLinesAreNotPartOfTheOutput() {
        let transcript = reader.parse("> echo\n\nmiddle\n\n\n  \n> next\n")
        #expect(transcript.entries[0].output == [OutputLine(""), OutputLine("middle")])
        #expect(transcript.entries[1].output == [])
    }

    @Test func crlfAndByteOrderMarkAreAccepted() {
        let transcript = reader.parse("\u{FEFF}# baysh transcript v1\r\n> a\r\nout\r\n\r\n> b\r\n")
        #expect(transcript.header.version == 1)
        #expect(transcript.entries.map(\.command) == ["a", "b"])
        #expect(transcript.entries[0].output == [OutputLine("out")])
        #expect(transcript.entries[1].line == 5)
    }

    @Test func aCutLastLineDropsOnlyItsEntry() {
        let cutInOutput = reader.parse("> a\none\n> b\ntw")
        #expect(cutInOutput.entries == [TranscriptEntry(command: "a", line: 1, output: [OutputLine("one")])])
        #expect(cutInOutput.warnings.count == 1)
        #expect(cutInOutput.warnings[0].line == 4)
        #expect(cutInOutput.warnings[0].description.contains("entry at line 3 is left out"))

        let cutInCommand = reader.parse("> a\none\n> writ")
        #expect(cutInCommand.entries.map(\.command) == ["a"])
        #expect(cutInCommand.entries[0].output == [OutputLine("one")])
        #expect(cutInCommand.warnings.first?.description.contains("entry at line 3") == true)

        let cutInComment = reader.parse("> a\none\n# no")
        #expect(cutInComment.entries.map(\.command) == ["a"])
        #expect(cutInComment.warnings.isEmpty)
    }

    @Test func textBeforeTheFirstCommandIsReportedOnce() {
        let transcript = reader.parse("stray\nmore\n> a\n")
        #expect(transcript.entries.map(\.command) == ["a"])
        #expect(transcript.warnings == [Transcript.Warning(line: 1, message: "text before the first command line ('> ') is ignored")])
    }

    @Test func emptyCommandLinesAreSkippedWithTheirOutput() {
        let transcript = reader.parse(">\nstray\n> a\n")
        #expect(transcript.entries.map(\.command) == ["a"])
        #expect(transcript.warnings.map(\.line) == [1])
    }

    @Test func bareFilesHoldOneCommandPerLine() {
        let transcript = reader.parse(
            """
            # baysh transcript v1
            # from: history 3-4
            shell command="echo hi"

            :tools
            write_file path=a.txt content="x
            . y"
            """)
        #expect(transcript.style == .bare)
        #expect(transcript.header["from"] == "history 3-4")
        #expect(transcript.entries == [
            TranscriptEntry(command: "shell command=\"echo hi\"", line: 3),
            TranscriptEntry(command: ":tools", line: 5),
            TranscriptEntry(command: "write_file path=a.txt content=\"x\ny\"", line: 6),
        ])
    }

    @Test func bareOrphanContinuationIsReported() {
        let transcript = reader.parse("# c\n. lost\na\n")
        #expect(transcript.entries.map(\.command) == ["a"])
        #expect(transcript.warnings.map(\.line) == [2])
    }

    @Test func bareCommandsContinueWhileTheShellSaysTheyAreOpen() {
        let quotes = TranscriptReader { command in command.filter { $0 == "\"" }.count % 2 == 1 }
        let transcript = quotes.parse("write_file path=a content=\"one\n\n# not a comment\ntwo\"\n:tools\n")
        #expect(transcript.entries.map(\.command) == ["write_file path=a content=\"one\n\n# not a comment\ntwo\"", ":tools"])
    }

    @Test func anUnclosedQuoteAtTheTopOfABigFileIsReadQuickly() {
        let text = "write_file path=a content=\"open\n" + String(repeating: "shell command=ls\n", count: 20_000)
        let clock = ContinuousClock()
        let start = clock.now
        let transcript = TranscriptCommands.reader.parse(text)
        #expect(clock.now - start < .seconds(30))
        #expect(transcript.entries.count == 1 + 20_000 - TranscriptReader.maximumContinuationLines)
        #expect(transcript.warnings.map(\.line) == [1])
    }

    @Test func readReportsMissingFilesAndNewerVersions() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: TranscriptError.unreadable(path: directory.path("none"), reason: "no such file")) {
            try reader.read(path: directory.path("none"))
        }
        #expect(throws: TranscriptError.unreadable(path: directory.path, reason: "is a directory, not a file")) {
            try reader.read(path: directory.path)
        }
        try "# baysh transcript v9\n> a\n".write(toFile: directory.path("new.txt"), atomically: true, encoding: .utf8)
        #expect(throws: TranscriptError.unsupportedVersion(path: directory.path("new.txt"), version: 9)) {
            try reader.read(path: directory.path("new.txt"))
        }
    }

    @Test func anyBytesParseWithoutCrashing() async {
        let pieces: [UInt8] = Array("> .!|#\n\r ab.\"'{[\\=".utf8) + [0xEF, 0xBB, 0xBF, 0xFF, 0xC3, 0x00]
        await propertyCheck(count: 400, input: Gen.element(of: pieces).map { $0! }.array(of: 0...80)) { bytes in
            // The reader replays use, which asks the call-line tokenizer whether a bare command goes on.
            let transcript = TranscriptCommands.reader.parse(bytes)
            for entry in transcript.entries {
                #expect(entry.line >= 1)
                #expect(!entry.command.allSatisfy { $0.isWhitespace })
            }
        }
    }
}
