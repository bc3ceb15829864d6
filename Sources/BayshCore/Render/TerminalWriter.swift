import Foundation

/// Prints ``RenderedOutput``: colours only where the stream is a terminal and `NO_COLOR` is not set, and every
/// piece passed through ``Redactor`` first, so no known secret reaches the screen or a pipe. This is the one place
/// results, listings and errors reach stdout and stderr, so it is also where control characters sent by a server
/// are spelled out (``TerminalText/visible(_:spelling:)``), unless the piece is `--format raw` output.
public struct TerminalWriter: Sendable {
    /// Whether styles become ANSI colours on stdout.
    public var colorsOnStandardOutput: Bool
    /// Whether styles become ANSI colours on stderr.
    public var colorsOnStandardError: Bool
    /// Writes one piece, stopping early once the flag (when given) is raised; gives the bytes written.
    private let sink: @Sendable (String, RenderedOutput.Stream, OutputInterrupt?) -> Int

    /// A writer that hands text to `sink` (tests collect it; the shell writes file descriptors 1 and 2). Such a
    /// writer is interrupted between pieces only, since `sink` takes each piece whole.
    public init(
        colorsOnStandardOutput: Bool = false, colorsOnStandardError: Bool = false,
        sink: @escaping @Sendable (String, RenderedOutput.Stream) -> Void
    ) {
        self.init(colorsOnStandardOutput: colorsOnStandardOutput, colorsOnStandardError: colorsOnStandardError) {
            text, stream, _ in
            sink(text, stream)
            return text.utf8.count
        }
    }

    private init(
        colorsOnStandardOutput: Bool, colorsOnStandardError: Bool,
        interruptibleSink: @escaping @Sendable (String, RenderedOutput.Stream, OutputInterrupt?) -> Int
    ) {
        self.colorsOnStandardOutput = colorsOnStandardOutput
        self.colorsOnStandardError = colorsOnStandardError
        self.sink = interruptibleSink
    }

    /// Writes to this process's stdout and stderr, with colours decided by ``colorsAllowed(on:environment:)``.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> TerminalWriter
    {
        TerminalWriter(
            colorsOnStandardOutput: colorsAllowed(on: STDOUT_FILENO, environment: environment),
            colorsOnStandardError: colorsAllowed(on: STDERR_FILENO, environment: environment)
        ) { text, stream, interrupt in
            let descriptor = stream == .standardOutput ? STDOUT_FILENO : STDERR_FILENO
            guard let interrupt else {
                TerminalText.write(text, to: descriptor)
                return text.utf8.count
            }
            return TerminalText.write(text, to: descriptor, stoppingAt: interrupt)
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
            _ = sink(printable(chunk), chunk.stream, nil)
        }
    }

    /// Prints every piece in order until `interrupt` is raised (Ctrl-C), even in the middle of a piece that a
    /// terminal or pipe is slow to take, and says how much was printed.
    public func write(_ output: RenderedOutput, stoppingAt interrupt: OutputInterrupt) -> PrintedAmount {
        var amount = PrintedAmount()
        for chunk in output.chunks {
            guard !interrupt.isRaised else {
                amount.total += chunk.text.utf8.count
                continue
            }
            let text = printable(chunk)
            let size = text.utf8.count
            amount.total += size
            let written = sink(text, chunk.stream, interrupt)
            amount.written += written
        }
        if interrupt.isRaised, amount.written < amount.total { amount.interrupted = true }
        return amount
    }

    /// The piece as it goes out: secrets masked, control characters spelled out, colours added where allowed.
    func printable(_ chunk: RenderedOutput.Chunk) -> String {
        let colors = chunk.stream == .standardOutput ? colorsOnStandardOutput : colorsOnStandardError
        var text = Redactor.shared.redact(chunk.text)
        switch chunk.controls {
        case .spelled: text = TerminalText.visible(text)
        case .spelledAsJSON: text = TerminalText.visible(text, spelling: .json)
        case .verbatim: break
        }
        return colors ? Self.styled(text, chunk.style) : text
    }

    /// How much of an output ``write(_:stoppingAt:)`` printed, in bytes as written (colour codes included).
    public struct PrintedAmount: Sendable, Equatable {
        public var written = 0
        public var total = 0
        /// Whether Ctrl-C stopped the printing before everything was written.
        public var interrupted = false
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
