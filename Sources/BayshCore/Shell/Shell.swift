import Dispatch
import Foundation
import MCP
import Synchronization

/// The interactive shell over one ``Session``. Every line goes through the same pipeline (CallPipeline.swift):
///
/// ```
/// read line ─▶ CallLine.parse ─▶ ArgumentResolver (the tool's schema) ─▶ confirm if destructive
///     ─▶ Session.callTool (Ctrl-C cancels, spinner) ─▶ ResultRenderer ─▶ print ─▶ ShellObserver
/// ```
///
/// Lines starting with `:` are ``MetaCommand``s instead. The shell is driven by one task (``run()`` or
/// ``run(lines:)``); it is not shared between tasks.
public final class Shell {
    /// How a shell starts.
    public struct Options: Sendable {
        public var settings: ShellSettings
        /// `--history-size`.
        public var historySize: Int
        /// False for `--no-history`: history is kept in memory only.
        public var historyEnabled: Bool
        /// Where history files and output folders live.
        public var statePaths: StatePaths
        /// Where Ctrl-C comes from (SIGINT; tests hand in their own).
        public var interrupts: InterruptSignal
        /// `--root`: the folders a server may work in (`roots/list`); none means the current directory.
        public var roots: [String]
        /// What the schema `pattern` checks of one line may take (``PatternBudget``).
        public var patternTimeLimit: Duration

        public init(
            settings: ShellSettings = ShellSettings(), historySize: Int = 1000, historyEnabled: Bool = true,
            statePaths: StatePaths = StatePaths(), interrupts: InterruptSignal = .shared, roots: [String] = [],
            patternTimeLimit: Duration = PatternBudget.defaultLimit
        ) {
            self.roots = roots
            self.patternTimeLimit = patternTimeLimit
            self.interrupts = interrupts
            self.settings = settings
            self.historySize = historySize
            self.historyEnabled = historyEnabled
            self.statePaths = statePaths
        }
    }

    /// The session every call goes to (`:new` replaces it).
    public internal(set) var session: any Session {
        didSet { liveCatalog.follow(session) }
    }
    /// The settings `:format`, `:timing`, `:set`, `:timeout` and `:keep` change.
    public var settings: ShellSettings {
        didSet {
            configureEditor()
            SessionEnding.shared.keep(settings.keepSession, for: session)
        }
    }
    /// The tool list as last fetched (empty, with ``toolsKnown`` false, when listing failed).
    public private(set) var tools: ToolIndex = .empty
    /// Whether the tool list was fetched; when not, calls are sent without schema checks.
    public private(set) var toolsKnown = false
    /// The persistent history of this target.
    public let history: HistoryFile
    /// Told about every line run (the transcript recorder).
    public var observer: (any ShellObserver)?
    /// Every meta command, built-in and registered.
    public private(set) var metaCommands: [MetaCommand] = MetaCommand.builtIn
    /// Hears what the session's server says and asks beside answers (progress, logs, questions).
    public let conversation: ServerConversation

    let editor: any LineEditor
    let writer: TerminalWriter
    let outputFolder: OutputFolder
    let interrupts: InterruptSignal
    let patternTimeLimit: Duration
    private let editorQueue = DispatchQueue(label: "baysh.editor")
    private let liveTools: LiveToolIndex
    /// Reads the session's resources and prompts for Tab (Shell/LiveCatalog.swift).
    private let liveCatalog = LiveCatalog()
    /// The first tool list of an interactive shell, fetched while the prompt is already up.
    private var toolsLoading: Task<ToolIndex, any Error>?
    var quitRequested = false
    /// Set by `:delete`: the session is gone, so exiting neither deletes nor closes it again.
    var sessionEnded = false
    /// Whether the user was told that the session is gone (said once: Shell+Lifecycle.swift).
    var sessionGoneReported = false
    var anyFailed = false
    /// Destructive tools the user answered `a` (always) for: asking before every `shell` call would make the
    /// local session, whose shell tool is destructive, tiresome to explore.
    var confirmedTools: Set<String> = []
    /// Results kept by `x = LINE`, and the last one (`$_`).
    public let captures = CaptureStore()

