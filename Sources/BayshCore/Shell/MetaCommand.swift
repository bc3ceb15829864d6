/// A `:` command of the shell: its name, help, what Tab completes after it, and what it does.
///
/// The table is ``builtIn``; other parts of baysh add theirs with ``Shell/register(_:)`` (transcripts add
/// `:record`).
public struct MetaCommand: Sendable {
    /// What a meta command is given: the words after its name, and the raw text after it (for `:explain`).
    public struct Invocation: Sendable {
        /// The words after the name, unquoted like a call line (`:labels team="a b"` gives `team=a b`).
        public var arguments: [String]
        /// Everything after the name and its following spaces, as typed.
        public var rest: String
    }

    /// The name without the colon (`describe`).
    public var name: String
    /// Other names that run it (`q` and `exit` for `quit`).
    public var aliases: [String]
    /// The arguments, as `:help` shows them (`TOOL`, `[N|RANGE]`).
    public var synopsis: String
    /// One line for `:help` and completion lists.
    public var summary: String
    /// The text of `:help NAME`.
    public var help: String
    /// What Tab offers after the name.
    public var completion: MetaCommandEntry.Arguments
    /// Runs the command in `shell`.
    public var run: @Sendable (Shell, Invocation) async -> CommandOutcome

    public init(
        name: String, aliases: [String] = [], synopsis: String = "", summary: String, help: String,
        completion: MetaCommandEntry.Arguments = .nothing,
        run: @escaping @Sendable (Shell, Invocation) async -> CommandOutcome
    ) {
        self.name = name
        self.aliases = aliases
        self.synopsis = synopsis
        self.summary = summary
        self.help = help
        self.completion = completion
        self.run = run
    }

    /// `:describe TOOL`.
    public var usage: String {
        synopsis.isEmpty ? ":\(name)" : ":\(name) \(synopsis)"
    }

    /// What the completion engine needs to know.
    public var entry: MetaCommandEntry {
        MetaCommandEntry(name: name, summary: summary, arguments: completion)
    }

    /// Every built-in meta command, in the order `:help` lists them.
    public static let builtIn: [MetaCommand] =
        [help, tools, describe, explain, refresh, server]
        + [resources, read, prompts, prompt]
        + [session, info, labels, link, delete, keep, reconnect]
        + [status, pause, resume, new]
        + [vars, find, bench, wire]
        + [timeout, timing, format, set, loglevel, history, rerun, quit]
}

/// What running one line gave: the output (already printed by the shell) and whether it counts as a failure.
public struct CommandOutcome: Sendable, Equatable {
    public var output: RenderedOutput
    public var failed: Bool
    /// Files the command saved (a result's images, the full text of a cut result), named when Ctrl-C stops
    /// printing its output.
    public var savedFiles: [String]

    public init(output: RenderedOutput = RenderedOutput(), failed: Bool = false, savedFiles: [String] = []) {
        self.output = output
        self.failed = failed
        self.savedFiles = savedFiles
    }

    /// Output on stdout, not failed.
    public static func lines(_ text: String, style: RenderedOutput.Style = .plain) -> CommandOutcome {
        var output = RenderedOutput()
        output.line(text, style: style)
        return CommandOutcome(output: output)
    }

    /// A message on stderr, failed.
    public static func failure(_ message: String) -> CommandOutcome {
        var output = RenderedOutput()
        output.errorLine(message)
        return CommandOutcome(output: output, failed: true)
    }

    /// A note on stderr (dim), not failed.
    public static func note(_ message: String) -> CommandOutcome {
        var output = RenderedOutput()
        output.errorLine(message, style: .dim)
        return CommandOutcome(output: output)
    }
}
