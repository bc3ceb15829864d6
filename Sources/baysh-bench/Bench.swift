import BayshCore
import Foundation

/// One part of the benchmark report; each area of baysh adds its own file and lists it in ``BayshBench/sections``.
protocol BenchSection {
    /// The heading printed above the section's figures.
    static var title: String { get }
    /// Measures and prints the section's figures.
    static func run() async throws
}

/// Prints baysh's speed figures, one section per area.
@main
struct BayshBench {
    static var sections: [any BenchSection.Type] { [
        CallLineBench.self,
        AgentBaySection.self,
        MCPStdioBench.self,
        CompletionBench.self,
        TranscriptBench.self,
        StartupBench.self,
        MemoryBench.self,
        BigResultBench.self,
        FanoutSection.self,
        SandboxBench.self,
    ] }

    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.first == "--child" { exit(await BenchChild.run(Array(arguments.dropFirst()))) }
        print("baysh-bench \(BayshVersion.current)")
        // `baysh-bench start-up memory` runs only the sections with those titles.
        let chosen = Set(arguments)
        for section in sections where chosen.isEmpty || chosen.contains(section.title) {
            print("")
            print("== \(section.title) ==")
            try await section.run()
        }
    }
}

/// AgentBay figures: CallMcpTool rate and TCP connections against the loopback fake.
enum AgentBaySection: BenchSection {
    static let title = "agentbay"
    static func run() async throws {
        for line in try await AgentBayBench.run() { print(line) }
    }
}
