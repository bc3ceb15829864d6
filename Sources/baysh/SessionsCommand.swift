import ArgumentParser
import BayshCore
import Foundation

/// `baysh sessions`: lists local sessions, or AgentBay sessions with `--agentbay`.
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "List local sessions (id, created, labels, workspace), or AgentBay sessions with --agentbay."
    )

    @Option(name: .customLong("label"), help: ArgumentHelp("Only sessions with this label (repeatable).",
        valueName: "key=value"))
    var labels: [String] = []

    @OptionGroup(title: "AgentBay")
    var agentBay: AgentBayFlags

    @Option(name: .customLong("timeout-ms"), help: ArgumentHelp("How long each AgentBay API call may take.",
        valueName: "ms"))
    var timeoutMs: Int?

    func validate() throws {
        if agentBay.image != nil { throw ValidationError("--image is for a new session; `sessions` lists them") }
        if !agentBay.agentbay, agentBay.endpoint != nil || agentBay.apiKeyEnv != nil {
            throw ValidationError("--endpoint and --api-key-env are for AgentBay; add --agentbay")
        }
        if let timeoutMs, timeoutMs <= 0 { throw ValidationError("--timeout-ms must be a positive number of ms") }
        _ = try KeyValueArgument.table(labels, flag: "--label")
    }

    mutating func run() async throws {
        let wanted = try KeyValueArgument.table(labels, flag: "--label")
        do {
            let lines: [String]
            if agentBay.agentbay {
                var request = SessionRequest()
                agentBay.apply(to: &request)
                request.timeoutMilliseconds = timeoutMs
                lines = try await SessionListing.agentBay(
                    labels: wanted, config: SessionOpener.agentBayConfiguration(request))
            } else {
                lines = try SessionListing.local(labels: wanted)
            }
            // Labels and ids come from the AgentBay service.
            print(TerminalText.visible(lines.joined(separator: "\n")))
        } catch {
            BayshMain.complain(error)
            throw ExitCode(1)
        }
    }
}
