import BayshCore

/// Prints baysh's speed figures; each issue adds its own section.
@main
struct BayshBench {
    static func main() async throws {
        print("baysh-bench \(BayshVersion.current)")
        try await MCPStdioBench.run()
    }
}
