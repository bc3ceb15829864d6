import Foundation

/// What one read from a ``LineEditor`` gave.
public enum LineInput: Sendable, Equatable {
    /// A line the user entered, without its newline.
    case line(String)
    /// Ctrl-C at the prompt: the line being typed was abandoned.
    case interrupted
    /// Ctrl-D on an empty line, or the end of piped input.
    case endOfInput
}

/// Completes the text before the cursor: `(line, cursor in Characters) -> result`. Called on every Tab.
public typealias CompletionProvider = @Sendable (_ line: String, _ cursor: Int) -> CompletionResult

/// The dim text shown after the cursor for a line (the rest of a tool's signature), or nil for none.
public typealias HintProvider = @Sendable (_ line: String) -> String?

/// Reads lines from the user. The editor only edits lines: what Tab completes and what the hint says come from
/// the two providers the shell hands it, and the command table lives elsewhere.
///
/// An editor is used by one thread at a time (the shell reads on a dedicated queue), so implementations may keep
/// unsynchronised state; the `Sendable` conformance is what lets the shell move it to that queue.
public protocol LineEditor: AnyObject, Sendable {
    /// Whether the editor talks to a person at a terminal: prompts are shown and confirmations can be asked.
    var isInteractive: Bool { get }

    /// Shows `prompt` and reads one line. Blocks until a line, Ctrl-C or end of input.
    func readLine(prompt: String) -> LineInput

    /// Adds an entered line to the in-memory history that the arrow keys and Ctrl-R search.
    func addHistory(_ line: String)

    /// Sets what Tab completes; nil turns completion off.
    func setCompletion(_ provider: CompletionProvider?)

    /// Sets the hint shown after the cursor; nil turns hints off.
    func setHints(_ provider: HintProvider?)

    /// Reads one answer to a question (a server's elicitation): like ``readLine(prompt:)`` but Tab completes with
    /// `completion` alone, no hint is drawn, and the shell's own completion is back afterwards.
    func readAnswer(prompt: String, completion: CompletionProvider?) -> LineInput

    /// Prints `text` (whole lines, already styled) on stderr above the line being edited, which is then drawn
    /// again; never in the middle of what the user types. Unlike the rest of the editor, callable from any thread.
    func printAbove(_ text: String)
}

extension LineEditor {
    public func readAnswer(prompt: String, completion: CompletionProvider?) -> LineInput {
        readLine(prompt: prompt)
    }

    public func printAbove(_ text: String) {
        TerminalText.write(text, to: STDERR_FILENO)
    }
}
