import BayshTestSupport
import Foundation
import Testing

@testable import BayshCore

/// Inputs the fuzzer (Fuzz/run.sh transcript) found breaking a promise of the reader or writer, one test each.
@Suite struct TranscriptFuzzRegressionTests {
    /// The shell reads bare transcripts continuing a command while a quote is open.
    let shellReader = TranscriptReader(isIncomplete: { CallLine.needsContinuation($0) })

    @Test func savedCommandWithAnOpenQuoteReadsBackWithoutItsMarkers() throws {
        let scratch = try TemporaryDirectory()
        let path = scratch.path("saved.txt")
        let command = "write_file content='one\n\n# two\n. three'"
        try TranscriptWriter.save(commands: [command, ":tools"], header: TranscriptHeader(), to: path)
        let read = try shellReader.read(path: path)
        #expect(read.entries.map(\.command) == [command, ":tools"])
    }

    @Test func aCommandCutAtTheContinuationLimitIsCutThereAgainWhenSaved() throws {
        let limit = TranscriptReader.maximumContinuationLines
        let text = "shell 'open\n" + String(repeating: "x\n", count: limit + 3)
        let first = shellReader.parse(text)
        #expect(first.entries.count == 4)
        let scratch = try TemporaryDirectory()
        let path = scratch.path("saved.txt")
        try TranscriptWriter.save(commands: first.entries.map(\.command), header: TranscriptHeader(), to: path)
        #expect(try shellReader.read(path: path).entries.map(\.command) == first.entries.map(\.command))
    }

    @Test func aSavedFirstCommandStartingWithAByteOrderMarkKeepsIt() throws {
        let scratch = try TemporaryDirectory()
        let path = scratch.path("saved.txt")
        let commands = ["\u{FEFF}# not a comment", ":tools"]
        try TranscriptWriter.save(commands: commands, header: TranscriptHeader(version: nil), to: path)
        #expect(try TranscriptReader().read(path: path).entries.map(\.command) == commands)
    }

    @Test func continuationLinesAndOpenQuotesMixInOneBareCommand() {
        let transcript = shellReader.parse("shell 'a\n. b\nc'\n. d\n:tools\n")
        #expect(transcript.entries.map(\.command) == ["shell 'a\nb\nc'\nd", ":tools"])
        #expect(transcript.entries.map(\.line) == [1, 5])
    }
}

extension TranscriptFuzzRegressionTests {
    @Test func carriageReturnsEndingALineAreAllDropped() {
        let transcript = TranscriptReader().parse("> shell\r\r\nout\r\r\r\n! err\r\r\n")
        #expect(transcript.entries == [
            TranscriptEntry(
                command: "shell", line: 1, output: [OutputLine("out"), OutputLine("err", isError: true)])
        ])
        #expect(TranscriptReader().parse([0x61, 0x95, 0x0D, 0x0D, 0x0D]).entries.map(\.command) == ["a\u{FFFD}"])
    }

    @Test func printedLinesEndingInCarriageReturnsMatchTheirRecording() throws {
        let printed = OutputLine.lines(of: "x\r\r\ny\r\n", isError: false)
        #expect(printed == [OutputLine("x"), OutputLine("y")])
        let scratch = try TemporaryDirectory()
        let path = scratch.path("cr.txt")
        let writer = try TranscriptWriter(path: path, header: TranscriptHeader())
        #expect(writer.append(TranscriptEntry(command: "shell", output: printed)) == nil)
        writer.close()
        let recorded = try TranscriptReader().read(path: path).entries.first?.output ?? []
        #expect(OutputMatcher.matches(expected: recorded, actual: printed))
    }
}
