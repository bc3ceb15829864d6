import AgentBayFake
import BayshTestSupport
import Foundation
import Testing

@testable import BayshCore

/// Issue 12, points 2 and 4: a call that may have reached the server is never sent again, a lost answer is said to
/// be one, redirects never carry credentials to another origin, and the MCP handshake keeps to `--timeout-ms`.
@Suite("hostile peers: network", .serialized)
struct HostileNetworkTests {
    static let lostAnswer = "the connection was lost after the call was sent; it may have run"

    /// The issue's case: a proxy in front of AgentBay is killed with SIGKILL during a `sleep` call and started
    /// again on the same port. Before, libcurl's silent re-send hit the dead proxy, "could not connect" read as
    /// "never sent", and the retry loop ran the tool a second time and printed success.
    @Test func aProxyKilledMidCallDoesNotRunTheToolTwice() async throws {
        try await withAgentBayFake { fixture async throws in
            let id = fixture.fake.addSession()
            var proxy = try await HostileFixtures.start(HostileFixtures.tcpProxy, [String(fixture.fake.port)])
            let port = proxy.port
            var configuration = fixture.configuration
            configuration.baseURL = URL(string: "http://127.0.0.1:\(port)")!
            let client = AgentBayClient(
                configuration: configuration,
                retryPolicy: AgentBayRetryPolicy(maxAttempts: 60, baseDelay: .milliseconds(20), maxDelay: .milliseconds(50)),
                logger: fixture.logger)
            defer { client.close() }
            // Earlier traffic leaves a kept-alive connection through the proxy, as a session's first calls do.
            _ = try await client.listMcpTools(imageId: "linux_latest")
            _ = try await client.callMcpTool(sessionId: id, name: "echo", arguments: ["text": "warm"], server: "")
            let started = ContinuousClock.now
            let call = Task {
                try await client.callMcpTool(
                    sessionId: id, name: "sleep", arguments: ["ms": 1200], server: "",
                    options: CallOptions(readTimeout: .seconds(20), connectTimeout: .seconds(20)))
            }
            try await eventually(timeout: .seconds(10), "the call reaching the fake") {
                fixture.fake.requests("CallMcpTool") == 2
            }
            await proxy.kill9()
            proxy = try await HostileFixtures.start(HostileFixtures.tcpProxy, [String(fixture.fake.port), String(port)])
            defer { Task { [proxy] in await proxy.stop() } }
            let error = await #expect(throws: SessionError.self) { try await call.value }
            guard case .transport(let message)? = error else {
                Issue.record("expected a transport error, got \(String(describing: error))")
                return
            }
            #expect(message.contains(Self.lostAnswer), "\(message)")
            #expect(message.contains("CallMcpTool"))
            #expect(ContinuousClock.now - started < .seconds(15))
            // Let the first run finish, then count: the tool ran once and no second request arrived.
            try await Task.sleep(for: .milliseconds(1500))
            #expect(fixture.fake.requests("CallMcpTool") == 2)
            #expect(fixture.fake.executions(tool: "sleep", argumentsContaining: "1200") == 1)
            // The restarted proxy carries the next call.
            let next = try await client.callMcpTool(sessionId: id, name: "echo", arguments: ["text": "after"], server: "")
            #expect(next.text == "after")
        }
    }

    /// An answer lost on a kept-alive connection: before, libcurl re-sent the headers without the body and the user
    /// was told `CallMcpTool timed out` although the connection had been lost and the tool had run.
    @Test func aLostAnswerIsReportedAsLostNotAsATimeout() async throws {
        try await withAgentBayFake { fixture async throws in
            let session = try await fixture.createSession()
            _ = try await session.callTool(name: "echo", arguments: ["text": "warm-up"])
            fixture.fake.faults = FakeFaults(actions: ["CallMcpTool"], dropAfterReadingNext: 1)
            let options = CallOptions(readTimeout: .seconds(5), connectTimeout: .seconds(5))
            let started = ContinuousClock.now
            do {
                _ = try await session.callTool(name: "echo", arguments: ["text": "lost-once-3"], options: options)
                Issue.record("the lost answer was not reported")
            } catch SessionError.transport(let message) {
                #expect(message.contains(Self.lostAnswer), "\(message)")
                #expect(message.contains(" after sending"))
            }
            #expect(ContinuousClock.now - started < .seconds(4), "reported at once, not at the deadline")
            #expect(fixture.fake.executions(tool: "echo", argumentsContaining: "lost-once-3") == 1)
            #expect(fixture.fake.requests("CallMcpTool") == 2)
            await session.close()
        }
    }

