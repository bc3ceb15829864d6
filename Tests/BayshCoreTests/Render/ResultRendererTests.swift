import BayshCore
import Foundation
import MCP
import Testing

@Suite("ResultRenderer")
struct ResultRendererTests {
    let folder: URL
    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("baysh-render-\(UUID().uuidString)")
    }

    func renderer(_ format: OutputFormat = .text, truncation: TruncationLimits? = nil) -> ResultRenderer {
        ResultRenderer(format: format, truncation: truncation, outputFolder: OutputFolder(directory: folder))
    }

    @Test func plainTextIsPrintedAsIs() {
        let rendered = renderer().render(ToolResult(content: [.text("hello\nworld")]), tool: "t")
        #expect(rendered.output.standardOutput == "hello\nworld\n")
        #expect(rendered.output.standardError == "")
        #expect(!rendered.failed)
    }

    @Test func jsonTextIsPrettyPrintedKeepingKeyOrder() {
        let text = #"{"zeta":1,"alpha":{"b":[1,2.50,{}],"a":[]},"s":"x:{,}\"y"}"#
        let rendered = renderer().render(ToolResult(content: [.text(text)]), tool: "t")
        #expect(rendered.output.standardOutput == """
            {
              "zeta": 1,
              "alpha": {
                "b": [
                  1,
                  2.50,
                  {}
                ],
                "a": []
              },
              "s": "x:{,}\\"y"
            }

            """)
        #expect(JSONLayout.pretty("not json {") == nil)
        #expect(JSONLayout.pretty("{\"a\": ") == nil)
        #expect(JSONLayout.pretty("42") == nil)
    }

    @Test func shellToolJSONShowsStdoutStderrAndExitCode() {
        let ok = renderer().render(
            ToolResult(content: [.text(#"{"stdout":"hi\n","stderr":"","exit_code":0}"#)]), tool: "shell")
        #expect(ok.output.standardOutput == "hi\n")
        #expect(ok.output.standardError == "")
        #expect(!ok.failed)

        let failed = renderer().render(
            ToolResult(content: [.text(#"{"stdout":"partial","stderr":"boom\n","exit_code":2}"#)]), tool: "shell")
        #expect(failed.output.standardOutput == "partial\n")
        #expect(failed.output.standardError == "boom\nexit code 2\n")
        #expect(failed.output.chunks.first { $0.text == "boom\n" }?.style == .error)
        #expect(failed.failed)

        let cloudError = renderer().render(ToolResult(
            content: [.text(#"{"stdout":"","stderr":"sh: nope: not found\n","errorCode":127,"traceId":"77f9"}"#)],
            isError: true), tool: "shell")
        #expect(cloudError.output.standardError == "sh: nope: not found\nexit code 127 (trace id 77f9)\n")
        #expect(cloudError.failed)

        // Not the envelope: only one of the keys.
        let other = renderer().render(ToolResult(content: [.text(#"{"stdout":"x"}"#)]), tool: "shell")
        #expect(other.output.standardOutput == "{\n  \"stdout\": \"x\"\n}\n")
    }

    @Test func imagesAndBlobsAreSavedToFiles() throws {
        let png = Data([0x89, 0x50, 0x4E, 0x47, 1, 2, 3])
        let result = ToolResult(content: [
            .image(base64: png.base64EncodedString(), mimeType: "image/png"),
            .image(base64: png.base64EncodedString(), mimeType: "image/png"),
            .resource(uri: "file:///a.bin", mimeType: nil, text: nil, blobBase64: Data([9, 9]).base64EncodedString()),
            .audio(base64: "!!!not base64", mimeType: "audio/wav"),
        ])
        let rendered = renderer().render(result, tool: "screen shot")
        #expect(rendered.savedFiles.count == 3)
        #expect(rendered.savedFiles[0].hasSuffix("/screen_shot-1.png"))
        #expect(rendered.savedFiles[1].hasSuffix("/screen_shot-2.png"))
        #expect(rendered.savedFiles[2].hasSuffix("/screen_shot-1.bin"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: rendered.savedFiles[0])) == png)
        #expect(rendered.output.standardOutput.contains("image image/png 7 bytes saved to \(rendered.savedFiles[0])"))
        #expect(rendered.output.standardError.contains("audio (audio/wav) is not valid base64"))
        #expect(rendered.failed)
        try? FileManager.default.removeItem(at: folder)
    }

    @Test func errorResultsGoToStderr() {
        let rendered = renderer().render(ToolResult(content: [.text("no such file")], isError: true), tool: "t")
        #expect(rendered.output.standardOutput == "")
        #expect(rendered.output.standardError == "no such file\n")
        #expect(rendered.output.chunks.allSatisfy { $0.style == .error })
        #expect(rendered.failed)
        let empty = renderer().render(ToolResult(content: [], isError: true), tool: "t")
        #expect(empty.output.standardError == "the tool reported an error without a message\n")
    }

    @Test func hugeTextIsCutOnATerminalAndSavedWhole() throws {
        let text = (1...3000).map { "line \($0)" }.joined(separator: "\n")
        let limits = TruncationLimits(maximumLines: 2000, maximumBytes: 1_000_000, shownLines: 5, shownBytes: 1000)
        let rendered = renderer(truncation: limits).render(ToolResult(content: [.text(text)]), tool: "big")
        #expect(rendered.output.standardOutput == "line 1\nline 2\nline 3\nline 4\nline 5\n")
        let path = try #require(rendered.savedFiles.first)
        #expect(rendered.output.standardError == "… output cut: showing 5 of 3000 lines; the full text (28 KB) is in \(path)\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
        // Scripts (no limits) get everything.
        let whole = renderer().render(ToolResult(content: [.text(text)]), tool: "big")
        #expect(whole.output.standardOutput == text + "\n")
        try? FileManager.default.removeItem(at: folder)
    }

    @Test func jsonAndRawFormats() {
        let result = ToolResult(content: [.text("a\n"), .text("b")], isError: false, structuredContent: ["n": 1])
        let json = renderer(.json).render(result, tool: "t")
        #expect(json.output.standardOutput == """
            {
              "content" : [
                {
                  "text" : "a\\n",
                  "type" : "text"
                },
                {
                  "text" : "b",
                  "type" : "text"
                }
              ],
              "isError" : false,
              "structuredContent" : {
                "n" : 1
              }
            }

            """)
        let raw = renderer(.raw).render(result, tool: "t")
        #expect(raw.output.standardOutput == "a\nb")
    }
}

@Suite("TerminalWriter")
struct TerminalWriterTests {
    final class Collected: @unchecked Sendable {
        var text = ""
    }

    @Test func coloursOnlyWhenAllowed() {
        #expect(!TerminalWriter.colorsAllowed(on: -1, environment: [:]))
        #expect(!TerminalWriter.colorsAllowed(on: 1, environment: ["NO_COLOR": "1"]))
        #expect(!TerminalWriter.colorsAllowed(on: 1, environment: ["TERM": "dumb"]))
        var output = RenderedOutput()
        output.errorLine("bad\nworse")
        let collected = Collected()
        TerminalWriter(colorsOnStandardError: true) { text, _ in collected.text += text }.write(output)
        #expect(collected.text == "\u{1B}[31mbad\u{1B}[0m\n\u{1B}[31mworse\u{1B}[0m\n")
        let plain = Collected()
        TerminalWriter { text, _ in plain.text += text }.write(output)
        #expect(plain.text == "bad\nworse\n")
    }

    @Test func secretsAreMaskedOnTheWay() {
        let secret = Secret("akm-0123456789abcdef")
        var output = RenderedOutput()
        output.line("key is \(secret.revealed)")
        let collected = Collected()
        TerminalWriter { text, _ in collected.text += text }.write(output)
        #expect(collected.text == "key is akm-****cdef\n")
    }
}
