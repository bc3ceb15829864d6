import AgentBayFake
import BayshTestSupport
import Foundation
import Testing

@testable import BayshCore

/// The real `baysh` binary keeping AgentBay sessions alive, pausing them, and meeting sessions that vanished,
/// against the fake in this process (its tools are a local session's).
@Suite("baysh AgentBay session lifecycle", .serialized)
struct AgentBayLifecycleShellTests {
    /// A baysh reading a script from a pipe, written line by line so the test can pause between lines.
    struct PipedRun {
        let baysh: BayshProcess
        let process: Process
        let stdin: Pipe

        init(_ baysh: BayshProcess, _ arguments: [String]) throws {
            self.baysh = baysh
            (process, stdin) = try baysh.start(arguments)
        }

        func send(_ lines: String...) {
            stdin.fileHandleForWriting.write(Data(lines.map { $0 + "\n" }.joined().utf8))
        }

        /// Closes stdin and waits for the end.
        func finish() async throws -> BayshProcess.Outcome {
            try stdin.fileHandleForWriting.close()
            try await BayshProcess.wait(for: process, timeout: .seconds(60))
            return BayshProcess.Outcome(
                status: process.terminationStatus,
                stdout: try String(contentsOfFile: baysh.path("run.out"), encoding: .utf8),
                stderr: try String(contentsOfFile: baysh.path("run.err"), encoding: .utf8))
        }
    }

    static func occurrences(of text: String, in output: String) -> Int {
        output.components(separatedBy: text).count - 1
    }

