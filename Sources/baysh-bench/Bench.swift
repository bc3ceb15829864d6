import BayshCore

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
    ] }

    static func main() async throws {
        print("baysh-bench \(BayshVersion.current)")
        for section in sections {
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