    public init(
        session: any Session, editor: any LineEditor, writer: TerminalWriter = .standard(),
        options: Options = Options(), observer: (any ShellObserver)? = nil
    ) {
        self.session = session
        self.editor = editor
        self.writer = writer
        self.settings = options.settings
        self.observer = observer
        self.outputFolder = OutputFolder(sessionId: session.sessionId, paths: options.statePaths)
        self.interrupts = options.interrupts
        self.patternTimeLimit = options.patternTimeLimit
        let liveTools = LiveToolIndex()
        self.liveTools = liveTools
        self.conversation = ServerConversation(
            session: session, editor: editor, writer: writer, roots: options.roots) { liveTools.set($0) }
        session.setConversation(conversation)
        liveCatalog.follow(session)
        let target = session.descriptor.target
        let historyURL = options.historyEnabled ? options.statePaths.historyFile(target: target) : nil
        self.history = HistoryFile(url: historyURL, limit: options.historySize) { message in
            writer.write(RenderedOutput(chunks: [.init(stream: .standardError, text: message + "\n", style: .warning)]))
        }
    }

    /// Adds a meta command (or replaces the one with the same name).
    public func register(_ command: MetaCommand) {
        metaCommands.removeAll { $0.name == command.name }
        metaCommands.append(command)
        configureEditor()
    }

    // MARK: - The loop

    /// Reads and runs lines until `:quit`, `:delete` or end of input, then deletes a session baysh created
    /// (unless kept) or lets go of it. Gives the exit status: for a script, 1 when any line failed.
    public func run() async -> Int32 {
        interrupts.install(exitWhenUnhandled: !editor.isInteractive)
        if editor.isInteractive {
            for line in history.load() { editor.addHistory(line) }
        }
        // A remote list can take seconds: the prompt comes up at once and completion uses the list when it lands.
        if editor.isInteractive, session.cachedTools == nil {
            loadToolsInBackground()
        } else {
            await loadTools()
        }
        configureEditor()
        if editor.isInteractive { writer.write(banner()) }
        while !quitRequested, let entry = await readEntry() {
            let line = entry.text
            guard !line.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { continue }
            if editor.isInteractive, history.record(line) { editor.addHistory(line) }
            await execute(entry)
        }
        await finish()
        return editor.isInteractive || !anyFailed ? 0 : 1
    }

    /// Runs `lines` one after another (`baysh -c`), then ends as ``run()`` does. Gives 1 when any line failed.
    public func run(lines: [String]) async -> Int32 {
        interrupts.install(exitWhenUnhandled: true)
        await loadTools()
        for line in lines where !quitRequested {
            await execute(line)
        }
        await finish()
        return anyFailed ? 1 : 0
    }

    /// Runs `script` in place of reading lines (a transcript replay drives ``execute(_:)`` itself), then ends as
    /// ``run(lines:)`` does. Gives `script`'s status, or at least 1 when ending (deleting the session) failed.
    public func run(script: (Shell) async -> Int32) async -> Int32 {
        interrupts.install(exitWhenUnhandled: true)
        await loadTools()
        let status = await script(self)
        // Failed lines inside the script are the script's to judge; only the ending is counted here.
        anyFailed = false
        await finish()
        return anyFailed ? max(status, 1) : status
    }

    /// `baysh local:3f2a> `.
    var prompt: String { "baysh \(TerminalText.visible(session.descriptor.promptName))> " }

    /// `...> ` right-aligned under the prompt.
    var continuationPrompt: String {
        String(repeating: " ", count: max(TerminalText.width(of: prompt) - 5, 0)) + "...> "
    }

    /// Reads on the editor's own queue, since libedit blocks its thread until a line is entered.
    func read(prompt: String) async -> LineInput {
        let editor = self.editor
        return await withCheckedContinuation { continuation in
            editorQueue.async { continuation.resume(returning: editor.readLine(prompt: prompt)) }
        }
    }

