import AgentBayFake
import Foundation
import Logging
import Testing

@testable import BayshCore

/// The AgentBay fake throttling a fifth of all tool calls: the retry rule rides it out without ever running a tool
/// twice. (5xx, dropped answers and refused connections are covered in `AgentBayFaultTests`.)
@Suite("AgentBay under throttling", .timeLimit(.minutes(2)))
struct AgentBayThrottlingTests {
    @Test("1,000 CallMcpTool calls with 20% throttled: all succeed and none runs twice")
    func thousandCallsUnderThrottling() async throws {
        try await withAgentBayFake { fixture async throws in
            // Twelve attempts: with a 20% rate, a call throttled every time is a one-in-4-billion event.
            let retries = AgentBayRetryPolicy(maxAttempts: 12, baseDelay: .microseconds(200), maxDelay: .milliseconds(2))
            let session = try await AgentBaySession.create(
                config: fixture.configuration, imageId: "linux_latest", retryPolicy: retries,
                deletePolling: AgentBayFixture.quickDeletes, logger: Logger(label: "test.throttling"))
            fixture.fake.faults = FakeFaults(actions: ["CallMcpTool"], throttleRate: 0.2, throttleStatus: 400)
            let count = 1000
            let lanes = 4
            // A few calls in flight at once, as a shell with background work would have.
            let failures = await withTaskGroup(of: [String].self) { group in
                for lane in 0..<lanes {
                    group.addTask {
                        var failures: [String] = []
                        for index in stride(from: lane, to: count, by: lanes) {
                            let marker = String(format: "call-%04d", index)
                            do {
                                let result = try await session.callTool(name: "echo", arguments: ["text": .string(marker)])
                                if result.text != marker { failures.append("\(marker): answered '\(result.text)'") }
                            } catch {
                                failures.append("\(marker): \(error)")
                            }
                        }
                        return failures
                    }
                }
                return await group.reduce(into: []) { $0 += $1 }
            }
            #expect(failures.isEmpty, "\(failures.prefix(5))")
            let requests = fixture.fake.requests("CallMcpTool")
            // About a quarter more requests than calls: each throttled one was sent again.
            #expect(requests > count + 150 && requests < count + 400, "\(requests) requests")
            #expect(fixture.fake.totalExecutions == count)
            let duplicated = (0..<count).map { String(format: "call-%04d", $0) }.filter {
                fixture.fake.executions(tool: "echo", argumentsContaining: "\"\($0)\"") != 1
            }
            #expect(duplicated.isEmpty, "run other than once: \(duplicated.prefix(5))")
            fixture.fake.faults = .none
            await session.close()
        }
    }
}
