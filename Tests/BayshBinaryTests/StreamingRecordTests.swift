import BayshTestSupport
import Foundation
import Testing

@testable import BayshCore

/// Recording straight from the printed output (``TranscriptWriter/append(command:output:)``) writes the same bytes
/// as the entry's text built from its lines, and a big recording replays and checks clean.
@Suite struct StreamingRecordTests {
    /// Pieces that make tricky lines when strung together: markers, blank and whitespace-only lines, carriage
    /// returns, escapes, characters beyond ASCII, lines without an end.
    static let fragments = [
        "| x", "> y", ">", "#", "# h", "...", "a ... b", "!", "! e", ".", ". d", "|", "||", ">>", "\n", "\n\n", "\r\n",
        "\r", " ", "\t", "  \n", "\u{3000}", "\u{A0}x", " \u{301}", "é", "🙂", "plain", "\u{1B}[31m", "\u{1B}[0m",
        "\u{FEFF}", "x\r\ry", "",
    ]

    /// A generator the test can repeat: the same seed gives the same outputs.
    struct Lehmer {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static func randomOutput(_ random: inout Lehmer) -> RenderedOutput {
        var output = RenderedOutput()
        for _ in 0..<random.next(8) {
            let text = (0..<random.next(6)).map { _ in fragments[random.next(fragments.count)] }.joined()
            output.chunks.append(.init(stream: random.next(3) == 0 ? .standardError : .standardOutput, text: text))
        }
        return output
    }

    /// What one streamed entry put in a file.
    static func streamed(command: String, output: RenderedOutput, in scratch: TemporaryDirectory) throws -> String {
        let path = scratch.path("streamed-\(UUID().uuidString).txt")
        let writer = try TranscriptWriter(path: path, header: TranscriptHeader(version: nil))
        if let failure = writer.append(command: command, output: output) { throw failure }
        writer.close()
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test func streamedEntriesAreByteForByteTheEntryText() throws {
        let scratch = try TemporaryDirectory()
        var random = Lehmer(state: 7)
        for round in 0..<400 {
            let output = Self.randomOutput(&random)
            let command = round % 5 == 0 ? "write_file path=a.txt content=\"one\n\ntwo\"" : "read_file path=a.txt"
            let expected = TranscriptWriter.text(
                of: TranscriptEntry(command: command, output: output.transcriptLines))
            let streamed = try Self.streamed(command: command, output: output, in: scratch)
            #expect(Array(streamed.utf8) == Array(expected.utf8), "round \(round): \(output.chunks.map(\.text))")
        }
    }

    @Test func linesAreTheOnesTheSplitterBeforeStreamingFound() {
        var random = Lehmer(state: 11)
        var compared = 0
        for _ in 0..<600 {
            let output = Self.randomOutput(&random)
            // Where that splitter was wrong (see the test below) the lines differ on purpose.
            guard !output.chunks.contains(where: { $0.text.contains("\u{1B}") || $0.text.hasSuffix("\r\n") }) else {
                continue
            }
            compared += 1
            #expect(output.transcriptLines == Self.linesBeforeStreaming(output), "\(output.chunks.map(\.text))")
        }
        #expect(compared > 100)
    }

    /// `RenderedOutput.transcriptLines` as it was before the lines were walked in place.
    static func linesBeforeStreaming(_ output: RenderedOutput) -> [OutputLine] {
        var lines: [OutputLine] = []
        var pending: [RenderedOutput.Stream: String] = [:]
        for chunk in output.chunks {
            var text = (pending[chunk.stream] ?? "") + chunk.text
            let endsLine = text.hasSuffix("\n")
            var parts = OutputLine.lines(of: text, isError: chunk.stream == .standardError)
            text = endsLine || parts.isEmpty ? "" : parts.removeLast().text
            pending[chunk.stream] = text
            lines += parts
        }
        for stream in [RenderedOutput.Stream.standardOutput, .standardError] {
            if let rest = pending[stream], !rest.isEmpty {
                lines.append(OutputLine(rest, isError: stream == .standardError))
            }
        }
        return lines
    }

    @Test func aLineEndedByCarriageReturnAndNewlineAtAChunksEndIsComplete() {
        // The line splitter before streaming kept `a` open here and joined it to `b`.
        var output = RenderedOutput()
        output.chunks = [.init(stream: .standardOutput, text: "a\r\n"), .init(stream: .standardOutput, text: "b\n")]
        #expect(output.transcriptLines == [OutputLine("a"), OutputLine("b")])
        output.chunks = [
            .init(stream: .standardOutput, text: "a\n\u{1B}[0m"), .init(stream: .standardError, text: "e\n"),
            .init(stream: .standardOutput, text: "b\n"),
        ]
        #expect(output.transcriptLines == [OutputLine("a"), OutputLine("e", isError: true), OutputLine("b")])
    }

    @Test func aHugeLineAndManyLinesAreWrittenInPiecesWithSecretsMaskedAcrossThem() throws {
        let scratch = try TemporaryDirectory()
        let secret = Secret("stream-\(UUID().uuidString)")
        let mask = secret.masked
        // One line longer than two pieces, made of the secret again and again, so every place a piece may end
        // falls inside or right next to one.
        let huge = String(repeating: secret.revealed + "y", count: EntryBuffer.capacity * 2 / 40)
        let many = (0..<350_000).map { $0 % 997 == 0 ? "# \(secret.revealed)" : "line \($0) é" }.joined(separator: "\n")
        for text in [huge, many, "\(huge)\n\n  \n\(many)\n\n"] {
            var output = RenderedOutput()
            output.verbatim(text)
            output.verbatim("tail", to: .standardError)
            let streamed = try Self.streamed(command: "read_file path=big.txt", output: output, in: scratch)
            let expected = TranscriptWriter.text(
                of: TranscriptEntry(command: "read_file path=big.txt", output: output.transcriptLines))
            #expect(streamed == expected)
            #expect(!streamed.contains(secret.revealed))
            #expect(streamed.contains(mask))
        }
    }

    @Test func aBigRecordingWithMarkerLikeLinesReplaysWithNoDifference() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let workspace = baysh.path("ws")
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        let special = ["| literal", "> quoted", ">", "# heading", "#", "...", "a ... b", "", "   ", "! bang", ". dot",
            "|", "crlf line\r", "\u{3000}", "é 🙂"]
        let last = "the end, without a line break"
        var lines: [String] = []
        var size = 0
        while size < 6 << 20 {
            let line = lines.count % 3 == 0 ? special[lines.count / 3 % special.count] : "row \(lines.count) value"
            lines.append(line)
            size += line.utf8.count + 1
        }
        lines.append(last)
        try lines.joined(separator: "\n").write(toFile: workspace + "/big.txt", atomically: true, encoding: .utf8)

        let record = try await baysh.run(["--workspace", "ws", "--record", "rec.txt"], input: "read_file path=big.txt\n")
        #expect(record.status == 0, "\(record.stderr)")
        let transcript = try TranscriptReader().read(path: baysh.path("rec.txt"))
        let recorded = try #require(transcript.entries.first?.output)
        #expect(recorded.count == lines.count)
        #expect(recorded.first { $0.text == "| literal" } != nil)
        #expect(recorded.last?.text == last)

        let replay = try await baysh.run(["--workspace", "ws", "--replay", "rec.txt", "--check"])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stderr.contains("1 checked, all match"))
    }
}
