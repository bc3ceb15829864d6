import BayshTestSupport
import Foundation
import PropertyBased
import Testing

@testable import BayshCore

@Suite struct TranscriptWriterTests {
    @Test func writesHeaderAndEntriesThatReadBack() throws {
        let scratch = try TemporaryDirectory()
        let path = scratch.path("t.txt")
        let date = Date(timeIntervalSince1970: 1_750_000_000)
        let descriptor = SessionDescriptor(backend: .local, label: "3f2a", target: "local", imageId: "linux_latest")
        let writer = try TranscriptWriter(path: path, header: TranscriptHeader(recording: descriptor, at: date))
        let entries = [
            TranscriptEntry(
                command: "write_file path=a.txt content=\"one\n\ntwo\"",
                output: [OutputLine("wrote 8 bytes"), OutputLine(""), OutputLine("# not a comment")]),
            TranscriptEntry(command: "nope", output: [OutputLine("unknown tool 'nope'", isError: true)]),
            TranscriptEntry(command: ":timing on", output: []),
        ]
        for entry in entries { #expect(writer.append(entry) == nil) }
        writer.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(
            text == """
                # baysh transcript v1
                # backend: local
                # image: linux_latest
                # session: local:3f2a
                # baysh: \(BayshVersion.current)
                # recorded: 2025-06-15T15:06:40Z
                > write_file path=a.txt content="one
                .
                . two"
                wrote 8 bytes

                | # not a comment
                > nope
                ! unknown tool 'nope'
                > :timing on

                """)
        let read = try TranscriptReader().read(path: path)
        #expect(read.entries.map(\.command) == entries.map(\.command))
        #expect(read.entries.map(\.output) == entries.map(\.output))
        #expect(read.entries.map(\.line) == [7, 13, 15])
    }

    @Test func eachEntryIsOnDiskAsSoonAsItIsAppended() throws {
        let scratch = try TemporaryDirectory()
        let path = scratch.path("t.txt")
        let writer = try TranscriptWriter(path: path, header: TranscriptHeader())
        _ = writer.append(TranscriptEntry(command: "a", output: [OutputLine("1")]))
        // Read while the writer is still open: nothing may wait in a buffer.
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "# baysh transcript v1\n> a\n1\n")
        withExtendedLifetime(writer) {}
    }

