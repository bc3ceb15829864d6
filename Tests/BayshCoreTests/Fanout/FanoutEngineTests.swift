import AgentBayFake
import BayshTestSupport
import Foundation
import Testing

@testable import BayshCore

/// The fan-out engine against the AgentBay fake on 127.0.0.1 (boot delay and quota as the issue sets them) and
/// against local sessions: speed, quota waits, the first difference, and that every session created is deleted.
@Suite("Fan-out engine", .serialized)
struct FanoutEngineTests {
    static let key = "akm-fan00000-1111-2222-3333-44445555f00d"

    /// Two echo calls, recorded.
    static let transcript = TranscriptReader().parse("""
        > echo text=hello
        hello
        > echo text=again
        again

        """)

    static func withFake(
        _ capacity: FakeCapacity, _ body: (AgentBayFake, AgentBayConfiguration) async throws -> Void
    ) async throws {
        let fake = AgentBayFake(apiKey: key)
        fake.capacity = capacity
        try fake.start()
        defer { fake.stop() }
        let config = try AgentBayConfiguration.resolve(
            apiKey: key, endpoint: fake.endpoint, timeoutMilliseconds: 10_000, environment: [:],
            workingDirectory: URL(fileURLWithPath: "/"))
        try await body(fake, config)
    }

    static func engine(
        _ plan: FanoutPlan, _ source: any FanoutSessionSource, transcript: Transcript = transcript
    ) -> FanoutEngine {
        FanoutEngine(
            plan: plan, source: source, transcript: transcript, file: "t.txt", replayOptions: ReplayOptions(check: true))
    }

    /// 24 sessions, quota 12, 1.5 s per create: one after another that is at least 24 × 1.5 s = 36 s of creates
    /// alone, so "well under a quarter" means under 9 s.
    @Test(.timeLimit(.minutes(1))) func twentyFourSessionsRunInAFractionOfTheSerialTime() async throws {
        try await Self.withFake(FakeCapacity(bootDelay: .milliseconds(1500), quota: 12)) { fake, config in
            let plan = FanoutPlan(count: 24)
            #expect(plan.parallel == 8)
            let source = AgentBayFanoutSource(configuration: config, parallel: plan.parallel)
            let report = await Self.engine(plan, source).run()
            await source.finish()
            #expect(report.results.count == 24)
            #expect(report.results.allSatisfy { $0.passed }, "\(report.results.compactMap(\.problem))")
            #expect(report.elapsed < .seconds(9), "took \(report.elapsed)")
            #expect(Set(report.results.compactMap(\.sessionId)).count == 24)
            #expect(fake.sessionsCreated == 24)
            #expect(fake.sessionsDeleted == 24)
            #expect(fake.sessionIds.isEmpty, "every session is gone: \(fake.sessionIds)")
            #expect(fake.peakRunningSessions <= 12)
            #expect(report.swept.isEmpty && report.leftOver.isEmpty && report.allPassed)
            // A request that changes something goes on a connection of its own, so a lost answer is never sent
            // again (issue 12); everything read-only shares one pool of keep-alive connections for the whole run.
            let readOnly = AgentBayRetryPolicy.readOnlyActions.reduce(0) { $0 + fake.requests($1) }
            let mutating = fake.totalRequests - readOnly
            #expect(readOnly >= 24, "\(readOnly) read-only requests")
            #expect(fake.connectionsAccepted - mutating < 24, "\(fake.connectionsAccepted) connections, \(mutating) mutating")
        }
    }

    /// 40 sessions, 16 at a time against a quota of 8: creates are refused and retried until slots free up.
    @Test(.timeLimit(.minutes(1))) func quotaRefusalsAreWaitedOutAndEverySessionIsDeleted() async throws {
        try await Self.withFake(FakeCapacity(bootDelay: .milliseconds(100), quota: 8)) { fake, config in
            let plan = FanoutPlan(count: 40, parallel: 16)
            let source = AgentBayFanoutSource(configuration: config, parallel: plan.parallel)
            let report = await Self.engine(plan, source).run()
            await source.finish()
            #expect(report.results.allSatisfy { $0.passed }, "\(report.results.compactMap(\.problem))")
            #expect(fake.quotaRefusals > 0)
            #expect(report.results.reduce(0) { $0 + $1.capacityRefusals } == fake.quotaRefusals)
            #expect(fake.sessionsCreated == 40)
            #expect(fake.sessionsDeleted == 40)
            #expect(fake.runningSessions == 0)
            #expect(fake.peakRunningSessions <= 8)
        }
    }

    /// A quota that never frees up ends at the creation deadline with a clear message, and deletes nothing twice.
    @Test(.timeLimit(.minutes(1))) func aQuotaThatNeverFreesEndsAtTheDeadline() async throws {
        try await Self.withFake(FakeCapacity(quota: 1)) { fake, config in
            let blocker = fake.addSession()
            let plan = FanoutPlan(count: 2, creationDeadline: .milliseconds(800))
            let source = AgentBayFanoutSource(configuration: config, parallel: plan.parallel)
            let report = await Self.engine(plan, source).run()
            await source.finish()
            #expect(report.results.allSatisfy { !$0.passed && $0.sessionId == nil })
            #expect(report.results.allSatisfy { $0.problem?.contains("no capacity within") == true })
            #expect(report.results.allSatisfy { $0.problem?.contains(FakeCapacity.quotaCode) == true })
            #expect(fake.sessionIds == [blocker], "the session of another run is left alone")
        }
    }