    // MARK: - Meta commands

    func runMeta(_ text: Substring) async -> (CommandOutcome, ShellRecord.Kind) {
        let name = String(text.prefix { !$0.isWhitespace })
        let rest = String(text.dropFirst(name.count).drop(while: \.isWhitespace))
        guard let command = metaCommands.first(where: { $0.name == name || $0.aliases.contains(name) }) else {
            var message = "unknown command ':\(name)'"
            if let suggestion = Suggestion.closest(to: name, among: metaCommands.map(\.name)) {
                message += "; did you mean ':\(suggestion)'?"
            }
            return (.failure(message + " (:help lists the commands)"), .refused)
        }
        let arguments = CallLineTokenizer.tokenize(rest).tokens.map(\.text)
        let outcome = await command.run(self, MetaCommand.Invocation(arguments: arguments, rest: rest))
        return (outcome, .meta(name: command.name))
    }

    /// Why a session request gave no answer, in words.
    public struct RequestFailure: Error, Sendable {
        public var message: String
    }

    /// Runs one request to the session so that Ctrl-C cancels it, with a spinner after half a second. Gives the
    /// answer and how long it took, or the reason there is none.
    public func request<T: Sendable>(
        label: String, _ operation: @escaping @Sendable (any Session) async throws -> T
    ) async -> Result<(T, Duration), RequestFailure> {
        let conversation = self.conversation
        let spinner = Spinner.start(
            TerminalText.visible(label), enabled: editor.isInteractive && TerminalText.isTerminal(STDERR_FILENO),
            detail: { conversation.progressText })
        conversation.callRunning(spinner)
        defer { conversation.callRunning(nil) }
        let writer = self.writer
        let session = self.session
        let started = ContinuousClock.now
        let outcome = await InterruptibleOperation<T>(interrupts: interrupts).run(onCancel: {
            spinner.stop()
            writer.write(RenderedOutput(chunks: [
                .init(stream: .standardError, text: "cancelling… (Ctrl-C again to stop waiting)\n", style: .dim)
            ]))
        }) {
            try await operation(session)
        }
        spinner.stop()
        switch outcome {
        case .abandoned:
            return .failure(RequestFailure(message: "\(label): stopped waiting; the session is still open"))
        case .finished(.success(let value)):
            return .success((value, ContinuousClock.now - started))
        case .finished(.failure(let error)):
            if error is CancellationError { return .failure(RequestFailure(message: "\(label) cancelled")) }
            return .failure(RequestFailure(message: Redactor.shared.redact("\(error)")))
        }
    }

    // MARK: - Tools, editor, exit

    /// Fetches the tool list (from the session's cache unless `refresh`) and indexes it for completion.
    @discardableResult
    func loadTools(refresh: Bool = false) async -> Result<Int, RequestFailure> {
        toolsLoading?.cancel()
        toolsLoading = nil
        let result = await request(label: "list tools") {
            ToolIndex(try await $0.listTools(imageId: nil, refresh: refresh))
        }
        return adopt(result)
    }

    /// Starts fetching the tool list without waiting; completion and hints see it the moment it arrives, and the
    /// first line run waits for it (``awaitBackgroundTools()``) so calls are still checked against the schemas.
    private func loadToolsInBackground() {
        let session = self.session
        let liveTools = self.liveTools
        toolsLoading = Task {
            let index = ToolIndex(try await session.listTools())
            liveTools.set(index)
            return index
        }
    }

    /// Takes in the list ``loadToolsInBackground()`` fetched, waiting for it (Ctrl-C stops waiting) if needed.
    func awaitBackgroundTools() async {
        guard let loading = toolsLoading else { return }
        toolsLoading = nil
        adopt(await request(label: "list tools") { _ in try await loading.value })
    }

