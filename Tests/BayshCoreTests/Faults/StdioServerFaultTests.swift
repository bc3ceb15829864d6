import BayshTestSupport
import Foundation
import MCP
import Testing

@testable import BayshCore

/// Faults of a stdio MCP server that the MCP suite does not already cover: a frame cut short (then a stall, or end
/// of file) and a flood of stderr. Its neighbours in `MCPStdioSessionTests` cover a server that exits mid-call
/// (`serverExitsMidCall`), writes garbage (`garbage`) and never answers (`timeout`, `connectTimeout`).
@Suite("Stdio MCP server faults", .timeLimit(.minutes(2)))
struct StdioServerFaultTests {
    private func target() throws -> MCPTarget {
        .stdio(command: [try MCPFixtures.testServer], stderr: .discard)
    }

    @Test("half a JSON line and then silence: the call ends at its deadline naming the stuck message, not a hang")
    func partialFrameThenStall() async throws {
        try await withMCPSession(try target()) { session async throws in
            let started = ContinuousClock.now
            let error = await #expect(throws: SessionError.self) {
                try await session.callTool(
                    name: "partial", arguments: [:], options: CallOptions(readTimeout: .milliseconds(400)))
            }
            #expect(ContinuousClock.now - started < .seconds(15))
            guard case .protocolViolation(let message) = error else {
                Issue.record("expected protocolViolation, got \(String(describing: error))")
                return
            }
            // `{"jsonrpc":"2.0","id":"baysh-` is 29 bytes.
            #expect(message.contains("sent 29 bytes of a message and then nothing more"))
            #expect(message.contains(":reconnect"))
            // The stream is out of step: later calls fail at once with the same reason instead of timing out.
            let again = ContinuousClock.now
            await #expect(throws: error!) { try await session.callTool(name: "echo", arguments: ["text": "x"]) }
            #expect(ContinuousClock.now - again < .seconds(5))
            try await session.reconnect()
            #expect(try await session.callTool(name: "echo", arguments: ["text": "back"]).text == "back")
        }
    }

    @Test("a slow answer still arriving at the deadline is a plain timeout and leaves the session usable")
    func timeoutWithoutStallKeepsTheConnection() async throws {
        try await withMCPSession(try target()) { session async throws in
            await #expect(throws: SessionError.timedOut(operation: "call slow", after: .milliseconds(200))) {
                try await session.callTool(
                    name: "slow", arguments: ["ms": 600], options: CallOptions(readTimeout: .milliseconds(200)))
            }
            #expect(try await session.callTool(name: "echo", arguments: ["text": "still"]).text == "still")
        }
    }

    @Test("half a JSON line and then end of file: the server's exit with its status and stderr, at once")
    func partialFrameThenExit() async throws {
        try await withMCPSession(try target()) { session async throws in
            let started = ContinuousClock.now
            let error = await #expect(throws: SessionError.self) {
                try await session.callTool(name: "partial-exit", arguments: [:])
            }
            #expect(ContinuousClock.now - started < .seconds(15))
            guard case .serverExited(let command, let status, let tail) = error else {
                Issue.record("expected serverExited, got \(String(describing: error))")
                return
            }
            #expect(command.contains("baysh-test-server"))
            #expect(status == 4)
            #expect(tail.last == "fixture: dying mid-answer")
            try await session.reconnect()
            #expect(try await session.callTool(name: "echo", arguments: ["text": "back"]).text == "back")
        }
    }

    @Test("50 MB of stderr while calls run: every call answers and only a bounded tail is kept")
    func stderrFlood() async throws {
        try await withMCPSession(try target()) { session async throws in
            let size = 50 * 1024 * 1024
            try await withThrowingTaskGroup(of: String.self) { group in
                group.addTask {
                    try await session.callTool(name: "flood", arguments: ["bytes": .int(size)]).text
                }
                for index in 0..<40 {
                    group.addTask {
                        try await session.callTool(name: "echo", arguments: ["text": .string("call \(index)")]).text
                    }
                }
                var answers: Set<String> = []
                for try await answer in group { answers.insert(answer) }
                #expect(answers.contains("flooded \(size)"))
                #expect(answers.isSuperset(of: (0..<40).map { "call \($0)" }))
            }
            let process = try #require(session.serverProcess)
            // The last line arrives through the stderr pipe just after the answer: wait for it briefly.
            let deadline = ContinuousClock.now + .seconds(5)
            while process.stderrTail.last != "fixture: flood done" && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            let tail = process.stderrTail
            #expect(tail.last == "fixture: flood done")
            #expect(tail.count <= StderrTail.lineLimit)
            #expect(tail.allSatisfy { $0.utf8.count <= StderrTail.lineLengthLimit })
            // The 25 MB line without a newline was cut to the limit, not held whole.
            #expect(tail.contains(String(repeating: "L", count: StderrTail.lineLengthLimit)))
            #expect(try await session.callTool(name: "echo", arguments: ["text": "after"]).text == "after")
        }
    }
}
