import AgentBayFake
import BayshCore
import Foundation
import MCP

/// The AgentBay section of baysh-bench: CallMcpTool calls per second against the local fake (echo tool, one
/// keep-alive URLSession) and the TCP connections the client opened for them (target: 1).
enum AgentBayBench {
    /// Runs the measurement and returns the printable lines.
    static func run(calls: Int = 1_000) async throws -> [String] {
        let fake = AgentBayFake()
        try fake.start()
        defer { fake.stop() }
        let configuration = try AgentBayConfiguration.resolve(
            apiKey: fake.apiKey, endpoint: fake.endpoint, environment: [:],
            workingDirectory: FileManager.default.temporaryDirectory)
        let session = try await AgentBaySession.create(config: configuration, imageId: "linux_latest")
        let clock = ContinuousClock()
        let start = clock.now
        for index in 0..<calls {
            let result = try await session.callTool(name: "echo", arguments: ["text": .string("call \(index)")])
            guard result.text == "call \(index)" else {
                throw SessionError.protocolViolation("echo \(index) came back as '\(result.text)'")
            }
        }
        let elapsed = clock.now - start
        // Counted from the fake's side: every TCP connection the client opened, session creation included.
        let connections = fake.connectionsAccepted
        try await session.delete(syncContext: false)
        await session.close()
        let perSecond = Double(calls) / elapsed.seconds
        return [
            "agentbay: \(calls) CallMcpTool calls against the fake in \(String(format: "%.2f", elapsed.seconds)) s "
                + "= \(String(format: "%.0f", perSecond)) calls/s",
            "agentbay: TCP connections opened for create + \(calls) calls: \(connections) (expected \(calls + 1): each "
                + "mutating action gets a connection of its own, so libcurl never re-sends it)",
        ]
    }
}
