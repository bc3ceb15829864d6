import BayshTestSupport
import Foundation
import MCP
import Testing

@testable import BayshCore

/// `baysh serve` end to end: the real binary as an MCP server, reached by ``MCPSession`` in this process, by raw
/// JSON-RPC lines, and by the real `baysh --mcp` shell.
@Suite("baysh serve", .serialized)
struct ServeTests {
    /// Each test's own data and state folders.
    static func environment(_ folder: TemporaryDirectory) -> [String: String] {
        ["XDG_DATA_HOME": folder.path + "/data", "XDG_STATE_HOME": folder.path + "/state"]
    }

    static func records(_ folder: TemporaryDirectory) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path + "/data/baysh/sessions")) ?? [])
            .filter { $0.hasSuffix(".json") }
    }

    static func text(_ result: ToolResult) -> String {
        result.content.compactMap { if case .text(let text) = $0 { text } else { nil } }.joined()
    }

    @Test func listsAndCallsTheLocalToolsAndDeletesTheSessionOnDisconnect() async throws {
        let folder = try TemporaryDirectory()
        let target = MCPTarget.stdio(
            command: [BayshProcess.binary, "serve", "--label", "from=test"], environment: Self.environment(folder),
            stderr: .file(folder.path + "/serve.log"))
        try await withMCPSession(target) { session in
            let tools = try await session.listTools()
            #expect(tools.count == 13)
            #expect(Set(tools.map(\.name)).isSuperset(of: ["shell", "read_file", "write_file", "get_metrics"]))
            #expect(Self.records(folder).count == 1)

            let written = try await session.callTool(
                name: "write_file", arguments: ["path": "notes.txt", "content": "hello serve"], options: CallOptions())
            #expect(!written.isError)
            let read = try await session.callTool(name: "read_file", arguments: ["path": "notes.txt"], options: CallOptions())
            #expect(Self.text(read) == "hello serve")
            let shell = try await session.callTool(
                name: "shell", arguments: ["command": "cat notes.txt; echo; echo hi"], options: CallOptions())
            #expect(!shell.isError)
            #expect(Self.text(shell).contains("hello serve\\nhi"))

            let escape = try await session.callTool(
                name: "read_file", arguments: ["path": "../../../../etc/passwd"], options: CallOptions())
            #expect(escape.isError)
            #expect(Self.text(escape).contains("leaves the workspace"))
        }
        let log = { (try? String(contentsOfFile: folder.path + "/serve.log", encoding: .utf8)) ?? "" }
        try await BayshProcess.waitUntil("baysh serve said it deleted its session") {
            log().contains("deleted session local-")
        }
        #expect(Self.records(folder).isEmpty)
        #expect(log().contains("baysh serve: serving local session local-"))
    }

    @Test func keepAndAttachLeaveTheSession() async throws {
        let folder = try TemporaryDirectory()
        let env = Self.environment(folder)
        try await withMCPSession(.stdio(command: [BayshProcess.binary, "serve", "--keep"], environment: env)) { session in
            _ = try await session.callTool(
                name: "write_file", arguments: ["path": "kept.txt", "content": "still here"], options: CallOptions())
        }
        try await Task.sleep(for: .milliseconds(300))
        let kept = Self.records(folder)
        #expect(kept.count == 1)
        let id = try #require(kept.first).replacingOccurrences(of: ".json", with: "")
        try await withMCPSession(.stdio(command: [BayshProcess.binary, "serve", "--session-id", id], environment: env)) {
            session in
            let read = try await session.callTool(name: "read_file", arguments: ["path": "kept.txt"], options: CallOptions())
            #expect(Self.text(read) == "still here")
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(Self.records(folder) == kept)
    }

    @Test func serverKilledMidCallGivesServerExited() async throws {
        let folder = try TemporaryDirectory()
        let target = MCPTarget.stdio(command: [BayshProcess.binary, "serve"], environment: Self.environment(folder))
        try await withMCPSession(target) { session in
            let pid = try #require(session.serverProcess?.pid)
            let call = Task {
                try await session.callTool(name: "shell", arguments: ["command": "sleep 20"], options: CallOptions())
            }
            try await Task.sleep(for: .milliseconds(500))
            kill(pid, SIGKILL)
            await #expect {
                _ = try await call.value
            } throws: { error in
                guard case .serverExited = error as? SessionError else { return false }
                return true
            }
        }
    }

    @Test func stdoutCarriesOnlyJSONRPC() async throws {
        let folder = try TemporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BayshProcess.binary)
        process.arguments = ["serve"]
        process.environment = ProcessInfo.processInfo.environment.merging(Self.environment(folder)) { $1 }
        let input = Pipe()
        let output = folder.path + "/out"
        let errors = folder.path + "/err"
        #expect(FileManager.default.createFile(atPath: output, contents: nil))
        #expect(FileManager.default.createFile(atPath: errors, contents: nil))
        process.standardInput = input
        process.standardOutput = FileHandle(forWritingAtPath: output)
        process.standardError = FileHandle(forWritingAtPath: errors)
        try process.run()
        let requests = [
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#,
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"shell","arguments":{"command":"echo loud; echo err >&2"}}}"#,
        ]
        input.fileHandleForWriting.write(Data((requests.joined(separator: "\n") + "\n").utf8))
        try await BayshProcess.waitUntil("three answers") {
            ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").split(separator: "\n").count >= 3
        }
        try input.fileHandleForWriting.close()
        try await BayshProcess.wait(for: process, timeout: .seconds(30))
        #expect(process.terminationStatus == 0)
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["jsonrpc"] as? String == "2.0")
        }
        let stderr = try String(contentsOfFile: errors, encoding: .utf8)
        #expect(stderr.contains("serving local session"))
        #expect(Self.records(folder).isEmpty)
    }

    @Test func theShellReachesServeThroughMCP() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let run = try await baysh.run([
            "--mcp", "'\(BayshProcess.binary)' serve", "-c", ":tools", "-c", "write_file path=a.txt content=via-mcp",
            "-c", "read_file a.txt", "-c", ":session", "-c", "read_file /etc/passwd",
        ])
        #expect(run.status == 1, "the confinement escape fails the run")
        #expect(run.stdout.contains("via-mcp"))
        #expect(run.stdout.contains("get_metrics"))
        let log = baysh.root.appendingPathComponent("state/baysh/logs/baysh.log").path
        #expect(run.stdout.contains("server log:  \(log)") || run.stdout.contains(log))
        #expect(run.stderr.contains("MCP server stderr goes to \(log)"))
        #expect(run.stderr.contains("outside the workspace"))
        try await BayshProcess.waitUntil("the served session is deleted") {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("deleted session local-")
        }
        #expect(baysh.sessionRecords.isEmpty)
    }
}
