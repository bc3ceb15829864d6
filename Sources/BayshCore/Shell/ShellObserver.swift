import MCP

/// Watches what the shell runs; the transcript recorder is one. Called after each line's output was printed,
/// with exactly that output (styles kept apart from the text, so a recording has no colour codes).
public protocol ShellObserver: AnyObject, Sendable {
    /// One line was run.
    func shellDidRun(_ record: ShellRecord) async
    /// The shell is about to end (before a created session is deleted).
    func shellWillExit() async
}

extension ShellObserver {
    public func shellWillExit() async {}
}

/// One line the shell ran and what it printed.
public struct ShellRecord: Sendable {
    /// What the line was.
    public enum Kind: Sendable {
        /// A tool call that was sent: the typed arguments and the result (nil when the call failed to return one,
        /// see ``ShellRecord/error``).
        case call(tool: String, arguments: [String: Value], result: ToolResult?)
        /// A meta command (`describe` for `:describe shell`).
        case meta(name: String)
        /// A line that was refused before anything was sent (parse or validation error, unknown tool, declined
        /// confirmation).
        case refused
    }

    /// The line as entered (a continued line holds its newlines).
    public var line: String
    public var kind: Kind
    /// What was printed for it.
    public var output: RenderedOutput
    /// Whether it counts as a failure for the exit status.
    public var failed: Bool
    /// The transport or session error of a call that got no result, in words.
    public var error: String?
    /// How long it took.
    public var elapsed: Duration
    /// The schema a call's arguments were typed by (nil for other lines, or when the tool list is unknown).
    var schema: Value? = nil
    /// Set for a line whose meaning depends on earlier results (`x = LINE`, `$x`, `| PATH`): a transcript keeps
    /// it as typed, so a replay substitutes the replay's own results.
    var keepsTypedLine = false

    /// The line as a transcript holds it: a call that was sent as its canonical line (``CallLineRenderer``, by the
    /// schema the shell typed it with: `read_file a.txt` is `read_file path=a.txt`), any other line as entered.
    /// Rendered on each read, so only an observer that wants it pays for it.
    public var canonicalLine: String {
        guard case .call(let tool, let arguments, _) = kind, !keepsTypedLine else { return line }
        return CallLineRenderer.render(tool: tool, arguments: arguments, schema: schema)
    }

    /// The lines the user typed to answer the server's questions during it (`? ` lines in a transcript).
    public var answers: [String] = []
}
