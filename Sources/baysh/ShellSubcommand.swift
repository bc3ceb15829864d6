import ArgumentParser
import BayshCore
import BayshLineEditor
import Foundation

/// `baysh [flags]`: opens a session on the chosen backend and reads lines from the terminal, stdin or `-c`.
struct ShellSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "Open a session and run the shell (the default).",
        discussion: """
            With no backend flag baysh opens a new local session (deleted on exit unless --keep) — or an AgentBay \
            session when AGENTBAY_API_KEY is set in the environment or in a .env file above the working directory \
            (--local overrides). `TOOL key=value ...` calls a tool, `:help` lists the meta commands, Tab completes.
            """
    )

    @OptionGroup(title: "Session")
    var session: SessionOptions

    @OptionGroup(title: "Local sandbox")
    var sandbox: SandboxFlags

    @OptionGroup(title: "MCP server")
    var mcp: MCPServerFlags

    @OptionGroup(title: "AgentBay")
    var agentBay: AgentBayFlags

    @OptionGroup(title: "AgentBay session life")
    var lifecycle: LifecycleFlags

    @OptionGroup(title: "Shell")
    var shell: ShellFlags

    @OptionGroup(title: "Transcripts")
    var transcript: TranscriptFlags

    @OptionGroup(title: "Fan-out")
    var fanout: FanoutFlags

    func validate() throws {
        try transcript.validate(commands: shell.commands)
        try fanout.validate(replay: transcript.replay)
        try SessionFlagCheck.validate(request())
        if let plan = fanout.plan {
            if shell.keep { throw ValidationError("--keep does not go with --fanout: fan-out sessions are always deleted") }
            do {
                try FanoutLauncher.validate(request(), plan: plan, transcript: transcript.request)
            } catch let error as SessionError {
                throw ValidationError(error.description)
            }
        }
    }

    func request() throws -> SessionRequest {
        var request = try session.request()
        try mcp.apply(to: &request)
        agentBay.apply(to: &request)
        try lifecycle.apply(to: &request)
        try sandbox.apply(to: &request)
        request.timeoutMilliseconds = shell.timeoutMs
        return request
    }

    mutating func run() async throws {
        let request: SessionRequest
        do {
            request = try self.request()
        } catch {
            BayshMain.complain(error)
            throw ExitCode(1)
        }
        if let plan = fanout.plan, let path = transcript.replay {
            try await Self.fanOut(request: request, plan: plan, path: path, options: shell.options(),
                transcript: transcript.request)
        }
        try await Self.launch(
            request: request, commands: shell.commands, options: shell.options(), replay: transcript.replay,
            transcript: transcript.request)
    }

    /// `--replay FILE --fanout N`: the transcript on N sessions at once; throws the run's status as an ``ExitCode``.
    static func fanOut(
        request: SessionRequest, plan: FanoutPlan, path: String, options: Shell.Options, transcript: TranscriptRequest
    ) async throws -> Never {
        let loaded: Transcript
        do {
            loaded = try TranscriptLauncher.load(path)
        } catch {
            BayshMain.complain(error)
            throw ExitCode(2)
        }
        let status = await FanoutLauncher.run(
            request: request, plan: plan, transcript: loaded, file: path, replayOptions: transcript.replayOptions,
            shellOptions: options
        ) { BayshMain.note($0) }
        throw ExitCode(status)
    }

    /// Opens the session and runs the shell on it; throws the shell's exit status as an ``ExitCode``.
    static func launch(
        request: SessionRequest, commands: [String], options: Shell.Options,
        replay path: String?, transcript: TranscriptRequest
    ) async throws {
        // Read the transcript first: a wrong path should not cost a session.
        var replayed: Transcript?
        if let path {
            do {
                replayed = try TranscriptLauncher.load(path)
            } catch {
                BayshMain.complain(error)
                throw ExitCode(2)
            }
        }
        // From here a signal ends baysh cleanly: the opening is cancelled (stopping a server stuck in its
        // handshake), and the session it made is deleted unless kept, or named with the command to delete it.
        SessionEnding.shared.install()
        let opened: any Session
        do {
            opened = try await SessionEnding.shared.opening(keep: options.settings.keepSession) {
                try await SessionOpener.open(request, note: BayshMain.note)
            }
        } catch {
            BayshMain.complain(error)
            throw ExitCode(1)
        }
        let status = await TranscriptLauncher.run(
            session: opened, commands: commands, options: options, request: transcript, transcript: replayed,
            terminalEditor: { LibeditLineEditor(historySize: $0) })
        throw ExitCode(status)
    }
}

/// Turns BayshCore's flag-combination errors into usage errors (exit status 2).
enum SessionFlagCheck {
    static func validate(_ request: SessionRequest) throws {
        do {
            try SessionOpener.validate(request)
        } catch let error as SessionError {
            throw ValidationError(error.description)
        }
    }
}