    @Test(.timeLimit(.minutes(1))) func theFirstDifferenceAndErrorsAreReported() async throws {
        try await Self.withFake(FakeCapacity()) { fake, config in
            let differing = TranscriptReader().parse("""
                > echo text=hello
                hullo
                > fail message=boom
                boom

                """)
            let plan = FanoutPlan(count: 3, images: ["linux_latest", "code_latest"])
            let source = AgentBayFanoutSource(configuration: config, parallel: plan.parallel)
            let report = await Self.engine(plan, source, transcript: differing).run()
            await source.finish()
            #expect(report.results.map(\.slot.image) == Array(repeating: "linux_latest", count: 3)
                + Array(repeating: "code_latest", count: 3))
            for result in report.results {
                #expect(!result.passed)
                #expect(result.problem == "line 1 (echo text=hello): differs, got \"hello\"")
            }
            #expect(!report.allPassed)
            #expect(fake.sessionIds.isEmpty)
        }
    }

    /// Cancelling (what Ctrl-C and SIGTERM do) mid-create still deletes everything, including sessions whose create
    /// answer never arrived: the sweep finds them by the run's label.
    @Test(.timeLimit(.minutes(1))) func cancellingMidCreateLeavesNothingBehind() async throws {
        try await Self.withFake(FakeCapacity(bootDelay: .milliseconds(1500))) { fake, config in
            let plan = FanoutPlan(count: 6, parallel: 6)
            let source = AgentBayFanoutSource(configuration: config, parallel: plan.parallel)
            let engine = Self.engine(plan, source)
            let run = Task { await engine.run() }
            let deadline = ContinuousClock.now + .seconds(10)
            while fake.sessionsCreated < 6, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            run.cancel()
            let report = await run.value
            await source.finish()
            #expect(fake.sessionsCreated == 6)
            #expect(report.results.allSatisfy { !$0.passed })
            #expect(report.swept.count == 6, "the lost creates are found by label")
            #expect(fake.runningSessions == 0)
            #expect(report.leftOver.isEmpty)
        }
    }

    /// Local sessions: each in a workspace of its own (a file written by one is not seen by another), all
    /// deleted afterwards.
    @Test(.timeLimit(.minutes(1))) func localSessionsHaveTheirOwnWorkspaces() async throws {
        let folder = try TemporaryDirectory()
        let transcript = TranscriptReader().parse("""
            > shell command="ls"

            > write_file path=mine.txt content=x
            Successfully wrote 1 bytes to mine.txt
            > shell command="ls"
            mine.txt

            """)
        var request = SessionRequest(dataHome: folder.url)
        request.local = true
        let plan = FanoutPlan(count: 4)
        let report = await Self.engine(plan, RequestFanoutSource(request: request), transcript: transcript).run()
        #expect(report.results.allSatisfy { $0.passed }, "\(report.results.compactMap(\.problem))")
        #expect(Set(report.results.compactMap(\.sessionId)).count == 4)
        #expect(try LocalSession.list(dataHome: folder.url).isEmpty)
    }

    /// `baysh sessions --delete` on local sessions: label filter, age filter, delete.
    @Test func localCleanupByLabelAndAge() async throws {
        let folder = try TemporaryDirectory()
        let left = try LocalSession.create(labels: ["baysh-run": "r-gone"], dataHome: folder.url)
        let other = try LocalSession.create(labels: ["baysh-run": "r-other"], dataHome: folder.url)
        let young = try SessionCleanup.local(labels: ["baysh-run": "r-gone"], olderThan: .seconds(3600), dataHome: folder.url)
        #expect(young.candidates.isEmpty)
        let later = Date().addingTimeInterval(7200)
        let found = try SessionCleanup.local(
            labels: ["baysh-run": "r-gone"], olderThan: .seconds(3600), now: later, dataHome: folder.url)
        #expect(found.candidates.map(\.id) == [left.sessionId])
        #expect(await SessionCleanup.deleteLocal(found.candidates.map(\.id), dataHome: folder.url).isEmpty)
        #expect(try LocalSession.list(dataHome: folder.url).map(\.id) == [other.sessionId])
        try await other.delete(syncContext: false)
    }

    @Test func planAndArguments() {
        #expect(FanoutPlan(count: 3).parallel == 3)
        #expect(FanoutPlan(count: 100).parallel == 8)
        #expect(FanoutPlan(count: 2, parallel: 40).parallel == 2)
        #expect(FanoutPlan(count: 2, images: ["a", "b"]).slots.map(\.image) == ["a", "a", "b", "b"])
        #expect(FanoutPlan(count: 2, images: ["a", "b"]).slots.map(\.index) == [1, 2, 3, 4])
        #expect(DurationArgument.parse("90s") == .seconds(90))
        #expect(DurationArgument.parse("2h") == .seconds(7200))
        #expect(DurationArgument.parse("250ms") == .milliseconds(250))
        #expect(DurationArgument.parse("1.5") == .milliseconds(1500))
        #expect(DurationArgument.parse("-1s") == nil && DurationArgument.parse("soon") == nil)
        #expect(AgentBayFanoutSource.isCapacityRefusal(code: "Throttling.User", message: "", httpStatus: 400))
        #expect(AgentBayFanoutSource.isCapacityRefusal(code: FakeCapacity.quotaCode, message: "", httpStatus: 400))
        #expect(!AgentBayFanoutSource.isCapacityRefusal(code: "InvalidApiKey", message: "bad key", httpStatus: 403))
        var counts = FanoutCounts()
        (counts.total, counts.created, counts.passed, counts.failed, counts.creating) = (24, 12, 9, 1, 3)
        #expect(counts.line == "12/24 sessions · 9 passed · 1 failed · 3 creating")
        #expect(FanoutResult.cell("a\u{1B}[31mb\nc") == "a\u{FFFD}[31mb c")
    }
}
