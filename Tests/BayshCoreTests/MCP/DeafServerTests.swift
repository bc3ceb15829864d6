import BayshTestSupport
import Foundation
import MCP
import Synchronization
import Testing

@testable import BayshCore

/// A stdio server that stops reading its input (`baysh-test-server --deaf`): a request larger than the pipe buffer
/// cannot be written, and that must not cost a thread of the concurrency pool, the call's deadline, or a prompt close.
@Suite("MCP stdio server that stops reading", .timeLimit(.minutes(1)))
struct DeafServerTests {
    private static let megabyte = String(repeating: "x", count: 1024 * 1024)

    private func connect() async throws -> MCPSession {
        try await MCPSession.connect(.stdio(command: [try MCPFixtures.testServer, "--deaf"], stderr: .discard))
    }

    @Test("a 1 MB call times out at its deadline and the session closes promptly")
    func timesOutAndCloses() async throws {
        let session = try await connect()
        let started = ContinuousClock.now
        await #expect(throws: SessionError.timedOut(operation: "call echo", after: .milliseconds(300))) {
            _ = try await session.callTool(
                name: "echo", arguments: ["text": .string(Self.megabyte)],
                options: CallOptions(readTimeout: .milliseconds(300)))
        }
        #expect(ContinuousClock.now - started < .seconds(15))
        let closing = ContinuousClock.now
        await session.close()
        #expect(ContinuousClock.now - closing < .seconds(15))
    }

    @Test("several stuck calls at once leave the pool free: other tasks keep running, cancellation works")
    func poolStaysFree() async throws {
        let session = try await connect()
        let ticks = Atomic<Int>(0)
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(20))
                ticks.add(1, ordering: .relaxed)
            }
        }
        let calls = (0..<4).map { _ in
            Task {
                try await session.callTool(
                    name: "echo", arguments: ["text": .string(Self.megabyte)],
                    options: CallOptions(readTimeout: .seconds(30)))
            }
        }
        try await Task.sleep(for: .milliseconds(500))
        // The ticker keeps ticking while the calls are stuck; a frozen pool gives no tick at all. The window is wide
        // because a loaded 2-core machine may run the ticker only now and then.
        let before = ticks.load(ordering: .relaxed)
        let deadline = ContinuousClock.now + .seconds(20)
        while ticks.load(ordering: .relaxed) - before < 5, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(ticks.load(ordering: .relaxed) - before >= 5)
        let cancelled = ContinuousClock.now
        for call in calls { call.cancel() }
        for call in calls {
            await #expect(throws: SessionError.cancelled(operation: "call echo")) { _ = try await call.value }
        }
        #expect(ContinuousClock.now - cancelled < .seconds(15))
        let closing = ContinuousClock.now
        await session.close()
        #expect(ContinuousClock.now - closing < .seconds(15))
        ticker.cancel()
    }

    @Test("closing the transport fails a write held up by a full pipe, with a clear error")
    func disconnectFailsPendingWrite() async throws {
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)
        let (unread, output) = (ends[0], ends[1])
        #expect(pipe(&ends) == 0)
        let (input, feed) = (ends[0], ends[1])
        defer {
            close(unread)
            close(feed)
        }
        let transport = PipeTransport(input: input, output: output, closesDescriptors: true, peer: "deaf peer")
        try await transport.connect()
        let message = Data(("\"" + Self.megabyte + "\"").utf8)
        let sending = Task { try await transport.send(message) }
        try await Task.sleep(for: .milliseconds(200))
        await transport.disconnect()
        await #expect(throws: SessionError.transport("disconnected from deaf peer")) { try await sending.value }
        await #expect(throws: SessionError.transport("not connected to deaf peer")) {
            try await transport.send(Data("{}".utf8))
        }
    }
}
