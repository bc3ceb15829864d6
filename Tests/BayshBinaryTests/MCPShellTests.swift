import BayshTestSupport
import Foundation
import Testing

@testable import BayshCore

/// The real `baysh` binary on the Python MCP fixture server (PyPI `mcp`): `--mcp` and `--config` over stdio,
/// `--url` over streamable HTTP.
@Suite("baysh on MCP servers", .serialized)
struct MCPShellTests {
    static let lines = ["-c", ":tools", "-c", "add a=2 b=3", "-c", "echo text=\"from python\""]

    static func check(_ run: BayshProcess.Outcome) {
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("authorization"))
        #expect(run.stdout.contains("5\n"))
        #expect(run.stdout.contains("from python"))
    }

    @Test func stdioServerFromTheCommandLine() async throws {
        let python = try MCPFixtures.python
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let run = try await baysh.run(
            ["--mcp", "'\(python)' '\(MCPFixtures.pythonServerScript)' stdio", "--server-stderr", "discard"] + Self.lines)
        Self.check(run)
        #expect(!run.stderr.contains("stderr goes to"))
    }

    @Test func stdioServerFromAConfigFile() async throws {
        let python = try MCPFixtures.python
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let config: [String: Any] = [
            "mcpServers": [
                "py": ["command": python, "args": [MCPFixtures.pythonServerScript, "stdio"]],
                "other": ["url": "http://127.0.0.1:9/mcp"],
            ]
        ]
        let file = baysh.path("mcp.json")
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: file))
        let run = try await baysh.run(["--config", file, "--server", "py", "-c", ":session"] + Self.lines)
        Self.check(run)
        #expect(run.stdout.contains("mcp-py"))
        #expect(FileManager.default.fileExists(atPath: baysh.path("state/baysh/logs/py.log")))

        let ambiguous = try await baysh.run(["--config", file, "-c", ":tools"])
        #expect(ambiguous.status == 1)
        #expect(ambiguous.stderr.contains("lists 2 MCP servers (other, py); pick one with --server NAME"))
    }

    @Test func httpServerWithABearerToken() async throws {
        let token = "tok-e2e-0123456789-secret"
        try await withLoopbackServer(script: MCPFixtures.pythonServerScript, arguments: ["http"]) { url in
            var baysh = try BayshProcess()
            baysh.extraEnvironment = ["FIXTURE_TOKEN": token]
            defer { baysh.removeFolders() }
            let run = try await baysh.run(
                ["--url", url.absoluteString, "--bearer-env", "FIXTURE_TOKEN", "--header", "X-Test: 1", "-c",
                    "authorization"] + Self.lines)
            Self.check(run)
            #expect(run.stdout.contains("Bearer " + Secret.mask(token)), "the server saw the token; baysh masks it")
            #expect(!run.stdout.contains(token) && !run.stderr.contains(token))
            let unset = try await baysh.run(["--url", url.absoluteString, "--bearer-env", "NOT_SET", "-c", ":tools"])
            #expect(unset.status == 1)
            #expect(unset.stderr.contains("NOT_SET is not set or empty"))
        }
    }
}
