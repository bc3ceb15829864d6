import Foundation
import MCP

/// A tool result made printable, and whether it counts as a failure for the exit status of a script.
public struct RenderedResult: Sendable, Equatable {
    public var output: RenderedOutput
    /// `isError`, a shell command with a non-zero exit code, or a part that could not be shown or saved.
    public var failed: Bool
    /// Files written for this result (images, audio, blobs, full texts of truncated output).
    public var savedFiles: [String]
}

/// Turns a ``ToolResult`` into what the shell prints.
///
/// Text is printed as is, JSON text pretty-printed, the shell tool's JSON unpacked into its stdout, stderr (red)
/// and exit code; images, audio and binary resources are saved under the ``OutputFolder`` with their path printed;
/// `isError` results go to stderr in red. On a terminal, huge text is cut and saved whole to a file.
public struct ResultRenderer: Sendable {
    public var format: OutputFormat
    /// Nil when output is not a terminal: scripts get everything.
    public var truncation: TruncationLimits?
    public var outputFolder: OutputFolder

    public init(format: OutputFormat, truncation: TruncationLimits?, outputFolder: OutputFolder) {
        self.format = format
        self.truncation = truncation
        self.outputFolder = outputFolder
    }

    /// The printable form of `result` from `tool` (the tool name is used in saved files' names).
    public func render(_ result: ToolResult, tool: String) -> RenderedResult {
        var state = State(renderer: self, tool: tool, isError: result.isError)
        switch format {
        case .json:
            state.text(ValueJSON.pretty(result.jsonValue), style: .plain, stream: .standardOutput, controls: .spelledAsJSON)
        case .raw:
            for item in result.content {
                if case .text(let text) = item {
                    state.output.verbatim(text, to: state.stream)
                } else {
                    state.item(item)
                }
            }
        case .text:
            for item in result.content { state.item(item) }
            if result.content.isEmpty {
                if let structured = result.structuredContent {
                    state.text(ValueJSON.pretty(structured), style: state.style, stream: state.stream)
                } else if result.isError {
                    state.output.errorLine("the tool reported an error without a message")
                } else {
                    state.output.errorLine("(no content)", style: .dim)
                }
            }
        }
        return RenderedResult(output: state.output, failed: state.failed, savedFiles: state.savedFiles)
    }

    /// The rendering of one result, item by item.
    private struct State {
        let renderer: ResultRenderer
        let tool: String
        let isError: Bool
        var output = RenderedOutput()
        var failed: Bool
        var savedFiles: [String] = []

        init(renderer: ResultRenderer, tool: String, isError: Bool) {
            self.renderer = renderer
            self.tool = tool
            self.isError = isError
            self.failed = isError
        }

        var stream: RenderedOutput.Stream { isError ? .standardError : .standardOutput }
        var style: RenderedOutput.Style { isError ? .error : .plain }

        mutating func item(_ item: ContentItem) {
            switch item {
            case .text(let text):
                content(text)
            case .image(let data, let mimeType):
                save(base64: data, mimeType: mimeType, what: "image")
            case .audio(let data, let mimeType):
                save(base64: data, mimeType: mimeType, what: "audio")
            case .resource(let uri, let mimeType, let text, let blob):
                if let text {
                    output.append("resource \(uri)", to: stream, style: .dim)
                    content(text)
                } else if let blob {
                    save(base64: blob, mimeType: mimeType, what: "resource \(uri)")
                } else {
                    output.append("resource \(uri) (empty)", to: stream, style: .dim)
                }
            case .resourceLink(let uri, let name, let mimeType):
                let kind = mimeType.map { " (\($0))" } ?? ""
                output.append("link \(name)\(kind): \(uri)", to: stream, style: style)
            }
        }

        /// A text item: the shell tool's envelope, JSON, or plain text.
        mutating func content(_ text: String) {
            if let shell = ShellCommandOutput(text, isError: isError) {
                self.text(shell.stdout, style: .plain, stream: .standardOutput)
                self.text(shell.stderr, style: .error, stream: .standardError)
                if shell.exitCode != 0 {
                    failed = true
                    var note = "exit code \(shell.exitCode)"
                    if let trace = shell.traceId, !trace.isEmpty { note += " (trace id \(trace))" }
                    output.errorLine(note, style: .dim)
                }
            } else {
                self.text(JSONLayout.pretty(text) ?? text, style: style, stream: stream)
            }
        }

        /// Prints `text`, cut with a note when it is too big for the terminal.
        mutating func text(
            _ text: String, style: RenderedOutput.Style, stream: RenderedOutput.Stream,
            controls: RenderedOutput.Controls = .spelled
        ) {
            guard let limits = renderer.truncation else {
                output.append(text, to: stream, style: style, controls: controls)
                return
            }
            let bytes = text.utf8.count
            let lines = TextLines(text, keeping: limits.shownLines)
            guard lines.count > limits.maximumLines || bytes > limits.maximumBytes else {
                output.append(text, to: stream, style: style, controls: controls)
                return
            }
            let shown = String(decoding: text.utf8.prefix(min(lines.keptBytes, limits.shownBytes)), as: UTF8.self)
            output.append(shown, to: stream, style: style, controls: controls)
            var note = "… output cut: showing \(shown.split(separator: "\n").count) of \(lines.count) lines"
            do {
                let path = try renderer.outputFolder.save(text: text, stem: tool, fileExtension: "txt")
                savedFiles.append(path)
                note += "; the full text (\(ByteSize.text(bytes))) is in \(path)"
            } catch {
                failed = true
                note += "; the full text could not be saved: \(error)"
            }
            output.errorLine(note, style: .dim)
        }

        mutating func save(base64: String, mimeType: String?, what: String) {
            guard let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) else {
                failed = true
                output.errorLine("\(what) (\(mimeType ?? "no type")) is not valid base64; nothing saved")
                return
            }
            let fileExtension = OutputFolder.fileExtension(forMIMEType: mimeType)
            do {
                let path = try renderer.outputFolder.save(data, stem: tool, fileExtension: fileExtension)
                savedFiles.append(path)
                let facts = [what, mimeType, ByteSize.text(data.count)].compactMap { $0 }
                output.append(
                    facts.joined(separator: " ") + " saved to \(path)", to: stream, style: isError ? .error : .dim)
            } catch {
                failed = true
                output.errorLine("\(what) could not be saved: \(error)")
            }
        }
    }
}
