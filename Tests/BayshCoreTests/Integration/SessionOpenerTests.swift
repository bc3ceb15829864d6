import BayshTestSupport
import Foundation
import Testing

@testable import BayshCore

/// The mapping from command-line values to a backend: which flag combinations are refused, which backend is
/// chosen, and what MCP target and AgentBay settings come out, without opening anything.
@Suite("SessionOpener")
struct SessionOpenerTests {
    /// A request in a clean environment and a folder with no `.env` above it (so the developer's key cannot leak in).
    static func request(_ change: (inout SessionRequest) -> Void = { _ in }) -> SessionRequest {
        var request = SessionRequest()
        request.environment = ["HOME": "/nonexistent", "XDG_STATE_HOME": "/nonexistent/state"]
        request.workingDirectory = URL(fileURLWithPath: "/")
        change(&request)
        return request
    }

    static func refusal(_ request: SessionRequest) -> String? {
        do {
            try SessionOpener.validate(request)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func refusesTwoBackendsAndFlagsOfAnotherBackend() {
        #expect(Self.refusal(Self.request { $0.mcpCommand = "x"; $0.url = "http://h/" })?
            .contains("--mcp and --url choose different backends") == true)
        #expect(Self.refusal(Self.request { $0.agentBay = true; $0.local = true })?.contains("--local and --agentbay") == true)
        #expect(Self.refusal(Self.request { $0.url = "http://h/"; $0.workspace = URL(fileURLWithPath: "/tmp") })?
            .contains("--workspace is for a local session; it does not go with --url") == true)
        #expect(Self.refusal(Self.request { $0.mcpCommand = "x"; $0.sessionId = "s" })?.contains("--session-id") == true)
        #expect(Self.refusal(Self.request { $0.mcpCommand = "x"; $0.imageId = "i" })?.contains("--image is for AgentBay") == true)
        #expect(Self.refusal(Self.request { $0.url = "http://h/"; $0.mcpEnvironment = ["A": "1"] })?
            .contains("--env is for an MCP server baysh starts") == true)
        #expect(Self.refusal(Self.request { $0.mcpCommand = "x"; $0.bearerVariable = "T" })?
            .contains("--bearer-env is for an HTTP MCP server") == true)
        #expect(Self.refusal(Self.request { $0.serverName = "x" })?.contains("add --config FILE") == true)
        #expect(Self.refusal(Self.request { $0.url = "http://h/"; $0.headers = ["no colon"] })?
            .contains("is not 'Name: value'") == true)
        #expect(Self.refusal(Self.request { $0.imageId = "i"; $0.workspace = URL(fileURLWithPath: "/tmp") }) != nil)
        #expect(Self.refusal(Self.request { $0.sessionId = "s"; $0.labels = ["a": "b"] }) != nil)
        #expect(Self.refusal(Self.request { $0.configFile = "f"; $0.serverName = "s"; $0.headers = ["A: b"] }) == nil)
        #expect(Self.refusal(Self.request { $0.agentBay = true; $0.sessionId = "session-1" }) == nil)
    }

    @Test func choosesAgentBayOnlyWhenAKeyOrAnAgentBayFlagSaysSo() throws {
        #expect(SessionOpener.choose(Self.request()).backend == .local)
        #expect(SessionOpener.choose(Self.request { $0.url = "http://h/" }).backend == .mcp)
        #expect(SessionOpener.choose(Self.request { $0.endpoint = "h" }) == .init(backend: .agentbay))
        let keyed = Self.request { $0.environment["AGENTBAY_API_KEY"] = "akm-0123456789abcdef" }
        #expect(SessionOpener.choose(keyed) == .init(backend: .agentbay, reason: "AGENTBAY_API_KEY is set"))
        var local = keyed
        local.local = true
        #expect(SessionOpener.choose(local).backend == .local)
        local = keyed
        local.sessionId = "local-3f2a0000"
        #expect(SessionOpener.choose(local).backend == .local)

        let folder = try TemporaryDirectory()
        let nested = folder.url.appendingPathComponent("a/b")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try "AGENTBAY_API_KEY=akm-fromdotenv-1234\n".write(
            to: folder.url.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
        let dotEnv = Self.request { $0.workingDirectory = nested }
        #expect(SessionOpener.choose(dotEnv).backend == .agentbay)
        #expect(SessionOpener.choose(dotEnv).reason?.hasSuffix("/.env") == true)
    }

    @Test func mcpTargetsFromCommandURLAndConfig() throws {
        let state = try TemporaryDirectory()
        let (stdio, _) = try SessionOpener.mcpTarget(Self.request {
            $0.mcpCommand = "/usr/bin/python3 -u 'my server.py'"
            $0.mcpEnvironment = ["A": "1"]
            $0.mcpWorkingDirectory = "/tmp"
            $0.environment["XDG_STATE_HOME"] = state.path
        })
        #expect(stdio == .stdio(
            command: ["/usr/bin/python3", "-u", "my server.py"], environment: ["A": "1"], workingDirectory: "/tmp",
            stderr: .file(state.path + "/baysh/logs/python3.log")))
        #expect(FileManager.default.fileExists(atPath: state.path + "/baysh/logs"))

        let (http, _) = try SessionOpener.mcpTarget(Self.request {
            $0.url = "http://127.0.0.1:9/mcp"
            $0.headers = ["X-One: 1", "X-Two:two words"]
            $0.bearerVariable = "TOKEN"
            $0.environment["TOKEN"] = "tok-secret-value-123"
        })
        #expect(http == .http(
            url: URL(string: "http://127.0.0.1:9/mcp")!, headers: ["X-One": "1", "X-Two": "two words"],
            bearer: Secret("tok-secret-value-123")))
        #expect(throws: SessionError.self) {
            try SessionOpener.mcpTarget(Self.request { $0.url = "http://h/"; $0.bearerVariable = "UNSET" })
        }
        #expect(throws: SessionError.self) { try SessionOpener.mcpTarget(Self.request { $0.url = "ftp://h/" }) }
        #expect(throws: SessionError.self) { try SessionOpener.mcpTarget(Self.request { $0.mcpCommand = "  " }) }

        let one = state.url.appendingPathComponent("one.json")
        try #"{"mcpServers": {"only": {"command": "srv", "args": ["-v"]}}}"#.write(to: one, atomically: true, encoding: .utf8)
        let (configured, name) = try SessionOpener.mcpTarget(Self.request {
            $0.configFile = one.path
            $0.serverStderr = "discard"
            $0.mcpEnvironment = ["B": "2"]
        })
        #expect(name == "only")
        #expect(configured == .stdio(command: ["srv", "-v"], environment: ["B": "2"], stderr: .discard))

        let two = state.url.appendingPathComponent("two.json")
        try #"{"mcpServers": {"a": {"command": "x"}, "b": {"url": "http://h/"}}}"#
            .write(to: two, atomically: true, encoding: .utf8)
        #expect {
            try SessionOpener.mcpTarget(Self.request { $0.configFile = two.path })
        } throws: { "\($0)".contains("lists 2 MCP servers (a, b); pick one with --server NAME") }
    }

    @Test func agentBayKeyComesFromTheNamedVariableAndIsMasked() throws {
        let config = try SessionOpener.agentBayConfiguration(Self.request {
            $0.apiKeyVariable = "MY_KEY"
            $0.environment["MY_KEY"] = "akm-secret-0123456789abcd"
            $0.endpoint = "http://127.0.0.1:9"
            $0.timeoutMilliseconds = 1500
        })
        #expect(config.apiKey.revealed == "akm-secret-0123456789abcd")
        #expect(config.apiKeySource == "MY_KEY (--api-key-env)")
        #expect(config.timeout == .milliseconds(1500))
        #expect(!config.description.contains("secret-0123456789"))
        #expect {
            try SessionOpener.agentBayConfiguration(Self.request { $0.apiKeyVariable = "MY_KEY" })
        } throws: { "\($0)".contains("MY_KEY is not set or empty") }
    }
}
