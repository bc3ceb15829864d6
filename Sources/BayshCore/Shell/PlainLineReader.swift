/// The ``LineEditor`` for piped or redirected stdin: no libedit, no prompt, no echo, no completion. Each line of
/// input is one line of the script; the end of input ends the shell.
public final class PlainLineReader: LineEditor, @unchecked Sendable {
    public var isInteractive: Bool { false }

    private let next: () -> String?

    /// Reads stdin.
    public convenience init() {
        self.init { Swift.readLine(strippingNewline: true) }
    }

    /// Reads from `next`, which gives one line per call and nil at the end (tests hand in a list).
    public init(next: @escaping () -> String?) {
        self.next = next
    }

    public func readLine(prompt: String) -> LineInput {
        guard var line = next() else { return .endOfInput }
        // Scripts written on Windows end lines in CRLF; the CR is not part of the command.
        if line.hasSuffix("\r") { line.removeLast() }
        return .line(line)
    }

    public func addHistory(_ line: String) {}
    public func setCompletion(_ provider: CompletionProvider?) {}
    public func setHints(_ provider: HintProvider?) {}
}
