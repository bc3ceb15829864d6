import BayshTestSupport
import Foundation
import MCP
import Testing

@testable import BayshCore

/// Faults of a streamable HTTP MCP server (`misbehaving_http.py` on 127.0.0.1): a connection dropped mid-answer, a
/// busy 503 before a good answer, and answers trickled byte by byte. Error pages, refusals and split SSE chunks are
/// covered in `StreamableHTTPTransportErrorTests`.
@Suite("Streamable HTTP MCP server faults", .timeLimit(.minutes(2)))
struct HTTPServerFaultTests {
    private func withFaultyServer(_ path: String, _ body: (MCPSession) async throws -> Void) async throws {
        try await withLoopbackServer(script: MCPFixtures.misbehavingHTTPScript, path: path) { url in
            try await withMCPSession(.http(url: url), timeout: .seconds(10)) { session in
                try await body(session)
            }
        }
    }

    @Test("a connection dropped in the middle of an answer is a clear transport error, and the next call works")
    func droppedMidAnswer() async throws {
        try await withFaultyServer("/drop-mid") { session async throws in
            let started = ContinuousClock.now
            let error = await #expect(throws: SessionError.self) {
                try await session.callTool(name: "anything", arguments: [:])
            }
            #expect(ContinuousClock.now - started < .seconds(15))
            guard case .transport(let message) = error else {
                Issue.record("expected a transport error, got \(String(describing: error))")
                return
            }
            #expect(message.contains("dropped the connection"), "\(message)")
            #expect(message.contains("127.0.0.1"))
            let next = try await session.callTool(name: "anything", arguments: [:])
            #expect(next.text == "tools/call request 2")
        }
    }

    @Test("503 then 200 on initialize and tools/list: sent again after a pause, so connecting and listing succeed")
    func busyReadsAreRetried() async throws {
        try await withFaultyServer("/flaky") { session async throws in
            // The answers count the requests of their method: the second one got through.
            #expect(session.handshake?.serverInfo.version == "2")
            let tools = try await session.listTools()
            #expect(tools.map(\.description) == ["tools/list request 2"])
        }
    }

    @Test("503 then 200 on tools/call: not sent again (the tool may have run); the error shows the status and body")
    func busyCallIsNotRetried() async throws {
        try await withFaultyServer("/flaky") { session async throws in
            let error = await #expect(throws: SessionError.self) {
                try await session.callTool(name: "anything", arguments: [:])
            }
            guard case .transport(let message) = error else {
                Issue.record("expected a transport error, got \(String(describing: error))")
                return
            }
            #expect(message.contains("HTTP 503") && message.contains("busy, try again"), "\(message)")
            // The server saw exactly one call before this one.
            #expect(try await session.callTool(name: "anything", arguments: [:]).text == "tools/call request 2")
        }
    }

    @Test("only requests that change nothing are repeatable after a busy answer")
    func repeatableRequests() {
        func message(_ text: String) -> Data { Data(text.utf8) }
        #expect(StreamableHTTPTransport.isRepeatable(message(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#)))
        #expect(StreamableHTTPTransport.isRepeatable(message(#"{"jsonrpc":"2.0","id":"a","method":"tools/list"}"#)))
        #expect(StreamableHTTPTransport.isRepeatable(message(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)))
        #expect(!StreamableHTTPTransport.isRepeatable(message(#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{}}"#)))
        // A batch, an answer to the server's own request, and something unreadable: not sent again.
        #expect(!StreamableHTTPTransport.isRepeatable(message(#"[{"jsonrpc":"2.0","id":3,"method":"tools/list"}]"#)))
        #expect(!StreamableHTTPTransport.isRepeatable(message(#"{"jsonrpc":"2.0","id":0,"result":{}}"#)))
        #expect(!StreamableHTTPTransport.isRepeatable(message("not json")))
    }

    @Test("an SSE answer dribbled one byte every 20 ms is assembled whole")
    func trickledAnswer() async throws {
        try await withFaultyServer("/trickle?ms=20") { session async throws in
            let started = ContinuousClock.now
            let answer = try await session.callTool(name: "anything", arguments: [:])
            #expect(answer.text == "tools/call request 1")
            // About 100 bytes at 20 ms each: the bytes really came one at a time.
            #expect(ContinuousClock.now - started > .seconds(1))
        }
    }

    @Test("an answer trickled slower than the read timeout ends at the deadline, and the session stays usable")
    func trickleSlowerThanTheTimeout() async throws {
        try await withFaultyServer("/trickle?ms=200") { session async throws in
            let started = ContinuousClock.now
            await #expect(throws: SessionError.timedOut(operation: "call anything", after: .milliseconds(500))) {
                try await session.callTool(
                    name: "anything", arguments: [:], options: CallOptions(readTimeout: .milliseconds(500)))
            }
            #expect(ContinuousClock.now - started < .seconds(8))
            #expect(try await session.listTools().map(\.name) == ["anything"])
        }
    }
}
