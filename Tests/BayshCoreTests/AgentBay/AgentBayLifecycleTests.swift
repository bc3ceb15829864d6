import AgentBayFake
import BayshTestSupport
import Foundation
import MCP
import Testing

@testable import BayshCore

/// Keep-alive, status, pause/resume and gone sessions of ``AgentBaySession`` against the fake over real HTTP.
/// The idle timeouts here are 1–2 s so the suite stays short; the 4 s / 10 s figures of issue 17 are proved
/// end to end in `AgentBayLifecycleShellTests`.
@Suite("AgentBay session lifecycle", .serialized)
struct AgentBayLifecycleTests {
    static let quickPolls = AgentBayPausePolling(interval: .milliseconds(20), timeout: .seconds(10))

    static func create(
        _ fixture: AgentBayFixture, _ lifecycle: AgentBayLifecycleOptions, labels: [String: String] = [:]
    ) async throws -> AgentBaySession {
        try await AgentBaySession.create(
            config: fixture.configuration, imageId: "code_latest", labels: labels,
            retryPolicy: AgentBayFixture.quickRetries, deletePolling: AgentBayFixture.quickDeletes,
            lifecycle: lifecycle, logger: fixture.logger)
    }

    static let echo: [String: Value] = ["text": "hi"]

    /// Two sessions with a 2 s idle release sit idle for 3 s: the one with keep-alive survives, the one without
    /// is released; after close, no refresh is sent any more.
    @Test func keepAliveOutlastsTheIdleReleaseAndStopsOnClose() async throws {
        try await withAgentBayFake { fixture in
            let kept = try await Self.create(fixture, AgentBayLifecycleOptions(idleTimeout: .seconds(2)))
            let idle = try await Self.create(fixture, AgentBayLifecycleOptions(idleTimeout: .seconds(2), keepAlive: false))
            #expect(fixture.fake.lastParameters("CreateMcpSession")?["Timeout"] == "2")
            #expect(fixture.fake.idleTimeout(ofSession: kept.sessionId) == .seconds(2))
            #expect(kept.lifecycle.keepAlivePeriod == .seconds(2) / 3)
            try await Task.sleep(for: .seconds(3))
            #expect(fixture.fake.status(ofSession: kept.sessionId) == "RUNNING")
            #expect(fixture.fake.releaseReason(ofSession: idle.sessionId) == "idle timeout")
            let refreshes = fixture.fake.requests("RefreshSessionIdleTime")
            #expect(refreshes >= 3, "one refresh per 0.67 s over 3 s")
            let result = try await kept.callTool(name: "echo", arguments: Self.echo)
            #expect(result.text.contains("hi"))
            #expect(kept.lifecycle.lastRefresh != nil && kept.lifecycle.refreshProblem == nil)

            await kept.close()
            let afterClose = fixture.fake.requests("RefreshSessionIdleTime")
            try await Task.sleep(for: .milliseconds(1500))
            #expect(fixture.fake.requests("RefreshSessionIdleTime") == afterClose, "keep-alive stopped on close")
            await idle.close()
        }
    }

    /// A call longer than the idle timeout: the keep-alive refreshes meanwhile, so the session is still there
    /// for the next call (the fake counts a call as activity when it arrives, not while it runs).
    @Test func keepAliveRunsDuringALongCall() async throws {
        try await withAgentBayFake { fixture in
            let session = try await Self.create(fixture, AgentBayLifecycleOptions(idleTimeout: .seconds(1)))
            let slept = try await session.callTool(name: "sleep", arguments: ["ms": 2500])
            #expect(slept.text.contains("slept"))
            #expect(fixture.fake.requests("RefreshSessionIdleTime") >= 3, "every 0.5 s during the 2.5 s call")
            #expect(try await session.callTool(name: "echo", arguments: Self.echo).text.contains("hi"))
            try await session.delete(syncContext: false)
        }
    }

    /// The idle release counts from the last call: calls keep a session alive without refreshes.
    @Test func callsCountAsActivity() async throws {
        try await withAgentBayFake { fixture in
            let session = try await Self.create(fixture, AgentBayLifecycleOptions(idleTimeout: .seconds(1)))
            for _ in 0..<4 {
                _ = try await session.callTool(name: "echo", arguments: Self.echo)
                try await Task.sleep(for: .milliseconds(150))
            }
            #expect(fixture.fake.requests("RefreshSessionIdleTime") == 0, "no refresh while calls flow")
            let status = try await session.status()
            #expect(status.state == "RUNNING")
            #expect(try #require(status.idleFor) < .seconds(1))
            try await session.delete(syncContext: false)
        }
    }

