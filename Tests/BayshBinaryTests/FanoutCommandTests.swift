import AgentBayFake
import BayshTestSupport
import Foundation
import Testing

@testable import BayshCore

/// `baysh --replay FILE --fanout N` and `baysh sessions --delete` as a user runs them: the real binary against the
/// AgentBay fake on 127.0.0.1, signals included.
@Suite("Fan-out command", .serialized)
struct FanoutCommandTests {
    static let key = "akm-fan00000-1111-2222-3333-44445555cafe"

    static func withFake(
        _ capacity: FakeCapacity = FakeCapacity(), options: FakeOptions = FakeOptions(),
        _ body: (AgentBayFake, BayshProcess) async throws -> Void
    ) async throws {
        let fake = AgentBayFake(apiKey: key, options: options)
        fake.capacity = capacity
        try fake.start()
        var baysh = try BayshProcess()
        baysh.extraEnvironment = ["AGENTBAY_ENDPOINT": fake.endpoint, "AGENTBAY_API_KEY": key]
        defer {
            fake.stop()
            baysh.removeFolders()
        }
        try """
            > echo text=hello
            hello
            > echo text=again
            again

            """.write(toFile: baysh.path("ok.txt"), atomically: true, encoding: .utf8)
        try await body(fake, baysh)
    }

    @Test(.timeLimit(.minutes(1))) func tableJSONAndExitStatus() async throws {
        try await Self.withFake { fake, baysh in
            let run = try await baysh.run(["--replay", "ok.txt", "--check", "--fanout", "3"])
            #expect(run.status == 0, "\(run.stderr)")
            let rows = run.stdout.split(separator: "\n")
            #expect(rows.first?.hasPrefix("SESSION") == true)
            #expect(rows.dropFirst().count == 3 && rows.dropFirst().allSatisfy { $0.contains("passed") })
            #expect(run.stderr.contains("3 sessions: 3 passed, 0 failed"))
            #expect(run.stderr.contains("all deleted"))
            let labels = try #require(fake.lastParameters("CreateMcpSession")?["Labels"])
            #expect(labels.contains("\"baysh-run\":\"r-") && labels.contains("baysh-started"))
            #expect(fake.sessionIds.isEmpty)

            let json = try await baysh.run(["--replay", "ok.txt", "--check", "--fanout", "2", "--json"])
            #expect(json.status == 0, "\(json.stderr)")
            let objects = try json.stdout.split(separator: "\n").map { line in
                try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            }
            #expect(objects.count == 2)
            #expect(objects.allSatisfy { $0["passed"] as? Bool == true && ($0["session"] as? String)?.hasPrefix("session-") == true })
            #expect(objects.map { $0["index"] as? Int } == [1, 2])

            try "> echo text=hello\nhullo\n".write(toFile: baysh.path("bad.txt"), atomically: true, encoding: .utf8)
            let bad = try await baysh.run(["--replay", "bad.txt", "--check", "--fanout", "2", "--images", "a,b"])
            #expect(bad.status == 1)
            #expect(bad.stdout.contains("FAILED") && bad.stdout.contains("differs, got \"hello\""))
            #expect(bad.stdout.contains(" a ") && bad.stdout.contains(" b "))
            #expect(bad.stderr.contains("4 sessions: 0 passed, 4 failed"))
            #expect(fake.sessionIds.isEmpty)

            let usage = try await baysh.run(["--fanout", "2"])
            #expect(usage.status == 2)
            #expect(usage.stderr.contains("--fanout N replays a transcript; add --replay FILE"))
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: [SIGINT, SIGTERM])
    func aSignalMidCreateDeletesEverySessionCreated(_ signalNumber: Int32) async throws {
        try await Self.withFake(FakeCapacity(bootDelay: .seconds(3))) { fake, baysh in
            let (process, stdin) = try baysh.start(["--replay", "ok.txt", "--fanout", "4"])
            defer { try? stdin.fileHandleForWriting.close() }
            try await BayshProcess.waitUntil("four creates arrived") { fake.sessionsCreated == 4 }
            kill(process.processIdentifier, signalNumber)
            try await BayshProcess.wait(for: process, timeout: .seconds(20))
            let stderr = try String(contentsOfFile: baysh.path("run.err"), encoding: .utf8)
            #expect(process.terminationStatus == 128 + signalNumber, "\(stderr)")
            #expect(stderr.contains(signalNumber == SIGINT ? "Ctrl-C: stopping" : "SIGTERM: stopping"))
            #expect(stderr.contains("4 sessions: 0 passed, 4 failed"))
            #expect(fake.runningSessions == 0, "nothing leaks: \(fake.sessionIds)")
        }
    }

    @Test(.timeLimit(.minutes(1))) func sigtermDeletesAndASecondCtrlCNamesWhatIsLeft() async throws {
        // Deleting takes 30 polls of a second: long enough to press Ctrl-C again while it goes on.
        try await Self.withFake(options: FakeOptions(deletingPolls: 30)) { fake, baysh in
            try "> sleep ms=20000\n".write(toFile: baysh.path("slow.txt"), atomically: true, encoding: .utf8)
            let (process, stdin) = try baysh.start(["--replay", "slow.txt", "--fanout", "2"])
            defer { try? stdin.fileHandleForWriting.close() }
            try await BayshProcess.waitUntil("both sessions replay") { fake.requests("CallMcpTool") == 2 }
            kill(process.processIdentifier, SIGTERM)
            try await BayshProcess.waitUntil("the deletes started") { fake.requests("DeleteSessionAsync") == 2 }
            kill(process.processIdentifier, SIGINT)
            try await BayshProcess.wait(for: process, timeout: .seconds(20))
            let stderr = try String(contentsOfFile: baysh.path("run.err"), encoding: .utf8)
            #expect(process.terminationStatus == 130, "\(stderr)")
            #expect(stderr.contains("SIGTERM: stopping"))
            #expect(stderr.contains("still being deleted: session-"))
            #expect(stderr.contains("baysh sessions --agentbay --delete --label baysh-run=r-"))
            #expect(fake.runningSessions == 0, "both deletes were sent")
        }
    }

    @Test(.timeLimit(.minutes(1))) func sessionsDeleteCleansUpWhatACrashLeft() async throws {
        try await Self.withFake { fake, baysh in
            let old = String(Int(Date().timeIntervalSince1970) - 7200)
            let young = String(Int(Date().timeIntervalSince1970) - 60)
            let stale = fake.addSession(labels: ["baysh-run": "r-crashed", "baysh-started": old])
            let recent = fake.addSession(labels: ["baysh-run": "r-crashed", "baysh-started": young])
            let undated = fake.addSession(labels: ["baysh-run": "r-crashed"])
            let other = fake.addSession(labels: ["baysh-run": "r-other", "baysh-started": old])

            let unasked = try await baysh.run(["sessions", "--agentbay", "--delete", "--label", "baysh-run=r-crashed"])
            #expect(unasked.status == 1)
            #expect(unasked.stderr.contains("add --yes to delete without asking"))
            #expect(fake.runningSessions == 4)

            let aged = try await baysh.run([
                "sessions", "--agentbay", "--delete", "--label", "baysh-run=r-crashed", "--older-than", "1h", "--yes",
            ])
            #expect(aged.status == 0, "\(aged.stderr)")
            #expect(aged.stdout.contains(stale) && !aged.stdout.contains(recent))
            #expect(aged.stderr.contains("deleted \(stale)"))
            #expect(aged.stderr.contains("1 matching session(s) left alone: no baysh-started label"))
            #expect(fake.status(ofSession: stale) != "RUNNING")

            let all = try await baysh.run(["sessions", "--agentbay", "--delete", "--label", "baysh-run=r-crashed", "--yes"])
            #expect(all.status == 0, "\(all.stderr)")
            #expect(fake.status(ofSession: recent) != "RUNNING" && fake.status(ofSession: undated) != "RUNNING")
            #expect(fake.status(ofSession: other) == "RUNNING")

            let refused = try await baysh.run(["sessions", "--delete"])
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("--delete needs at least one --label"))
        }
    }

