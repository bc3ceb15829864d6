import AgentBayFake
import BayshTestSupport
import Foundation
import Testing

@testable import BayshCore

/// Result paths, captures, `:wire`, `:bench` and `:find` through the real `baysh` binary: on a local session, on
/// the Python MCP fixture server (stdio), on the Swift fixture server in a terminal, and on the AgentBay fake.
@Suite("baysh power at the prompt", .serialized)
struct PowerPromptTests {
    static let document = #"{"items":[{"id":41,"name":"a | b"},{"id":42}],"odd key":"yes"}"#

    /// `-c LINE` for each line.
    static func lines(_ lines: [String]) -> [String] {
        lines.flatMap { ["-c", $0] }
    }

    @Test func pathsAndCapturesOnALocalSession() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let run = try await baysh.run(Self.lines([
            "write_file path=d.json content='\(Self.document)'",
            "read_file path=d.json | .items[-1].id",
            "read_file path=d.json | .items[].id",
            #"read_file path=d.json | .["odd key"]"#,
            "read_file path=d.json | .items[0].name",
            "read_file path=d.json | .items | length",
            "read_file path=d.json | keys",
            "d = read_file path=d.json",
            ":explain read_file path=d.json length=$d.items[0].id",
            ":explain read_file path='$d.items' length=$_.items[1].id",
            ":vars",
        ]))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("42\n41\n42\nyes\na | b\n2\n[\n  \"items\",\n  \"odd key\"\n]\n"), "\(run.stdout)")
        // Typed by the schema: read_file's length is an integer, so 41 is sent as a number.
        #expect(run.stdout.contains(#""length" : 41"#))
        #expect(run.stderr.contains("$d.items[0].id → 41"))
        // Quoted text stays literal; $_ is the last result.
        #expect(run.stdout.contains(#""path" : "$d.items""#))
        #expect(run.stdout.contains(#""length" : 42"#))
        #expect(run.stdout.contains(#"$d  an object  {"items":[{"id":41,"name":"a | b"},{"id":42}],"odd key":"yes… (62 bytes)"#))
        #expect(run.stdout.contains("$_  an object"))
    }

    @Test func badPathsAndUnknownCapturesAreClearErrorsWithACaret() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let missing = try await baysh.run(Self.lines([
            "write_file path=d.json content='\(Self.document)'", "read_file path=d.json | .items[0].nmae",
        ]))
        #expect(missing.status == 1)
        // The caret sits under the failing step (column 33 of the line, after the two-space indent).
        #expect(missing.stderr.contains(
            "error: no key 'nmae' here; did you mean 'name'?\n  read_file path=d.json | .items[0].nmae\n"
                + String(repeating: " ", count: 35) + "^~~~~\n"), "\(missing.stderr)")
        let plain = try await baysh.run(Self.lines(["write_file path=p.txt content=hello", "read_file path=p.txt | .a"]))
        #expect(plain.status == 1)
        #expect(plain.stderr.contains(#"error: the result is not JSON (it starts "hello"); a path needs JSON"#))
        let unknown = try await baysh.run(Self.lines(["read_file path=$nothing"]))
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no capture named $nothing (capture one with: NAME = LINE)"))
        #expect(unknown.stderr.contains("\n" + String(repeating: " ", count: 17) + "^~~~~~~~\n"))
        let wire = try await baysh.run(Self.lines([":wire on"]))
        #expect(wire.stderr.contains("this session has no protocol messages to show"))
    }

    @Test func capturesFlowIntoCallsOnAnMCPServerAndReplayFromATranscript() async throws {
        let python = try MCPFixtures.python
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let server = ["--mcp", "'\(python)' '\(MCPFixtures.pythonServerScript)' stdio", "--server-stderr", "discard"]
        let run = try await baysh.run(server + ["--record", "rec.txt"] + Self.lines([
            "x = add a=2 b=3", "add a=$x.result b=10 | .result", "echo text=\"a | b\" | .result",
            ":find add integers", ":bench 20 --concurrency 4 add a=1 b=$x.result", ":bench 3 fail message=boom",
        ]))
        #expect(run.status == 1, "the failing bench counts: \(run.stderr)")
        #expect(run.stdout.contains("15\na | b\n"), "\(run.stdout)")
        #expect(run.stdout.contains("add   Adds two integers."))
        #expect(run.stdout.contains("calls    20\nmin "))
        for label in ["p50", "p95", "p99", "max", "calls/s"] { #expect(run.stdout.contains("\n\(label) ")) }
        #expect(run.stdout.contains("errors   0"))
        #expect(run.stdout.contains("calls    3\n") && run.stdout.contains("errors   3\nfirst error: "))
        let transcript = try String(contentsOfFile: baysh.path("rec.txt"), encoding: .utf8)
        #expect(transcript.contains("> x = add a=2 b=3\n"))
        #expect(transcript.contains("> add a=$x.result b=10 | .result\n15\n"))
        try transcript.replacingOccurrences(of: "> :bench", with: "> :help").write(
            toFile: baysh.path("rec.txt"), atomically: true, encoding: .utf8)
        let trimmed = transcript.components(separatedBy: "> :find")[0]
        try trimmed.write(toFile: baysh.path("chain.txt"), atomically: true, encoding: .utf8)
        let replay = try await baysh.run(server + ["--replay", "chain.txt", "--check"])
        #expect(replay.status == 0, "\(replay.stdout)\n\(replay.stderr)")
        #expect(replay.stderr.contains("3 checked, all match"), "\(replay.stderr)")
    }

    @Test func wireShowsJSONRPCWithSizesAndTimes() async throws {
        let python = try MCPFixtures.python
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let long = String(repeating: "z", count: 2000)
        let run = try await baysh.run(
            ["--mcp", "'\(python)' '\(MCPFixtures.pythonServerScript)' stdio", "--server-stderr", "discard"]
                + Self.lines([":wire on", "add a=1 b=1", "echo text=\(long)", ":wire off", "add a=2 b=2"]))
        #expect(run.status == 0, "\(run.stderr)")
        let wire = run.stderr.split(separator: "\n").filter { $0.hasPrefix("→") || $0.hasPrefix("←") }
        #expect(wire.count == 4, "\(run.stderr)")
        #expect(wire.first?.contains(#""method":"tools/call""#) == true)
        #expect(wire.first?.contains(" bytes at +") == true)
        #expect(wire.dropFirst().first?.hasPrefix("← ") == true)
        #expect(wire.dropFirst().first?.contains(" bytes after ") == true)
        #expect(wire.last?.contains("… (cut; ") == true)
        #expect(wire.last?.contains(" KB in all)") == true)
        #expect(!run.stderr.contains(#""a":2"#), "nothing is shown after :wire off")
    }

    @Test func wireOnStreamableHTTPWithTheBearerMasked() async throws {
        let token = "tok-wire-0123456789-secret"
        try await withLoopbackServer(script: MCPFixtures.pythonServerScript, arguments: ["http"]) { url in
            var baysh = try BayshProcess()
            baysh.extraEnvironment = ["FIXTURE_TOKEN": token]
            defer { baysh.removeFolders() }
            let run = try await baysh.run(
                ["--url", url.absoluteString, "--bearer-env", "FIXTURE_TOKEN"]
                    + Self.lines([":wire on", "authorization", "add a=2 b=3 | .result"]))
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.hasSuffix("5\n"))
            // The 2026 era's listen stream may be acknowledged after `:wire on`: that frame is not the calls'.
            let wire = run.stderr.split(separator: "\n").filter {
                ($0.hasPrefix("→") || $0.hasPrefix("←")) && !$0.contains("notifications/subscriptions/acknowledged")
            }
            #expect(wire.count == 4, "\(run.stderr)")
            #expect(wire.last?.contains(#""structuredContent":{"result":5}"#) == true)
            #expect(!run.stderr.contains(token) && !run.stdout.contains(token))
        }
    }

    @Test func wireOnAgentBayShowsHTTPWithTheKeyMasked() async throws {
        try await AgentBayShellTests.withFake { _, baysh in
            let run = try await baysh.run(Self.lines([
                ":wire on", "shell command=\"echo hi\"", ":wire off", "x = shell command='echo 7' | .stdout",
                "shell command=\"echo got\" | .stdout", ":explain shell command=$x", ":bench 3 shell command=true",
            ]))
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("hi\n7\ngot\n"), "\(run.stdout)")
            #expect(run.stdout.contains(#""command" : "7\n""#))
            #expect(run.stdout.contains("calls    3\n") && run.stdout.contains("errors   0"))
            #expect(run.stderr.contains("→ "))
            #expect(run.stderr.contains("POST http://127.0.0.1"))
            #expect(run.stderr.contains("← ") && run.stderr.contains("HTTP 200"))
            #expect(!run.stderr.contains(AgentBayShellTests.key) && !run.stdout.contains(AgentBayShellTests.key))
        }
    }

    @Test func tabCompletesPathsAndCtrlCStopsABench() throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let server = try MCPFixtures.testServer
        let terminal = try baysh.terminal(["--mcp", server])
        try terminal.waitFor("(server process started by baysh, stopped on exit)")
        try terminal.waitFor("> ")
        terminal.type("echo text='{\"items\":[1,2],\"odd key\":3}'\r")
        try terminal.waitFor("odd key")
        try terminal.waitFor("> ")
        terminal.type("echo text=x | .it\t")
        try terminal.waitFor("| .items")
        // Run it: echo's result is not JSON, which is an error naming the step.
        terminal.type("\r")
        try terminal.waitFor("the result is not JSON")
        try terminal.waitFor("> ")
        terminal.type(":bench 100000000 echo text=hi\r")
        // Some calls are made before Ctrl-C comes.
        Thread.sleep(forTimeInterval: 0.5)
        terminal.type("\u{3}")
        try terminal.waitFor("(stopped by Ctrl-C)", timeout: .seconds(10))
        try terminal.waitFor("errors   0")
        try terminal.waitFor("> ")
        terminal.type(":q\r")
        #expect(try terminal.waitForExit() == 0)
    }
}
