import Foundation

/// Starts the shell the way the command line asks: `-c` lines, piped stdin read plainly, or a line editor on a
/// terminal.
public enum ShellLauncher {
    /// Makes the editor for a terminal from the history size, or nil when stdin or stdout is not a terminal. The
    /// executable passes libedit's (the `BayshLineEditor` target), so this library builds without libedit.
    public typealias TerminalEditor = (_ historySize: Int) -> (any LineEditor)?

    /// Runs the shell over `session` and gives the process exit status. `commands` are the `-c` lines; when
    /// there are none, lines come from `terminalEditor` or, when it gives none, from stdin read plainly.
    /// `setUp` is handed the shell before it starts (transcripts register their commands).
    public static func run(
        session: any Session, commands: [String], options: Shell.Options, observer: (any ShellObserver)? = nil,
        terminalEditor: TerminalEditor = { _ in nil }, setUp: (Shell) -> Void = { _ in }
    ) async -> Int32 {
        // A closed pipe (`baysh -c … | head -1`) must end output quietly, not kill the process mid-cleanup.
        signal(SIGPIPE, SIG_IGN)
        let writer = TerminalWriter.standard()
        if !commands.isEmpty {
            let shell = Shell(
                session: session, editor: PlainLineReader { nil }, writer: writer, options: options,
                observer: observer)
            setUp(shell)
            return await shell.run(lines: commands)
        }
        let editor: any LineEditor = terminalEditor(options.historySize) ?? PlainLineReader()
        let shell = Shell(session: session, editor: editor, writer: writer, options: options, observer: observer)
        setUp(shell)
        return await shell.run()
    }
}