    /// The MCP side: a tools/call whose kept-alive connection is closed after the server read it.
    @Test func anMCPToolCallIsNeverPostedTwice() async throws {
        let server = try await HostileFixtures.start(HostileFixtures.hostileHTTP)
        defer { Task { await server.stop() } }
        let url = URL(string: "http://127.0.0.1:\(server.port)/lose-first-call")!
        try await withMCPSession(.http(url: url), timeout: .seconds(10), readTimeout: .seconds(5)) { session in
            _ = try await session.listTools()
            let started = ContinuousClock.now
            let error = await #expect(throws: SessionError.self) {
                try await session.callTool(name: "anything", arguments: [:])
            }
            guard case .transport(let message)? = error else {
                Issue.record("expected a transport error, got \(String(describing: error))")
                return
            }
            #expect(message.contains(Self.lostAnswer), "\(message)")
            #expect(ContinuousClock.now - started < .seconds(4))
            #expect(try await HostileFixtures.seen(server)["tools_call"] as? Int == 1)
            #expect(try await session.callTool(name: "anything", arguments: [:]).text == "call 2")
        }
    }

    /// A same-origin 307 is followed with the same body; before, URLSession re-sent the POST empty and baysh waited
    /// for the request timeout.
    @Test func aSameOrigin307IsFollowedWithTheSameBody() async throws {
        let server = try await HostileFixtures.start(HostileFixtures.hostileHTTP)
        defer { Task { await server.stop() } }
        let url = URL(string: "http://127.0.0.1:\(server.port)/same-origin-307")!
        let started = ContinuousClock.now
        try await withMCPSession(.http(url: url), timeout: .seconds(5), readTimeout: .seconds(5)) { session in
            let text = try await session.callTool(name: "anything", arguments: [:]).text
            #expect(text == "call 1")
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        let bodies = try await HostileFixtures.seen(server)["bodies"] as? [String: [Int]] ?? [:]
        #expect(!(bodies["/mcp"] ?? []).isEmpty)
        #expect((bodies["/mcp"] ?? []).allSatisfy { $0 > 0 }, "every redirected POST kept its body: \(bodies)")
        #expect(bodies["/same-origin-307"]?.count == bodies["/mcp"]?.count)
    }

    /// A 307 to another origin is refused: the bearer token and `--header` values never reach it.
    @Test func aRedirectToAnotherOriginIsRefusedWithoutSendingCredentials() async throws {
        let server = try await HostileFixtures.start(HostileFixtures.hostileHTTP)
        defer { Task { await server.stop() } }
        let url = URL(string: "http://127.0.0.1:\(server.port)/other-origin-307")!
        let target = MCPTarget.http(url: url, headers: ["X-Team": "blue-team-secret"], bearer: Secret("tok-9f8e7d6c5b4a"))
        let error = await #expect(throws: SessionError.self) {
            try await withMCPSession(target, timeout: .seconds(5), readTimeout: .seconds(5)) { _ in }
        }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("another server"), "\(message)")
        #expect(message.contains("localhost:\(server.port)/landing"))
        #expect(!message.contains("tok-9f8e7d6c5b4a"))
        let seen = try await HostileFixtures.seen(server)
        #expect((seen["landing_headers"] as? [Any])?.isEmpty == true, "\(seen)")
    }

    /// The AgentBay client refuses the same way: its key travels in the body, which must not reach the other origin.
    @Test func theAgentBayClientRefusesARedirectToAnotherOrigin() async throws {
        let server = try await HostileFixtures.start(HostileFixtures.hostileHTTP)
        defer { Task { await server.stop() } }
        let configuration = AgentBayConfiguration(
            apiKey: Secret("akm-redirect-0000-1111-2222-333344445555"),
            baseURL: URL(string: "http://127.0.0.1:\(server.port)/other-origin-307")!)
        let client = AgentBayClient(configuration: configuration, retryPolicy: .never)
        defer { client.close() }
        do {
            _ = try await client.listMcpTools(imageId: "linux_latest")
            Issue.record("the redirect was followed")
        } catch SessionError.transport(let message) {
            #expect(message.contains("another server"), "\(message)")
        }
        let bodies = try await HostileFixtures.seen(server)["bodies"] as? [String: [Int]] ?? [:]
        #expect(bodies["/landing"] == nil, "\(bodies)")
    }

    /// `--timeout-ms` bounds the handshake: a server that never answers `initialize` held baysh for 60 s.
    @Test func theHandshakeKeepsToTheTimeout() async throws {
        let server = try await HostileFixtures.start(HostileFixtures.hostileHTTP)
        defer { Task { await server.stop() } }
        var request = SessionRequest()
        request.url = "http://127.0.0.1:\(server.port)/hang-initialize"
        request.timeoutMilliseconds = 600
        let started = ContinuousClock.now
        let error = await #expect(throws: SessionError.self) { _ = try await SessionOpener.open(request) }
        guard case .timedOut(_, let after)? = error else {
            Issue.record("expected a timeout, got \(String(describing: error))")
            return
        }
        #expect(after == .milliseconds(600))
        #expect(ContinuousClock.now - started < .seconds(6))
    }

    @Test func redirectDecisions() {
        let base = URL(string: "http://127.0.0.1:8000/mcp")!
        #expect(HTTPRedirects.decide(status: 200, location: nil, from: base, hops: 0) == .answer)
        #expect(HTTPRedirects.decide(status: 304, location: nil, from: base, hops: 0) == .answer)
        #expect(
            HTTPRedirects.decide(status: 307, location: "/other", from: base, hops: 0)
                == .follow(URL(string: "http://127.0.0.1:8000/other")!))
        #expect(
            HTTPRedirects.decide(status: 308, location: "http://127.0.0.1:8000/x", from: base, hops: 0)
                == .follow(URL(string: "http://127.0.0.1:8000/x")!))
        for (status, location) in [(307, "http://127.0.0.1:8001/mcp"), (307, "https://127.0.0.1:8000/mcp"),
            (308, "http://localhost:8000/mcp"), (302, "/mcp2"), (301, "/mcp2"), (303, "/mcp2"), (307, nil)]
        {
            guard case .refuse = HTTPRedirects.decide(status: status, location: location, from: base, hops: 0) else {
                Issue.record("\(status) to \(location ?? "nowhere") was not refused")
                continue
            }
        }
        guard case .refuse(let loop) = HTTPRedirects.decide(status: 307, location: "/mcp", from: base, hops: 5) else {
            Issue.record("a redirect loop was followed")
            return
        }
        #expect(loop.contains("more than 5 times"))
        #expect(HTTPRedirects.sameOrigin(URL(string: "https://a.example/x")!, URL(string: "https://A.example:443/y")!))
        #expect(
            HTTPRedirects.describe(URL(string: "http://user:pw@h.example/p?token=abc")!) == "http://h.example/p")
    }
}
