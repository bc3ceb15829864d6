import BayshTestSupport
import Foundation
import MCP
import Testing

@testable import BayshCore

#if canImport(Glibc)
    import Glibc
#endif

/// What a hostile server (or a hostile file) must not get from baysh: seconds of CPU for a backtracking pattern,
/// a quadratic editor, a lost error message, gigabytes of memory or disk.
@Suite("Hostile peers: limits", .serialized)
struct HostileLimitsTests {
    // MARK: - Patterns

    static let backtracking: Value = [
        "type": "object",
        "properties": ["values": ["type": "array", "items": ["type": "string", "pattern": "^(a+)+$"]]],
    ]

    /// Twenty values against `^(a+)+$`, each seconds of backtracking: the line's budget is spent once, the rest is
    /// skipped with one warning, and a value that is quick to check is still checked.
    @Test func aBacktrackingPatternCostsOneBudgetPerLine() throws {
        let evil = String(repeating: "a", count: 30) + "!"
        let line = "t " + (0..<20).map { _ in "values=\(evil)" }.joined(separator: " ")
        let started = ContinuousClock.now
        let resolved = try ArgumentResolver(schema: Self.backtracking).resolve(try CallLine.parse(line))
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(5), "took \(elapsed)")
        #expect(resolved.warnings.count == 1)
        #expect(resolved.warnings.first?.message.contains("not checked: matching took over 250 ms") == true)
        #expect(throws: CallLineError.self) {
            try ArgumentResolver(schema: Self.backtracking).resolve(try CallLine.parse("t values=b"))
        }
    }

    /// Ctrl-C stops a pattern check at once, even with a budget far away, and the line is refused.
    @Test func ctrlCStopsAPatternCheck() async throws {
        let budget = PatternBudget(limit: .seconds(600))
        let line = try CallLine.parse("t values[]=" + String(repeating: "a", count: 40) + "!")
        let started = ContinuousClock.now
        Task {
            try await Task.sleep(for: .milliseconds(200))
            budget.interrupt()
        }
        let outcome: Result<ResolvedCall, CallLineError> = PatternBudget.$current.withValue(budget) {
            do throws(CallLineError) {
                return .success(try ArgumentResolver(schema: Self.backtracking).resolve(line))
            } catch { return .failure(error) }
        }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(5), "took \(elapsed)")
        guard case .failure(let error) = outcome else {
            Issue.record("the check was not stopped")
            return
        }
        #expect(error.diagnostics.map(\.message).joined().contains("pattern check stopped by Ctrl-C"))
        #expect(budget.wasInterrupted)
    }

    // MARK: - Hints

    /// The hint of a 1 MB line is computed in one pass (generous bound: the old code never finished a paste of
    /// this size, since it redid this for each of its million keys).
    @Test func hintOfAMegabyteLineCompletes() {
        let tools = ToolIndex([ToolInfo(
            name: "shell",
            inputSchema: ["type": "object", "properties": ["command": ["type": "string"], "cwd": ["type": "string"]],
                "required": ["command"]])])
        let line = "shell command=" + String(repeating: "x", count: 1_000_000) + " "
        let started = ContinuousClock.now
        #expect(Hinter.hint(line: line, tools: tools) == "[cwd:string]")
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    /// A 20 KB line pasted at the prompt comes back at once and runs (the old editor took 56 s: it rebuilt the
    /// hint, reading the whole line, after every pasted key).
    @Test func aPastedTwentyKilobyteLineComesBackAtOnce() throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let terminal = try baysh.terminal(["--yes"])
        try terminal.waitForPrompt()
        let started = ContinuousClock.now
        try terminal.paste("shell command=\"echo " + String(repeating: "y", count: 20_000) + " | wc -c\"\r")
        try terminal.waitFor("20001\n", timeout: .seconds(30))
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(20), "took \(elapsed)")
        // Ctrl-D only once the editor is back: typed earlier, the terminal's line discipline eats it.
        try terminal.waitForPrompt()
        terminal.type("\u{4}")
        _ = try terminal.waitForExit(timeout: .seconds(20))
    }

    // MARK: - JSON-RPC errors

    /// Every JSON-RPC error shows its code and the server's message; -32000, -32001 and -32603 used to become
    /// "Connection closed", "Transport error" and "Internal error", and -32000 claimed the connection failed.
    @Test func jsonRPCErrorsKeepTheirCodeAndMessage() async throws {
        let target = MCPTarget.stdio(
            command: [try MCPFixtures.python, MCPFixtures.hostileServerScript], environment: [:],
            workingDirectory: nil, stderr: .discard)
        try await withMCPSession(target) { session in
            _ = try await session.listTools()
            for code in [-32000, -32001, -32603, -1, 42] {
                let result = try await session.callTool(
                    name: "rpc_error", arguments: ["code": .int(code)], options: CallOptions())
                #expect(result.isError)
                #expect(
                    result.content == [.text(
                        "MCP server 'evil\u{1B}]0;PWNED\u{7}srv' answered with JSON-RPC error \(code): "
                            + "database is locked\u{1B}[2J\u{1B}[H (data: {\"retry\":true})")])
            }
            await #expect(throws: SessionError.self) {
                _ = try await session.callTool(
                    name: "rpc_error", arguments: ["code": .int(-32602)], options: CallOptions())
            }
            // 10 MB of message: cut, with the full size, and the session goes on.
            let huge = try await session.callTool(
                name: "rpc_error", arguments: ["code": .int(-32603), "size": .int(10_000_000)], options: CallOptions())
            guard case .text(let text) = huge.content.first else {
                Issue.record("no text")
                return
            }
            #expect(text.utf8.count < 5000)
            #expect(text.hasSuffix("… (cut; 10.0 MB in all) (data: {\"retry\":true})"))
            let after = try await session.callTool(name: "fail", arguments: [:], options: CallOptions())
            #expect(after.isError)
        }
    }

    /// An error answer to `initialize` keeps the server's code and words too (the SDK's own handshake would say
    /// "Connection closed" for -32000).
    @Test(arguments: [-32000, -32603]) func aRefusedHandshakeSaysWhy(code: Int) async throws {
        let script = MCPFixtures.script("refusing_handshake.py")
        let target = MCPTarget.stdio(
            command: [try MCPFixtures.python, script, String(code)], environment: [:], workingDirectory: nil,
            stderr: .discard)
        do {
            let session = try await MCPSession.connect(target, timeout: .seconds(10))
            await session.close()
            Issue.record("the handshake was refused, yet a session opened")
        } catch let error as SessionError {
            #expect(
                error.description.hasSuffix(
                    "refused the handshake: JSON-RPC error \(code): license expired for this host"),
                "\(error.description)")
        }
    }

    /// Two tools under one name are reported, not dropped silently.
    @Test func duplicateToolNamesAreReported() throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let server = try MCPFixtures.hostileServerCommand
        let run = try baysh.pipedWithin(["--mcp", server, "-c", ":tools"])
        #expect(run.stderr.contains("the server lists tools under the same name: 'echo' (2 times)"), "\(run)")
    }
}