    @Test func secretsAreMaskedInCommandsOutputAndHeader() throws {
        let scratch = try TemporaryDirectory()
        let path = scratch.path("t.txt")
        let secret = Secret("akm-transcript-writer-secret-1234")
        let header = TranscriptHeader(fields: [TranscriptHeader.Field("server", "x --key \(secret.revealed)")])
        let writer = try TranscriptWriter(path: path, header: header)
        _ = writer.append(
            TranscriptEntry(
                command: "login key=\(secret.revealed)",
                output: [OutputLine("token \(secret.revealed)"), OutputLine(secret.revealed, isError: true)]))
        writer.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains(secret.revealed))
        #expect(text.components(separatedBy: secret.masked).count == 5)
    }

    @Test func aFailedWriteWarnsOnceAndStopsRecording() throws {
        let scratch = try TemporaryDirectory()
        let path = scratch.path("readonly.txt")
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let descriptor = open(path, O_RDONLY)
        try #require(descriptor >= 0)
        let writer = TranscriptWriter(descriptor: descriptor, path: path)
        let first = writer.append(TranscriptEntry(command: "a", output: []))
        guard case .recordingStopped(let failedPath, let reason) = first else {
            Issue.record("expected recordingStopped, got \(String(describing: first))")
            return
        }
        #expect(failedPath == path)
        #expect(reason == "Bad file descriptor")
        #expect(first?.description.contains("the shell goes on without recording") == true)
        #expect(!writer.isRecording)
        #expect(writer.append(TranscriptEntry(command: "b", output: [])) == nil)
    }

    @Test func aFullDiskRefusesTheRecordingUpFront() {
        #expect(throws: TranscriptError.cannotRecord(path: "/dev/full", reason: "No space left on device")) {
            // `replacing`: /dev/full exists, and an existing file is replaced only when the user said so.
            try TranscriptWriter(path: "/dev/full", header: TranscriptHeader(), replacing: true)
        }
        #expect(throws: TranscriptError.cannotRecord(path: "/nonexistent-dir/t.txt", reason: "No such file or directory")) {
            try TranscriptWriter(path: "/nonexistent-dir/t.txt", header: TranscriptHeader())
        }
    }

    @Test func saveWritesABareTranscript() throws {
        let scratch = try TemporaryDirectory()
        let path = scratch.path("saved.txt")
        try TranscriptWriter.save(
            commands: ["shell command=\"echo hi\"", "write_file path=a content=\"x\ny\"", ":tools"],
            header: TranscriptHeader(fields: [TranscriptHeader.Field("from", "history 3-5")]), to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(
            text == """
                # baysh transcript v1
                # from: history 3-5
                shell command="echo hi"
                write_file path=a content="x
                . y"
                :tools

                """)
        let read = try TranscriptReader().read(path: path)
        #expect(read.style == .bare)
        #expect(read.entries.map(\.command) == ["shell command=\"echo hi\"", "write_file path=a content=\"x\ny\"", ":tools"])
        #expect(read.entries.allSatisfy { $0.output == nil })
    }

    /// Line pieces that stress the syntax: every marker, with and without a space, and `...`.
    static let pieces = ["#", "> ", ">", ".", ". ", "!", "! ", "|", "| ", "a", "b c", " ", "...", "\t", "é"]
    static let lineGenerator = Gen.element(of: pieces).map { $0! }.array(of: 0...4).map { $0.joined() }

    @Test func anyOutputRoundTripsThroughTheFile() async {
        let entries = Self.lineGenerator.array(of: 0...6).array(of: 1...5)
        await propertyCheck(count: 200, input: entries) { outputs in
            let recorded = outputs.enumerated().map { index, lines in
                TranscriptEntry(
                    command: "cmd\(index) " + lines.joined(separator: "\n"),
                    output: lines.map { OutputLine($0, isError: $0.hasPrefix("a")) })
            }
            let text = TranscriptHeader().text + recorded.map(TranscriptWriter.text(of:)).joined()
            let read = TranscriptReader().parse(text)
            #expect(read.warnings.isEmpty)
            #expect(read.entries.map(\.command) == recorded.map(\.command))
            #expect(read.entries.map(\.output) == recorded.map { OutputLine.trimmingTrailingBlankLines($0.output ?? []) })
        }
    }

    @Test func cuttingARecordingAnywhereKeepsEveryEntryBeforeTheCut() async {
        let entries = Self.lineGenerator.array(of: 0...4).array(of: 1...4)
        await propertyCheck(count: 60, input: entries) { outputs in
            let recorded = outputs.enumerated().map { index, lines in
                TranscriptEntry(command: "cmd\(index)", output: lines.map { OutputLine($0) })
            }
            let full = TranscriptReader().parse(recorded.map(TranscriptWriter.text(of:)).joined()).entries
            var ends: [Int] = []
            var total = 0
            for entry in recorded {
                total += TranscriptWriter.text(of: entry).utf8.count
                ends.append(total)
            }
            let bytes = Array(recorded.map(TranscriptWriter.text(of:)).joined().utf8)
            for cut in 0...bytes.count {
                let read = TranscriptReader().parse(bytes[..<cut]).entries
                let complete = ends.filter { $0 <= cut }.count
                // Every entry written in full before the cut is there, unchanged; at most the entry being written
                // when the cut fell on a line break shows up with part of its output.
                #expect(read.count >= complete)
                #expect(read.count <= complete + 1)
                #expect(Array(read.prefix(complete)) == Array(full.prefix(complete)))
            }
        }
    }
}