    @Test func pauseAndResumeWaitForTheFinalStateAndCallsWaitMeanwhile() async throws {
        try await withAgentBayFake(options: FakeOptions(transitionPolls: 2)) { fixture in
            let session = try await Self.create(
                fixture, AgentBayLifecycleOptions(pausePolling: Self.quickPolls))
            let paused = try await session.pause()
            #expect(paused.state == "PAUSED")
            #expect(fixture.fake.status(ofSession: session.sessionId) == "PAUSED")
            #expect(fixture.fake.requests("GetSession") == 3, "PAUSING twice, then PAUSED")
            await #expect(throws: SessionError.paused(sessionId: session.sessionId)) {
                _ = try await session.callTool(name: "echo", arguments: Self.echo)
            }
            #expect(fixture.fake.requests("CallMcpTool") == 0, "a call to a paused session is not sent")
            #expect(try await session.status().state == "PAUSED")
            #expect(session.lifecycle.paused)

            let resumed = try await session.resume()
            #expect(resumed.state == "RUNNING")
            #expect(fixture.fake.status(ofSession: session.sessionId) == "RUNNING")
            #expect(try await session.callTool(name: "echo", arguments: Self.echo).text.contains("hi"))
            // Resuming a running session is the server's to refuse, and says why.
            await #expect {
                _ = try await session.resume()
            } throws: { error in
                "\(error)".contains("InvalidSession.Status") && "\(error)".contains("RUNNING")
            }
            try await session.delete(syncContext: false)
        }
    }

    /// Attached to a paused session: calls wait for resume instead of reaching the server.
    @Test func attachingToAPausedSessionKnowsItIsPaused() async throws {
        try await withAgentBayFake(options: FakeOptions(transitionPolls: 0)) { fixture in
            let owner = try await Self.create(fixture, AgentBayLifecycleOptions(pausePolling: Self.quickPolls))
            _ = try await owner.pause()
            let attached = try await AgentBaySession.attach(
                config: fixture.configuration, sessionId: owner.sessionId, retryPolicy: AgentBayFixture.quickRetries,
                lifecycle: AgentBayLifecycleOptions(pausePolling: Self.quickPolls), logger: fixture.logger)
            #expect(attached.lifecycle.paused)
            await #expect(throws: SessionError.paused(sessionId: owner.sessionId)) {
                _ = try await attached.callTool(name: "echo", arguments: Self.echo)
            }
            #expect(fixture.fake.requests("CallMcpTool") == 0)
            _ = try await attached.resume()
            #expect(try await attached.callTool(name: "echo", arguments: Self.echo).text.contains("hi"))
            await attached.close()
            try await owner.delete(syncContext: false)
        }
    }

    /// Deleted behind baysh's back: the next call says so with the id, later calls are not sent, nothing new is
    /// created, and delete has nothing to do.
    @Test func sessionDeletedElsewhereIsGoneAndNotReplaced() async throws {
        try await withAgentBayFake { fixture in
            let session = try await Self.create(fixture, AgentBayLifecycleOptions())
            fixture.fake.removeSession(session.sessionId)
            await #expect {
                _ = try await session.callTool(name: "echo", arguments: Self.echo)
            } throws: { error in
                guard case .sessionGone(let id, let reason) = error as? SessionError else { return false }
                return id == session.sessionId && reason.contains("InvalidMcpSession.NotFound")
            }
            #expect(fixture.fake.requests("CallMcpTool") == 1)
            await #expect(throws: SessionError.self) {
                _ = try await session.callTool(name: "echo", arguments: Self.echo)
            }
            #expect(fixture.fake.requests("CallMcpTool") == 1, "nothing is sent to a session known to be gone")
            #expect(fixture.fake.lastParameters("CallMcpTool")?["AutoGenSession"] == "false")
            await #expect(throws: SessionError.self) { try await session.delete(syncContext: false) }
            #expect(fixture.fake.requests("DeleteSessionAsync") == 0)
            #expect(fixture.fake.requests("CreateMcpSession") == 1)
            #expect(session.lifecycle.goneReason != nil && session.lifecycle.ending() == nil)
            await session.close()
        }
    }

    /// The keep-alive finds a vanished session by itself and stops.
    @Test func keepAliveNoticesAGoneSession() async throws {
        try await withAgentBayFake { fixture in
            let session = try await Self.create(fixture, AgentBayLifecycleOptions(idleTimeout: .seconds(1)))
            fixture.fake.removeSession(session.sessionId)
            try await eventually(timeout: .seconds(3), "the keep-alive notices") { session.lifecycle.goneReason != nil }
            let refreshes = fixture.fake.requests("RefreshSessionIdleTime")
            #expect(refreshes == 1)
            try await Task.sleep(for: .milliseconds(700))
            #expect(fixture.fake.requests("RefreshSessionIdleTime") == refreshes, "no refresh after gone")
            await session.close()
        }
    }

    @Test func createSendsTheLifecycleAndNewOpensTheSameKindOfSession() async throws {
        try await withAgentBayFake { fixture in
            let options = AgentBayLifecycleOptions(idleTimeout: .seconds(90), maxRuntime: .seconds(7200))
            let first = try await Self.create(fixture, options, labels: ["team": "infra"])
            #expect(fixture.fake.lastParameters("CreateMcpSession")?["Timeout"] == "90")
            #expect(fixture.fake.lastParameters("CreateMcpSession")?["MaxRuntime"] == "120")
            #expect(fixture.fake.maxRuntime(ofSession: first.sessionId) == .seconds(7200))
            let lifecycle = first.lifecycle
            #expect(lifecycle.idleTimeout == .seconds(90) && !lifecycle.idleTimeoutAssumed)
            #expect(lifecycle.keepAlivePeriod == .seconds(30))
            #expect(lifecycle.ending()?.cause == "the max runtime")
            fixture.fake.removeSession(first.sessionId)
            _ = try? await first.callTool(name: "echo", arguments: Self.echo)

            let second = try await first.openSuccessor()
            #expect(second.sessionId != first.sessionId)
            #expect(second.descriptor.imageId == "code_latest")
            #expect(fixture.fake.labels(ofSession: second.sessionId) == ["team": "infra"])
            #expect(fixture.fake.idleTimeout(ofSession: second.sessionId) == .seconds(90))
            try await second.delete(syncContext: false)
            await first.close()
        }
    }

    @Test func defaultsWithoutFlags() async throws {
        try await withAgentBayFake { fixture in
            let session = try await Self.create(fixture, AgentBayLifecycleOptions())
            #expect(fixture.fake.lastParameters("CreateMcpSession")?["Timeout"] == nil)
            #expect(fixture.fake.lastParameters("CreateMcpSession")?["MaxRuntime"] == nil)
            let lifecycle = session.lifecycle
            #expect(lifecycle.idleTimeout == .seconds(300) && lifecycle.idleTimeoutAssumed)
            #expect(lifecycle.keepAlivePeriod == .seconds(100))
            #expect(lifecycle.ending() == nil, "kept alive and no cap: it lasts until deleted")
            try await session.delete(syncContext: false)
        }
    }
}

