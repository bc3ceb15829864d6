import ArgumentParser
import BayshCore

/// The `baysh` command line: flags are parsed here and handed to BayshCore; nothing else lives in this target.
@main
struct Baysh: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baysh",
        abstract: "A shell for exploring the tools of AgentBay sessions and MCP servers.",
        version: BayshVersion.current
    )

    mutating func run() async throws {
        print("baysh \(BayshVersion.current)")
    }
}