    /// Issue 17's case: a 4 s idle release and 10 s without a command. The keep-alive holds the session, and
    /// stops when baysh exits (the kept session then gets no refresh).
    @Test func tenSecondsAtRestWithAFourSecondIdleTimeoutKeepTheSession() async throws {
        try await AgentBayShellTests.withFake { fake, baysh in
            let run = try PipedRun(baysh, ["--idle-timeout", "4s", "--keep"])
            run.send(#"shell command="echo before""#)
            try await BayshProcess.waitUntil("the first call") { fake.requests("CallMcpTool") == 1 }
            let id = try #require(fake.sessionIds.first)
            #expect(fake.idleTimeout(ofSession: id) == .seconds(4))
            try await Task.sleep(for: .seconds(10))
            #expect(fake.status(ofSession: id) == "RUNNING")
            run.send(":status", #"shell command="echo after""#, ":session")
            let outcome = try await run.finish()
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(outcome.stdout.contains("before\n") && outcome.stdout.contains("after\n"))
            #expect(outcome.stdout.contains("RUNNING"))
            #expect(outcome.stdout.contains("after 4 s idle"))
            #expect(outcome.stdout.contains("every 1.3 s without a call"))
            #expect(outcome.stdout.contains("when deleted (the keep-alive holds off the idle release)"))
            let refreshes = fake.requests("RefreshSessionIdleTime")
            #expect(refreshes >= 6, "a refresh every 1.33 s over 10 s")
            #expect(fake.requests("CreateMcpSession") == 1)
            try await Task.sleep(for: .seconds(2))
            #expect(fake.requests("RefreshSessionIdleTime") == refreshes, "no refresh once baysh has exited")
        }
    }

    /// Without keep-alive the session is released as the issue found it; baysh says so once, with the id, sends
    /// nothing more to it, creates nothing by itself, and `:new` opens the same kind of session on request.
    @Test func aReleasedSessionIsReportedOnceAndReplacedOnlyOnRequest() async throws {
        try await AgentBayShellTests.withFake { fake, baysh in
            let run = try PipedRun(
                baysh, ["--idle-timeout", "1s", "--no-keepalive", "--label", "team=infra", "--image", "code_latest"])
            run.send(#"shell command="echo one""#)
            try await BayshProcess.waitUntil("the first call") { fake.requests("CallMcpTool") == 1 }
            let first = try #require(fake.sessionIds.first)
            try await BayshProcess.waitUntil(timeout: .seconds(5), "the idle release") {
                fake.releaseReason(ofSession: first) != nil
            }
            run.send(#"shell command="echo two""#, #"shell command="echo three""#, ":new", #"shell command="echo four""#)
            let outcome = try await run.finish()
            #expect(outcome.status == 1, "the refused calls count as failed lines")
            #expect(Self.occurrences(of: "session \(first) is gone (AgentBay answered InvalidMcpSession.NotFound", in: outcome.stderr) == 1)
            #expect(Self.occurrences(of: "baysh does not replace it by itself", in: outcome.stderr) == 1)
            #expect(outcome.stderr.contains("not sent: session \(first) is gone; :new opens a fresh session"))
            #expect(fake.requests("CallMcpTool") == 3, "one, two (answered not found), four")
            #expect(!outcome.stdout.contains("three"))
            #expect(outcome.stdout.contains("four\n"))
            #expect(fake.requests("CreateMcpSession") == 2)
            let second = try #require(fake.lastParameters("CreateMcpSession"))
            #expect(second["Labels"]?.contains("infra") == true && second["ImageId"] == "code_latest")
            #expect(second["Timeout"] == "1")
            #expect(outcome.stderr.contains("opened session session-"))
            #expect(!outcome.stderr.contains("could not delete"))
        }
    }

    /// The keep-alive finds the session deleted while baysh waits for input: the next command is followed by the
    /// notice, once; the call after it is not sent; exit has nothing to delete.
    @Test func theKeepAliveFindsADeletedSessionAndTheShellSaysSoOnce() async throws {
        try await AgentBayShellTests.withFake { fake, baysh in
            let run = try PipedRun(baysh, ["--idle-timeout", "1s"])
            run.send(#"shell command="echo one""#)
            try await BayshProcess.waitUntil("the first call") { fake.requests("CallMcpTool") == 1 }
            let id = try #require(fake.sessionIds.first)
            let refreshes = fake.requests("RefreshSessionIdleTime")
            fake.removeSession(id)
            try await BayshProcess.waitUntil(timeout: .seconds(5), "a refresh after the removal") {
                fake.requests("RefreshSessionIdleTime") > refreshes
            }
            // The fake counted the refresh on arrival; give baysh a moment to read the not-found answer.
            try await Task.sleep(for: .milliseconds(300))
            run.send(":tools", #"shell command="echo two""#)
            let outcome = try await run.finish()
            #expect(outcome.status == 1, "the refused call counts as a failed line")
            #expect(Self.occurrences(of: "baysh does not replace it by itself", in: outcome.stderr) == 1)
            #expect(outcome.stderr.contains("session \(id) is gone (AgentBay answered InvalidMcpSession.NotFound"))
            #expect(outcome.stderr.contains("(seen by the keep-alive)"))
            #expect(outcome.stderr.contains("not sent: session \(id) is gone"))
            #expect(outcome.stderr.contains("session \(id) was already gone, so there was nothing to delete"))
            #expect(fake.requests("CallMcpTool") == 1)
            #expect(fake.requests("CreateMcpSession") == 1)
            #expect(fake.requests("DeleteSessionAsync") == 0)
        }
    }

    /// Deleted behind baysh's back: exit has nothing to delete and says so, without failing.
    @Test func exitAfterTheSessionWasDeletedElsewhereIsNotAFailure() async throws {
        try await AgentBayShellTests.withFake { fake, baysh in
            let run = try PipedRun(baysh, [])
            run.send(#"shell command="echo one""#)
            try await BayshProcess.waitUntil("the first call") { fake.requests("CallMcpTool") == 1 }
            let id = try #require(fake.sessionIds.first)
            fake.removeSession(id)
            run.send(":session")
            let outcome = try await run.finish()
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(outcome.stderr.contains(
                "session \(id) was already gone (AgentBay answered InvalidMcpSession.NotFound: it was released "
                    + "(idle timeout or max runtime) or deleted elsewhere), so there was nothing to delete"))
            #expect(!outcome.stderr.contains("could not delete"))
            #expect(fake.requests("CreateMcpSession") == 1)

            // :delete of a session deleted elsewhere ends baysh the same way.
            let again = try PipedRun(baysh, [])
            again.send(#"shell command="echo one""#)
            try await BayshProcess.waitUntil("the second run's call") { fake.requests("CallMcpTool") == 2 }
            fake.removeSession(try #require(fake.sessionIds.first))
            again.send(":delete", #"shell command="echo never""#)
            let deleted = try await again.finish()
            #expect(deleted.status == 0, "\(deleted.stderr)")
            #expect(deleted.stderr.contains("was already gone (AgentBay answered InvalidMcpSession.NotFound"))
            #expect(fake.requests("CallMcpTool") == 2, "baysh ended at :delete")
            #expect(fake.requests("CreateMcpSession") == 2)
        }
    }

    /// At the prompt the keep-alive works without printing anything; `:pause` shows a spinner until PAUSED, a
    /// call meanwhile is refused, `:resume` brings it back.
    @Test func interactivePauseAndResume() async throws {
        try await AgentBayShellTests.withFake { fake, baysh in
            let terminal = try baysh.terminal(["--idle-timeout", "3s", "--yes"])
            try terminal.waitFor("Ctrl-D exits\n")
            try terminal.waitFor("> ")
            let screen = terminal.visible
            // Nothing is due on screen: reading until the timeout lets any stray output arrive.
            #expect(throws: PseudoTerminal.Failure.self) { try terminal.waitFor("\u{7}", timeout: .milliseconds(2500)) }
            #expect(terminal.visible == screen, "the keep-alive prints nothing at the prompt")
            #expect(fake.requests("RefreshSessionIdleTime") >= 2)

            terminal.type(":pause\r")
            try terminal.waitFor("pausing", timeout: .seconds(10))
            try terminal.waitFor("is paused; calls are not sent until :resume", timeout: .seconds(15))
            let id = try #require(fake.sessionIds.first)
            #expect(fake.status(ofSession: id) == "PAUSED")
            terminal.type(#"shell command="echo x""# + "\r")
            try terminal.waitFor("is paused, so the call was not sent; :resume resumes it")
            terminal.type(":status\r")
            try terminal.waitFor("PAUSED")
            fake.options.transitionPolls = 0
            terminal.type(":resume\r")
            try terminal.waitFor("is running again", timeout: .seconds(15))
            terminal.type(#"shell command="echo back""# + "\r")
            try terminal.waitFor("back\n")
            // Ctrl-D typed before the editor reads again would be taken by the terminal's cooked mode and lost.
            try terminal.waitFor("> ")
            terminal.type("\u{4}")
            #expect(try terminal.waitForExit() == 0)
            #expect(fake.status(ofSession: id) != "RUNNING", "deleted on exit")
            #expect(fake.requests("CallMcpTool") == 1)
        }
    }

    @Test func badDurationsAreUsageErrors() async throws {
        try await AgentBayShellTests.withFake { fake, baysh in
            let noUnit = try await baysh.run(["--idle-timeout", "90", "-c", ":session"])
            #expect(noUnit.status == 2)
            #expect(noUnit.stderr.contains("--idle-timeout '90': '90' has no unit"))
            let minutes = try await baysh.run(["--max-runtime", "90s", "-c", ":session"])
            #expect(minutes.stderr.contains("not a whole number of minutes"))
            #expect(fake.requests("CreateMcpSession") == 0)
        }
    }
}

/// `:status` and friends where a backend has no (or a simpler) lifecycle.
@Suite("baysh lifecycle commands on local and MCP sessions", .serialized)
struct LocalAndMCPLifecycleShellTests {
    @Test func localSessionsRunAndAreNeverReleased() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let run = try await baysh.run(["--local", "-c", ":status", "-c", ":session", "-c", ":pause"])
        #expect(run.status == 1, "the :pause line fails")
        #expect(run.stdout.contains("RUNNING"))
        #expect(run.stdout.contains("none (never released for being idle)"))
        #expect(run.stderr.contains("pause is not available on a local session: only AgentBay sessions can be paused"))
    }

    @Test func anMCPServerHasNoSessionLifecycle() async throws {
        let python = try MCPFixtures.python
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let run = try await baysh.run(
            ["--mcp", "'\(python)' '\(MCPFixtures.pythonServerScript)' stdio", "--server-stderr", "discard",
                "-c", ":session", "-c", ":status", "-c", ":new"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("none: the session lives as long as baysh's connection to it"))
        #expect(run.stderr.contains(
            "status is not available on an MCP session: it has no session state to report: it lives as long as "
                + "baysh's connection to it"))
        #expect(run.stderr.contains("new is not available on an MCP session"))
    }
}
