import ArgumentParser
import BayshCore
import Foundation

/// The `baysh` command line: the shell (the default subcommand), `serve` and `sessions`. Flags are parsed here and
/// handed to BayshCore; nothing else lives in this target.
struct Baysh: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baysh",
        abstract: "A shell for exploring the tools of AgentBay sessions and MCP servers.",
        discussion: """
            With no subcommand baysh runs the shell on a session: `baysh shell --help` lists its flags (backends: \
            local by default, --mcp, --url, --config, --agentbay), `baysh serve --help` and `baysh sessions --help` \
            the others'.
            """,
        version: BayshVersion.current,
        subcommands: [ShellSubcommand.self, ServeCommand.self, SessionsCommand.self],
        defaultSubcommand: ShellSubcommand.self
    )
}

/// Runs the command line. Usage errors (an unknown flag, a bad value, a bad combination) exit with status 2, the
/// convention of shells and most Unix tools, rather than ArgumentParser's 64.
@main
enum BayshMain {
    static func main() async {
        // `baysh --help` is where people look for the shell's flags, so it shows them, then the other subcommands.
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments == ["--help"] || arguments == ["-h"] || arguments == ["help"] {
            let shellHelp = ShellSubcommand.helpMessage(columns: nil)
                .replacingOccurrences(of: "USAGE: shell ", with: "USAGE: baysh [shell] ")
                .replacingOccurrences(of: "OVERVIEW: Open a session and run the shell (the default).",
                    with: "OVERVIEW: " + Baysh.configuration.abstract)
            print(shellHelp)
            print("""

                OTHER SUBCOMMANDS:
                  serve                   Serve a local session as an MCP server over stdio (baysh serve --help).
                  sessions                List (or --delete) local or AgentBay sessions (baysh sessions --help).
                  --version               Show the version.
                """)
            return
        }
        do {
            if let commands = quickShellLines(arguments) {
                try await ShellSubcommand.launch(
                    request: SessionOptions.request(workspace: nil, sessionId: nil, labels: []), commands: commands,
                    options: ShellFlags.defaultOptions, replay: nil, transcript: TranscriptRequest())
                return
            }
            var command = try Baysh.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            // Every shell run ends here; ArgumentParser's exit(withError:) would build the help text first.
            exit(code.rawValue)
        } catch {
            if Baysh.exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((Baysh.fullMessage(for: error) + "\n").utf8))
                exit(2)
            }
            Baysh.exit(withError: error)
        }
    }

    /// The lines of `baysh` or `baysh -c LINE...`, or nil when other arguments need ArgumentParser.
    ///
    /// ArgumentParser finds the default subcommand and its flags by reflection and generic metadata lookups, a
    /// fifth of start-up even for these two forms, which are what people and scripts run most. Anything else (other
    /// flags, a line that starts with `-`, `--help`) goes through ArgumentParser as before; the defaults used
    /// instead are the flags' own (``ShellFlags/defaultOptions``, a request with no backend flag).
    static func quickShellLines(_ arguments: [String]) -> [String]? {
        var lines: [String] = []
        var rest = arguments[...]
        while let flag = rest.first {
            guard flag == "-c", rest.count >= 2, let line = rest.dropFirst().first, !line.isEmpty,
                !line.hasPrefix("-")
            else { return nil }
            lines.append(line)
            rest = rest.dropFirst(2)
        }
        return lines
    }

    /// Prints `error` as baysh's one-line complaint on stderr.
    static func complain(_ error: any Error) {
        // Errors quote servers (their names, their last stderr lines): control characters are spelled out.
        note("\(error)")
    }

    /// A `baysh: …` line on stderr, secrets masked and control characters spelled out (notes quote servers too).
    static func note(_ text: String) {
        let shown = TerminalText.visible(Redactor.shared.redact(text))
        FileHandle.standardError.write(Data("baysh: \(shown)\n".utf8))
    }
}