@Suite("Lifecycle of other backends and flags")
struct SessionLifecycleFlagTests {
    @Test func localSessionsRunAndHaveNoIdleRelease() async throws {
        let folder = try TemporaryDirectory()
        let session = try LocalSession.create(dataHome: folder.url)
        let status = try await session.status()
        #expect(status.state == "RUNNING")
        #expect(status.idleFor != nil)
        #expect(session.lifecycle.applies && session.lifecycle.idleTimeout == nil && session.lifecycle.ending() == nil)
        await #expect {
            _ = try await session.pause()
        } throws: { error in
            guard case .unsupported(let operation, let backend, _) = error as? SessionError else { return false }
            return operation == "pause" && backend == .local
        }
        try await session.delete(syncContext: false)
        await #expect(throws: SessionError.self) { _ = try await session.status() }
    }

    @Test(arguments: [
        ("90s", 90_000), ("5m", 300_000), ("1h", 3_600_000), ("1h30m", 5_400_000), ("250ms", 250), (" 2M ", 120_000),
    ])
    func durationsParse(text: String, milliseconds: Int64) throws {
        #expect(try DurationParsing.parse(text, flag: "--idle-timeout") == .milliseconds(milliseconds))
    }

    @Test(arguments: [
        ("", "needs a duration"), ("90", "has no unit"), ("5x", "unknown unit 'x'"), ("m5", "is not a duration"),
        ("0s", "longer than zero"), ("9999999d", "longer than a year"),
    ])
    func badDurationsSayWhy(text: String, expected: String) {
        #expect {
            _ = try DurationParsing.parse(text, flag: "--idle-timeout")
        } throws: { error in
            "\(error)".contains(expected) && "\(error)".contains("--idle-timeout")
        }
    }

    @Test func durationsShowBack() {
        #expect(DurationParsing.text(.seconds(4)) == "4 s")
        #expect(DurationParsing.text(.seconds(300)) == "5 min")
        #expect(DurationParsing.text(.seconds(5430)) == "1 h 30 min 30 s")
        #expect(DurationParsing.text(.milliseconds(250)) == "250 ms")
        #expect(DurationParsing.text(.seconds(4) / 3) == "1.3 s")
        #expect(DurationParsing.text(.milliseconds(9990)) == "10 s")
    }

    @Test func lifecycleFlagsMeanAgentBayAndAreChecked() throws {
        var request = SessionRequest()
        request.environment = [:]
        request.idleTimeout = .seconds(4)
        #expect(SessionOpener.choose(request).backend == .agentbay)
        try SessionOpener.validate(request)

        var local = request
        local.local = true
        #expect(throws: SessionError.invalidArgument(
            "--idle-timeout is for AgentBay sessions; it does not go with --local")) {
            try SessionOpener.validate(local)
        }
        var odd = SessionRequest()
        odd.maxRuntime = .seconds(90)
        #expect { try SessionOpener.validate(odd) } throws: { "\($0)".contains("use 2m") }
        var attach = SessionRequest(sessionId: "session-abc")
        attach.maxRuntime = .seconds(120)
        #expect { try SessionOpener.validate(attach) } throws: { "\($0)".contains("does not go with --session-id") }
        var fraction = SessionRequest()
        fraction.idleTimeout = .milliseconds(1500)
        #expect { try SessionOpener.validate(fraction) } throws: { "\($0)".contains("whole number of seconds") }
        var off = SessionRequest()
        off.environment = [:]
        off.keepAlive = false
        #expect(SessionOpener.choose(off).backend == .agentbay)
    }
}
