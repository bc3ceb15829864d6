import Dispatch
import Foundation
import MCP
import Synchronization

/// The shell's side of what a session's server says and asks beside answers (see ``SessionConversation``):
///
/// - progress of the running call, which the spinner shows (``progressText``);
/// - log messages at or above ``logLevel``, printed on stderr above the prompt, coloured by level on a terminal;
/// - a changed tool list, fetched again at once in the background;
/// - questions (elicitation, sampling), asked at a terminal while a call runs, answered from a transcript on
///   replay, and declined with a note in a script; roots, from `--root` or the current directory.
///
/// What a command heard (log lines, notes) and the answers typed are collected while it runs, so a transcript keeps
/// them (``beginCommand()``, ``endCommand()``).
public final class ServerConversation: SessionConversation {
    private struct State {
        var logLevel: LogLevel = .info
        var progress: CallProgress?
        var spinner: Spinner?
        var callRunning = false
        var asking = false
        /// Collected while a command runs: what it printed besides its own output.
        var heard: RenderedOutput?
        var answers: [String] = []
        /// Answers a transcript gives, used before asking anyone.
        var scripted: [String] = []
        var refetch: Task<ToolIndex?, Never>?
    }

    private struct WeakSession: Sendable {
        weak var session: (any Session)?
    }

    private let state = Mutex(State())
    private let session: Mutex<WeakSession>
    private let editor: any LineEditor
    private let writer: TerminalWriter
    /// Whether someone at a terminal can answer questions.
    private let canAsk: Bool
    private let folders: [String]
    private let toolsFetched: @Sendable (ToolIndex) -> Void
    /// Questions block a thread while the user types; never one of the concurrency pool's.
    private let questions = DispatchQueue(label: "baysh.questions")

    /// - Parameters:
    ///   - roots: `--root` folders (relative ones are taken from the current directory); none means the current
    ///     directory.
    ///   - toolsFetched: Gets the tool list fetched after the server said it changed (the editor's completion).
    init(
        session: any Session, editor: any LineEditor, writer: TerminalWriter, roots: [String],
        toolsFetched: @escaping @Sendable (ToolIndex) -> Void
    ) {
        self.session = Mutex(WeakSession(session: session))
        self.editor = editor
        self.writer = writer
        self.canAsk = editor.isInteractive && TerminalText.isTerminal(STDERR_FILENO)
        let here = FileManager.default.currentDirectoryPath
        self.folders = (roots.isEmpty ? [here] : roots).map { folder in
            URL(fileURLWithPath: folder, relativeTo: URL(fileURLWithPath: here, isDirectory: true)).standardized.path
        }
        self.toolsFetched = toolsFetched
    }

    /// Server log messages below this level are not shown (`:loglevel`).
    public var logLevel: LogLevel {
        get { state.withLock { $0.logLevel } }
        set { state.withLock { $0.logLevel = newValue } }
    }

    // MARK: - The shell's hooks

    /// A command starts: what it hears is collected from now on.
    func beginCommand() {
        state.withLock { state in
            state.heard = RenderedOutput()
            state.answers = []
        }
    }

    /// The command ended: what it heard and the answers given during it. Unused transcript answers are dropped.
    func endCommand() -> (heard: RenderedOutput, answers: [String]) {
        state.withLock { state in
            defer {
                state.heard = nil
                state.answers = []
                state.scripted = []
            }
            return (state.heard ?? RenderedOutput(), state.answers)
        }
    }

    /// The answers the next command's questions get, in order, instead of asking (a transcript replay).
    func answerFromScript(_ lines: [String]) {
        state.withLock { $0.scripted = lines }
    }

    /// Listens to `session` from now on (`:new` switched to it).
    func listen(to session: any Session) {
        self.session.withLock { $0.session = session }
        session.setConversation(self)
    }

    /// A call to the session starts (questions may be asked; progress goes to `spinner`) or ends.
    func callRunning(_ spinner: Spinner?) {
        state.withLock { state in
            state.callRunning = spinner != nil
            state.spinner = spinner
            state.progress = nil
        }
    }

    /// The running call's latest progress as the spinner shows it: `3/8 · step 3 of 8`.
    var progressText: String? {
        guard let progress = state.withLock({ $0.progress }) else { return nil }
        var text = Self.number(progress.progress)
        if let total = progress.total, total > 0 { text += "/" + Self.number(total) }
        if let message = progress.message, !message.isEmpty {
            // The spinner writes it as is: spelled out here, bidi overrides too.
            text += " · " + TerminalText.visible(TerminalText.untrusted(message, singleLine: true, limit: 200))
        }
        return text
    }

    /// The tool list being fetched again after the server said it changed, taken once.
    func takeToolRefetch() -> Task<ToolIndex?, Never>? {
        state.withLock { state in
            defer { state.refetch = nil }
            return state.refetch
        }
    }

    // MARK: - SessionConversation

    public func serverReportedProgress(_ progress: CallProgress) {
        state.withLock { $0.progress = progress }
    }

    public func serverLogged(_ entry: ServerLogEntry) {
        guard Self.rank(entry.level) >= Self.rank(logLevel) else { return }
        let logger = entry.logger.map { " " + TerminalText.untrusted($0, singleLine: true, limit: 80) } ?? ""
        let line = "[\(entry.level.rawValue)\(logger)] " + TerminalText.untrusted(entry.text)
        var output = RenderedOutput()
        output.errorLine(line, style: Self.style(entry.level))
        hear(output)
    }

