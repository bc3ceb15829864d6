import Foundation

/// What the command line asks of transcripts.
public struct TranscriptRequest: Sendable, Equatable {
    /// `--record FILE`: record the session (or, with `--replay`, the replay) to FILE.
    public var record: String?
    /// `--record-raw`: record run-to-run values (paths, ids, times) as they came instead of masked.
    public var recordRaw: Bool
    /// `--replay FILE`: run FILE's commands instead of reading lines.
    public var replay: String?
    /// `--check`, `--continue-on-error`, `--json`.
    public var replayOptions: ReplayOptions
    /// `--force`: `--record` may replace an existing file without asking.
    public var force: Bool

    public init(
        record: String? = nil, replay: String? = nil, replayOptions: ReplayOptions = ReplayOptions(),
        recordRaw: Bool = false, force: Bool = false
    ) {
        self.record = record
        self.recordRaw = recordRaw
        self.replay = replay
        self.replayOptions = replayOptions
        self.force = force
    }
}

/// Starts baysh with transcripts wired in: `:record`, `:source` and `:save` in every shell, `--record FILE`, and
/// `--replay FILE` in place of the interactive loop.
public enum TranscriptLauncher {
    /// Reads the transcript `--replay` names; the executable calls this before opening a session, so a wrong
    /// path costs no session.
    public static func load(_ path: String) throws(TranscriptError) -> Transcript {
        try TranscriptCommands.reader.read(path: TranscriptCommands.expand(path))
    }

    /// Runs the shell over `session` as `request` asks and gives the exit status. With a replay, `transcript` is
    /// what ``load(_:)`` read; `commands` are the `-c` lines otherwise, and `terminalEditor` reads lines on a
    /// terminal (``ShellLauncher/TerminalEditor``).
    public static func run(
        session: any Session, commands: [String], options: Shell.Options, request: TranscriptRequest,
        transcript: Transcript? = nil, terminalEditor: ShellLauncher.TerminalEditor = { _ in nil }
    ) async -> Int32 {
        let writer = makeWriter(json: transcript != nil && request.replayOptions.json)
        let recorder = TranscriptRecorder { message in
            writer.write(RenderedOutput(chunks: [.init(stream: .standardError, text: message + "\n", style: .warning)]))
        }
        let transcriptCommands = TranscriptCommands(recorder: recorder)
        var recordingFailed = false
        func setUp(_ shell: Shell) {
            transcriptCommands.install(in: shell)
            guard let record = request.record else { return }
            let path = TranscriptCommands.expand(record)
            do {
                try recorder.start(
                    path: TranscriptCommands.expand(path), header: TranscriptHeader(recording: session.descriptor),
                    masks: request.recordRaw ? nil : OutputMasks(shell: shell),
                    replacing: try mayReplace(TranscriptCommands.expand(path), force: request.force))
            } catch {
                recordingFailed = true
                shell.writer.write(RenderedOutput(chunks: [.init(
                    stream: .standardError, text: "baysh: \(error); going on without recording\n", style: .error)]))
            }
        }

        let status: Int32
        if let transcript, let file = request.replay {
            signal(SIGPIPE, SIG_IGN)
            let shell = Shell(session: session, editor: PlainLineReader { nil }, writer: writer, options: options)
            setUp(shell)
            let replay = TranscriptReplay(transcript: transcript, file: file, options: request.replayOptions)
            // `--json` lines stay valid JSON: their control characters become JSON escapes.
            let spelling: TerminalText.ControlSpelling = request.replayOptions.json ? .json : .text
            status = await shell.run { shell in
                let summary = await transcriptCommands.replaying(TranscriptCommands.expand(file)) {
                    await replay.run(in: shell) { line in
                        TerminalText.write(TerminalText.visible(line, spelling: spelling) + "\n", to: STDOUT_FILENO)
                    }
                }
                return summary?.status ?? 1
            }
        } else {
            status = await ShellLauncher.run(
                session: session, commands: commands, options: options, terminalEditor: terminalEditor, setUp: setUp)
        }
        return recordingFailed ? max(status, 1) : status
    }

    /// Whether `--record FILE` may replace an existing FILE: with `--force`, or when the user at the terminal
    /// says yes; a script is refused. (A symlink is refused later by the writer, which never follows one.)
    private static func mayReplace(_ path: String, force: Bool) throws(TranscriptError) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT != S_IFLNK else { return false }
        if force { return true }
        guard isatty(STDIN_FILENO) == 1, isatty(STDERR_FILENO) == 1 else {
            throw .cannotRecord(path: path, reason: "it already exists (add --force to replace it)")
        }
        TerminalText.write("\(path) already exists. Replace it? [y/N] ", to: STDERR_FILENO)
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        guard ["y", "yes"].contains(answer) else { throw .cannotRecord(path: path, reason: "left as it was") }
        return true
    }

    /// The terminal writer, or for `--json` one that keeps stdout for the JSON lines and lets only stderr through.
    private static func makeWriter(json: Bool) -> TerminalWriter {
        let standard = TerminalWriter.standard()
        guard json else { return standard }
        return TerminalWriter(colorsOnStandardError: standard.colorsOnStandardError) { text, stream in
            if stream == .standardError { TerminalText.write(text, to: STDERR_FILENO) }
        }
    }
}
