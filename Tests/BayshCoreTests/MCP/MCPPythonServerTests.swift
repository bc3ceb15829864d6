import BayshTestSupport
import Foundation
import MCP
import Testing

@testable import BayshCore

/// MCPSession against a real server built with the PyPI `mcp` package: stdio, and streamable HTTP with SSE answers
/// (the default) and JSON answers, on 127.0.0.1.
@Suite("MCP session against the Python mcp package", .timeLimit(.minutes(3)))
struct MCPPythonServerTests {
    private func exercise(_ session: MCPSession) async throws {
        #expect(session.serverName == "python-fixture")
        let tools = try await session.listTools()
        #expect(Set(tools.map(\.name)).isSuperset(of: ["echo", "add", "fail", "authorization", "grow"]))
        let echo = try await session.callTool(name: "echo", arguments: ["text": "snow ☃ \"quoted\""])
        #expect(echo.text == "snow ☃ \"quoted\"")
        #expect(!echo.isError)
        #expect(try await session.callTool(name: "add", arguments: ["a": 2, "b": 40]).text == "42")
        let failed = try await session.callTool(name: "fail", arguments: ["message": "no such thing"])
        #expect(failed.isError)
        #expect(!failed.text.isEmpty)
        let unknown = try await session.callTool(name: "nope", arguments: [:])
        #expect(unknown.isError)
        #expect(unknown.text.contains("nope"))

        // tools/list_changed makes the next listTools fetch again.
        #expect(!tools.contains { $0.name == "extra" })
        #expect(try await session.callTool(name: "grow", arguments: [:]).text == "grown")
        var refreshed: [ToolInfo] = []
        for _ in 0..<50 where !refreshed.contains(where: { $0.name == "extra" }) {
            refreshed = try await session.listTools()
            if !refreshed.contains(where: { $0.name == "extra" }) { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(refreshed.contains { $0.name == "extra" })
    }

    @Test("stdio")
    func stdio() async throws {
        let target = MCPTarget.stdio(command: [try MCPFixtures.python, MCPFixtures.pythonServerScript, "stdio"])
        try await withMCPSession(target) { session in
            try await exercise(session)
            #expect(try await session.callTool(name: "authorization", arguments: [:]).text == "none")
            #expect(try await session.info()["protocol version"] != nil)
        }
    }

    @Test("streamable HTTP with SSE answers, a bearer token that reaches the server and is never shown")
    func httpEvents() async throws {
        try await withLoopbackServer(script: MCPFixtures.pythonServerScript, arguments: ["http"]) { url in
        let token = Secret("tok-\(UUID().uuidString)")
        let target = MCPTarget.http(url: url, headers: ["X-Trace": "baysh-test"], bearer: token)
        try await withMCPSession(target) { session in
            try await exercise(session)
            #expect(try await session.callTool(name: "authorization", arguments: [:]).text == "Bearer \(token.revealed)")
            let info = try await session.info()
            #expect(info["transport"] == "streamable HTTP")
            #expect(info["headers"]?.contains("Authorization: Bearer \(token.masked)") == true)
            #expect(!info.fields.contains { $0.value.contains(token.revealed) })
            #expect(session.ownership == .attached)
        }
        }
    }

    @Test("streamable HTTP with JSON answers")
    func httpJSON() async throws {
        try await withLoopbackServer(script: MCPFixtures.pythonServerScript, arguments: ["http", "--json"]) { url in
            try await withMCPSession(.http(url: url)) { session in
                try await exercise(session)
            }
        }
    }

    @Test("an mcpServers file with a stdio and an http entry")
    func configFile() async throws {
        try await withLoopbackServer(script: MCPFixtures.pythonServerScript, arguments: ["http"]) { url in
        let directory = try TemporaryDirectory()
        let file = directory.url.appendingPathComponent("mcp.json").path
        let json = """
            {
              "mcpServers": {
                "py-stdio": {
                  "command": "${env:BAYSH_TEST_PY}",
                  "args": ["${SCRIPT}", "stdio"]
                },
                "py-http": { "type": "http", "url": "\(url.absoluteString)", "headers": { "X-Trace": "t" } }
              }
            }
            """
        try json.write(toFile: file, atomically: true, encoding: .utf8)
        let environment = ["BAYSH_TEST_PY": try MCPFixtures.python, "SCRIPT": MCPFixtures.pythonServerScript]
        #expect(try MCPServerConfig.serverNames(file: file) == ["py-http", "py-stdio"])

        let stdio = try MCPServerConfig.load(file: file, server: "py-stdio", environment: environment)
        try await withMCPSession(stdio.target(), name: stdio.name) { session in
            #expect(session.descriptor.promptName == "mcp:py-stdio")
            let echo = try await session.callTool(name: "echo", arguments: ["text": "via config"])
            #expect(echo.text == "via config")
        }
        let http = try MCPServerConfig.load(file: file, server: "py-http", environment: environment)
        try await withMCPSession(http.target(), name: http.name) { session in
            #expect(session.descriptor.target == "mcp-py-http")
            let sum = try await session.callTool(name: "add", arguments: ["a": 1, "b": 1])
            #expect(sum.text == "2")
        }
        }
    }
}

/// The streamable HTTP transport against servers that answer badly, and against nothing at all.
@Suite("Streamable HTTP transport errors", .timeLimit(.minutes(2)))
struct StreamableHTTPTransportErrorTests {
    /// The error connecting to `path` of the misbehaving server gives.
    private func connectionError(path: String, bearer: Secret? = nil) async throws -> SessionError? {
        var caught: SessionError?
        try await withLoopbackServer(script: MCPFixtures.misbehavingHTTPScript, path: path) { url in
            caught = await #expect(throws: SessionError.self) {
                let session = try await MCPSession.connect(.http(url: url, bearer: bearer), timeout: .seconds(60))
                await session.close()
            }
        }
        return caught
    }

    @Test("an HTML page is a protocol violation quoting it")
    func htmlPage() async throws {
        let error = try await connectionError(path: "/garbage")
        #expect(error?.description.contains("text/html") == true)
        #expect(error?.description.contains("Sign in to continue") == true)
    }

    @Test("a JSON body that is not JSON-RPC is a protocol violation")
    func notJSON() async throws {
        let error = try await connectionError(path: "/notjson")
        #expect(error?.description.contains("OK then") == true)
    }

    @Test("HTTP 500 shows the status and the body, with the bearer token masked")
    func serverError() async throws {
        let token = Secret("secret-\(UUID().uuidString)")
        let error = try await connectionError(path: "/error", bearer: token)
        let text = error?.description ?? ""
        #expect(text.contains("HTTP 500"))
        #expect(text.contains("internal failure"))
        #expect(text.contains(token.masked))
        #expect(!text.contains(token.revealed))
    }

    @Test("HTTP 401 says to check the token")
    func unauthorized() async throws {
        let error = try await connectionError(path: "/auth")
        #expect(error?.description.contains("HTTP 401") == true)
        #expect(error?.description.contains("bearer token") == true)
    }

    @Test("an SSE answer in odd chunks with CRLF endings and a comment is read, and the session id kept")
    func splitEvents() async throws {
        try await withLoopbackServer(script: MCPFixtures.misbehavingHTTPScript, path: "/sse-split") { url in
            try await withMCPSession(.http(url: url)) { session in
                #expect(session.serverName == "split")
                let answer = try await session.callTool(name: "anything", arguments: [:])
                #expect(answer.text == "split ok")
            }
        }
    }

    @Test("nothing listening is a clear connection-refused error, quickly")
    func refused() async throws {
        let socket = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        close(socket)  // the port was free a moment ago and nothing listens on it now
        let port = UInt16(bigEndian: address.sin_port)
        let started = ContinuousClock.now
        let error = await #expect(throws: SessionError.self) {
            _ = try await MCPSession.connect(.http(url: URL(string: "http://127.0.0.1:\(port)/mcp")!), timeout: .seconds(10))
        }
        #expect(error?.description.contains("connection refused") == true)
        #expect(ContinuousClock.now - started < .seconds(45))
    }
}