    /// N stdio servers (a process and a log file each) and N connections to one HTTP server.
    @Test(.timeLimit(.minutes(1))) func mcpServersOverStdioAndHTTP() async throws {
        let python = try MCPFixtures.python
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        try "> add a=2 b=3\n5\n> echo text=hi\nhi\n".write(toFile: baysh.path("mcp.txt"), atomically: true, encoding: .utf8)
        let stdio = try await baysh.run([
            "--mcp", "'\(python)' '\(MCPFixtures.pythonServerScript)' stdio", "--replay", "mcp.txt", "--check",
            "--fanout", "2",
        ])
        #expect(stdio.status == 0, "\(stdio.stdout)\n\(stdio.stderr)")
        #expect(stdio.stderr.contains("2 sessions: 2 passed, 0 failed"))
        #expect(Set(stdio.stdout.split(separator: "\n").dropFirst().map { $0.prefix(12) }).count == 2)
        let logs = try FileManager.default.contentsOfDirectory(atPath: baysh.path("state/baysh/logs"))
        let runFolder = try #require(logs.first { $0.hasPrefix("fanout-r-") })
        #expect(try FileManager.default.contentsOfDirectory(atPath: baysh.path("state/baysh/logs/" + runFolder)).sorted()
            == ["1.log", "2.log"])

        try await withLoopbackServer(script: MCPFixtures.pythonServerScript, arguments: ["http"]) { url in
            let http = try await baysh.run(["--url", url.absoluteString, "--replay", "mcp.txt", "--check", "--fanout", "4"])
            #expect(http.status == 0, "\(http.stdout)\n\(http.stderr)")
            #expect(http.stderr.contains("4 sessions: 4 passed, 0 failed"))
        }
    }

    /// On a terminal, one line on stderr redrawn in place shows the run's state; it is cleared before the table.
    @Test(.timeLimit(.minutes(1))) func aLiveLineOnATerminal() async throws {
        try await Self.withFake(FakeCapacity(bootDelay: .milliseconds(800), quota: 2)) { fake, baysh in
            let terminal = try baysh.terminal(
                ["--replay", baysh.path("ok.txt"), "--check", "--fanout", "4", "--parallel", "3"])
            // The line is redrawn as states change; how many are creating at one moment depends on timing, so the
            // test looks for the states, not for one exact mix of them.
            try terminal.waitFor("0/4 sessions · 0 passed · 0 failed · ")
            try terminal.waitFor(" creating")
            try terminal.waitFor("waiting for quota")
            let rest = try terminal.waitFor("4 sessions: 4 passed, 0 failed")
            #expect(rest.contains("SESSION"))
            #expect(try terminal.waitForExit() == 0)
            #expect(fake.sessionIds.isEmpty)
        }
    }
}
