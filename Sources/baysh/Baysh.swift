import ArgumentParser
import BayshCore
import Foundation

/// The `baysh` command line: flags are parsed here and handed to BayshCore; nothing else lives in this target.
@main
struct Baysh: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baysh",
        abstract: "A shell for exploring the tools of AgentBay sessions and MCP servers.",
        discussion: """
            With no flags baysh opens a new local session (deleted on exit unless --keep) and reads lines from the \
            terminal: `TOOL key=value ...` calls a tool, `:help` lists the meta commands, Tab completes.
            """,
        version: BayshVersion.current
    )

    @OptionGroup(title: "Session")
    var session: SessionOptions

    @OptionGroup(title: "Shell")
    var shell: ShellFlags

    @OptionGroup(title: "Transcripts")
    var transcript: TranscriptFlags

    func validate() throws {
        try transcript.validate(commands: shell.commands)
    }

    mutating func run() async throws {
        // Read the transcript first: a wrong path should not cost a session.
        var replayed: Transcript?
        if let path = transcript.replay {
            do {
                replayed = try TranscriptLauncher.load(path)
            } catch {
                FileHandle.standardError.write(Data(Redactor.shared.redact("baysh: \(error)\n").utf8))
                throw ExitCode(2)
            }
        }
        let opened: any Session
        do {
            opened = try await SessionOpener.open(session.request())
        } catch {
            FileHandle.standardError.write(Data(Redactor.shared.redact("baysh: \(error)\n").utf8))
            throw ExitCode(1)
        }
        let status = await TranscriptLauncher.run(
            session: opened, commands: shell.commands, options: shell.options(), request: transcript.request,
            transcript: replayed)
        throw ExitCode(status)
    }
}