    public func serverToolsChanged() {
        guard let session = session.withLock({ $0.session }) else { return }
        let toolsFetched = self.toolsFetched
        let task = Task { () -> ToolIndex? in
            guard let tools = try? await session.listTools(imageId: nil, refresh: true) else { return nil }
            let index = ToolIndex(tools)
            toolsFetched(index)
            return index
        }
        state.withLock { state in
            state.refetch?.cancel()
            state.refetch = task
        }
    }

    public func serverElicits(_ request: ElicitationRequest) async -> ElicitationAnswer {
        let prompt = ElicitationPrompt(request)
        if let line = nextScriptedAnswer() {
            switch prompt.interpret(line) {
            case .answer(let answer):
                return answer
            case .rejected(let errors):
                hear(errors)
                note("the transcript's answer '\(line)' does not fit the question; cancelled")
                return .cancel
            }
        }
        guard let (answer, line) = await askAtTerminal({ prompt.ask(editor: $0, writer: $1) }) else {
            note(
                "MCP server '\(request.server)' asked: \(TerminalText.untrusted(request.message, singleLine: true)); "
                    + "declined: no terminal to ask at")
            return .decline
        }
        record(line)
        return answer
    }

    public func serverSamples(_ request: SamplingRequest) async -> String? {
        if let line = nextScriptedAnswer() { return Self.reply(line) }
        let asked = await askAtTerminal { editor, writer -> (String?, String) in
            writer.write(Self.describe(request))
            switch editor.readAnswer(prompt: ElicitationPrompt.prompt, completion: nil) {
            case .line(let line): return (Self.reply(line), line)
            case .interrupted, .endOfInput: return (nil, ElicitationPrompt.cancelled)
            }
        }
        guard let (reply, line) = asked else {
            note("MCP server '\(request.server)' asked for a model's reply (sampling); declined: no terminal to ask at")
            return nil
        }
        record(line)
        return reply
    }

    public func roots() -> [String] { folders }

    // MARK: - Helpers

    /// Runs `body` on the question thread with the spinner held off the line, when someone can answer now (at a
    /// terminal, while a call runs, no other question open); nil otherwise.
    private func askAtTerminal<T: Sendable>(
        _ body: @escaping @Sendable (any LineEditor, TerminalWriter) -> T
    ) async -> T? {
        let spinner = state.withLock { state -> Spinner?? in
            guard canAsk, state.callRunning, !state.asking else { return nil }
            state.asking = true
            return .some(state.spinner)
        }
        guard let spinner else { return nil }
        spinner?.hold()
        defer {
            spinner?.release()
            state.withLock { $0.asking = false }
        }
        let (editor, writer) = (self.editor, self.writer)
        return await withCheckedContinuation { continuation in
            questions.async { continuation.resume(returning: body(editor, writer)) }
        }
    }

    /// Keeps a typed answer for the transcript (spaces at its end mean nothing there).
    private func record(_ line: String) {
        var line = line
        while line.last?.isWhitespace == true { line.removeLast() }
        state.withLock { $0.answers.append(line) }
    }

    private func nextScriptedAnswer() -> String? {
        state.withLock { state in state.scripted.isEmpty ? nil : state.scripted.removeFirst() }
    }

    /// A note on stderr that a transcript keeps.
    private func note(_ text: String) {
        var output = RenderedOutput()
        output.errorLine(text, style: .warning)
        hear(output)
    }

    /// Prints `output` (stderr lines) above the edited line and keeps it for the running command's record.
    private func hear(_ output: RenderedOutput) {
        state.withLock { $0.heard?.append(output) }
        // As the writer prints anything: masked, control characters spelled out (the server's name and text are
        // in these lines), coloured only where allowed.
        editor.printAbove(output.chunks.map(writer.printable).joined())
    }

    /// A typed sampling reply: an empty line or Ctrl-C declines.
    private static func reply(_ line: String) -> String? {
        line.trimmingCharacters(in: .whitespaces).isEmpty || line == ElicitationPrompt.cancelled ? nil : line
    }

    private static func describe(_ request: SamplingRequest) -> RenderedOutput {
        var output = RenderedOutput()
        output.errorLine(
            "MCP server '\(TerminalText.untrusted(request.server, singleLine: true))' asks for a model's reply "
                + "(sampling)" + (request.maxTokens.map { ", at most \($0) tokens" } ?? "") + ":", style: .emphasis)
        if let system = request.systemPrompt { output.errorLine("  system: \(TerminalText.untrusted(system))") }
        for message in request.messages {
            output.errorLine("  \(TerminalText.untrusted(message.role, singleLine: true)): \(message.text)")
        }
        output.errorLine("type the reply; an empty line or Ctrl-C declines", style: .dim)
        return output
    }

    private static func rank(_ level: LogLevel) -> Int {
        LogLevel.allCases.firstIndex(of: level) ?? 0
    }

    private static func style(_ level: LogLevel) -> RenderedOutput.Style {
        switch level {
        case .debug: .dim
        case .info, .notice: .plain
        case .warning: .warning
        case .error, .critical, .alert, .emergency: .error
        }
    }

    /// `3` for whole numbers, `0.25` otherwise.
    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.2f", value)
    }
}