    @discardableResult
    func adopt(_ result: Result<(ToolIndex, Duration), RequestFailure>) -> Result<Int, RequestFailure> {
        switch result {
        case .success(let (index, _)):
            tools = index
            toolsKnown = true
            liveTools.set(tools)
            if let warning = index.duplicatesWarning {
                writer.write(RenderedOutput(chunks: [.init(stream: .standardError, text: warning, style: .warning)]))
            }
            return .success(index.count)
        case .failure(let failure):
            if !toolsKnown {
                writer.write(RenderedOutput(chunks: [.init(
                    stream: .standardError,
                    text: "could not list tools: \(failure.message)\ncalls are sent unchecked; try :refresh\n",
                    style: .warning)]))
            }
            return .failure(failure)
        }
    }

    /// Hands the editor the completion and hint providers (which read the tool index on every keystroke).
    private func configureEditor() {
        let liveTools = self.liveTools
        let entries = metaCommands.map(\.entry)
        let captures = self.captures
        let liveCatalog = self.liveCatalog
        editor.setCompletion { line, cursor in
            var tools = liveTools.get()
            if let fresh = liveCatalog.toolsAfterUnknownName(line: line, cursor: cursor, known: tools) {
                liveTools.set(fresh)
                tools = fresh
            }
            return Completer.complete(
                // Only a line with a `|` completes path steps; reading the last result for others would parse it.
                line: line, cursor: cursor, tools: tools, metaCommands: entries,
                lastResult: line.contains("|") ? captures.last : nil,
                catalog: liveCatalog.catalog(line: line, cursor: cursor))
        }
        if settings.hints {
            editor.setHints { line in Hinter.hint(line: line, tools: liveTools.get()) }
        } else {
            editor.setHints(nil)
        }
    }

    private func banner() -> RenderedOutput {
        var output = RenderedOutput()
        let count = toolsKnown ? "\(tools.count) tools" : toolsLoading != nil ? "loading tools" : "tools unknown"
        let fate = session.ownership == .created
            ? session.descriptor.createdFate(kept: settings.keepSession)
            : "attached"
        output.errorLine(
            "baysh \(BayshVersion.current) · \(session.descriptor.promptName) (\(fate)) · \(count)\n"
                + "Tab completes, :help lists commands, Ctrl-D exits", style: .dim)
        return output
    }

    /// Stops reading after the current line.
    public func requestQuit() {
        quitRequested = true
    }

    /// Records that the session was deleted (`:delete`), so exiting does not touch it again.
    func sessionWasDeleted() {
        sessionEnded = true
        quitRequested = true
        SessionEnding.shared.sessionWasDeleted(session)
    }

    /// Deletes a session baysh created (unless kept) or lets go of an attached one.
    private func finish() async {
        toolsLoading?.cancel()
        toolsLoading = nil
        await observer?.shellWillExit()
        guard !sessionEnded, await SessionEnding.shared.ordinaryEnd(of: session) else { return }
        if let note = await closeIfGone() { return writer.write(note) }
        var output = RenderedOutput()
        let id = session.sessionId
        if session.ownership == .created, !settings.keepSession {
            // Bounded: a deletion that is never confirmed must not hold the exit without a word.
            switch await request(label: "delete session", {
                try await SessionEnding.delete($0, within: SessionEnding.exitLimit)
            }) {
            case .success:
                if editor.isInteractive { output.errorLine("deleted session \(id)", style: .dim) }
            case .failure(let failure):
                // Found gone by the delete itself: nothing was left to delete, which is not a failure.
                if let note = await closeIfGone() {
                    output.append(note)
                } else {
                    anyFailed = true
                    output.errorLine("could not delete session \(id): \(failure.message)")
                }
            }
        } else {
            await session.close()
            if session.ownership == .created, editor.isInteractive {
                let attach = session.descriptor.reattachable ? "; attach again with: baysh --session-id \(id)" : ""
                output.errorLine("kept session \(id)" + attach, style: .dim)
            }
        }
        writer.write(output)
    }
}

/// The tool index the editor's providers read from the editor thread while the shell may replace it.
private final class LiveToolIndex: Sendable {
    private let index = Mutex(ToolIndex.empty)
    func get() -> ToolIndex { index.withLock { $0 } }
    func set(_ new: ToolIndex) { index.withLock { $0 = new } }
}
