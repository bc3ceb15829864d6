/// What the shell prints for one command, as styled pieces for stdout and stderr.
///
/// Renderers build this instead of printing, so the same value goes to the terminal (with colours when allowed)
/// and to a ``ShellObserver`` (a transcript records exactly the text that was shown, without colour codes).
public struct RenderedOutput: Sendable, Equatable {
    /// Where a piece goes.
    public enum Stream: Sendable, Equatable {
        case standardOutput
        case standardError
    }

    /// How a piece looks on a colour terminal.
    public enum Style: Sendable, Equatable {
        case plain
        /// Red: tool errors, `isError` results, the stderr of the shell tool.
        case error
        /// Yellow: warnings that do not stop anything.
        case warning
        /// Dim: notes such as `exit code 1`, saved file paths, timing.
        case dim
        /// Bold: headings in `:describe`, `:help`.
        case emphasis
    }

    /// What happens to control characters in a piece when it is printed (see ``TerminalText/visible(_:spelling:)``).
    public enum Controls: Sendable, Equatable {
        /// Spelled out as `\x1b`: the default, since most printed text comes from a server.
        case spelled
        /// Spelled out as JSON escapes (`\u009b`), so `--format json` stays valid JSON.
        case spelledAsJSON
        /// Printed as they are: `--format raw` only.
        case verbatim
    }

    /// One styled piece of text; it carries its own newlines.
    public struct Chunk: Sendable, Equatable {
        public var stream: Stream
        public var text: String
        public var style: Style
        public var controls: Controls

        public init(stream: Stream, text: String, style: Style = .plain, controls: Controls = .spelled) {
            self.stream = stream
            self.text = text
            self.style = style
            self.controls = controls
        }
    }

    public var chunks: [Chunk]

    public init(chunks: [Chunk] = []) {
        self.chunks = chunks
    }

    /// Adds `text` to stdout as a line (empty text is an empty line).
    public mutating func line(_ text: String, style: Style = .plain) {
        chunks.append(Chunk(stream: .standardOutput, text: text.hasSuffix("\n") ? text : text + "\n", style: style))
    }

    /// Adds `text` to stderr, ending it with a newline if it has none.
    public mutating func errorLine(_ text: String, style: Style = .error) {
        append(text, to: .standardError, style: style)
    }

    /// Adds `text` to `stream`, ending it with a newline if it has none; empty text adds nothing.
    public mutating func append(
        _ text: String, to stream: Stream, style: Style = .plain, controls: Controls = .spelled
    ) {
        guard !text.isEmpty else { return }
        if text.hasSuffix("\n") {
            chunks.append(Chunk(stream: stream, text: text, style: style, controls: controls))
        } else if text.utf8.count >= Self.separateNewlineBytes {
            // `text + "\n"` would copy a huge result once more; its newline goes in a piece of its own instead.
            chunks.append(Chunk(stream: stream, text: text, style: style, controls: controls))
            chunks.append(Chunk(stream: stream, text: "\n", style: style))
        } else {
            chunks.append(Chunk(stream: stream, text: text + "\n", style: style, controls: controls))
        }
    }

    /// Texts at least this big are not copied to end them with a newline.
    static let separateNewlineBytes = 1 << 20

    /// Adds `text` exactly as it is, no newline added and control characters printed as sent (`:format raw`).
    public mutating func verbatim(_ text: String, to stream: Stream = .standardOutput) {
        guard !text.isEmpty else { return }
        chunks.append(Chunk(stream: stream, text: text, controls: .verbatim))
    }

    /// Adds every piece of `other`.
    public mutating func append(_ other: RenderedOutput) {
        chunks += other.chunks
    }

    /// Everything bound for stdout, without styles.
    public var standardOutput: String { text(of: .standardOutput) }

    /// Everything bound for stderr, without styles.
    public var standardError: String { text(of: .standardError) }

    private func text(of stream: Stream) -> String {
        chunks.filter { $0.stream == stream }.map(\.text).joined()
    }
}
