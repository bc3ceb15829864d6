import Foundation

/// Prints ``RenderedOutput``: colours only where the stream is a terminal and `NO_COLOR` is not set, and every
/// piece passed through ``Redactor`` first, so no known secret reaches the screen or a pipe.
public struct TerminalWriter: Sendable {
    /// Whether styles become ANSI colours on stdout.
    public var colorsOnStandardOutput: Bool
    /// Whether styles become ANSI colours on stderr.
    public var colorsOnStandardError: Bool
    private let sink: @Sendable (String, RenderedOutput.Stream) -> Void

    /// A writer that hands text to `sink` (tests collect it; the shell writes file descriptors 1 and 2).
    public init(
        colorsOnStandardOutput: Bool = false, colorsOnStandardError: Bool = false,
        sink: @escaping @Sendable (String, RenderedOutput.Stream) -> Void
    ) {
        self.colorsOnStandardOutput = colorsOnStandardOutput
        self.colorsOnStandardError = colorsOnStandardError
        self.sink = sink
    }

    /// Writes to this process's stdout and stderr, with colours decided by ``colorsAllowed(on:environment:)``.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> TerminalWriter
    {
        TerminalWriter(
            colorsOnStandardOutput: colorsAllowed(on: STDOUT_FILENO, environment: environment),
            colorsOnStandardError: colorsAllowed(on: STDERR_FILENO, environment: environment)
        ) { text, stream in
            TerminalText.write(text, to: stream == .standardOutput ? STDOUT_FILENO : STDERR_FILENO)
        }
    }

    /// Colours only on a terminal, never with `NO_COLOR` set to anything (see no-color.org) or `TERM=dumb`.
    public static func colorsAllowed(on descriptor: Int32, environment: [String: String]) -> Bool {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return TerminalText.isTerminal(descriptor)
    }

    /// Prints every piece in order.
    public func write(_ output: RenderedOutput) {
        for chunk in output.chunks {
            let colors = chunk.stream == .standardOutput ? colorsOnStandardOutput : colorsOnStandardError
            let text = Redactor.shared.redact(chunk.text)
            sink(colors ? Self.styled(text, chunk.style) : text, chunk.stream)
        }
    }

    /// `text` with the style's colour around each line, so a colour never bleeds past a newline.
    static func styled(_ text: String, _ style: RenderedOutput.Style) -> String {
        let code: String
        switch style {
        case .plain: return text
        case .error: code = "31"
        case .warning: code = "33"
        case .dim: code = "2"
        case .emphasis: code = "1"
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.isEmpty ? "" : "\u{1B}[\(code)m\(line)\u{1B}[0m"
        }.joined(separator: "\n")
    }
}
