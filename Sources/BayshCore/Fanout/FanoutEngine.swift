import Foundation
import Synchronization

/// Replays one transcript on many sessions at once.
///
/// At most ``FanoutPlan/parallel`` sessions are being created or replayed at a time; a session's slot is given to
/// the next one as soon as its replay ends, and its deletion goes on beside the others (a delete is mostly waiting
/// for the server to say FINISH). A create refused for capacity (quota, throttling) is tried again with backoff
/// and jitter until ``FanoutPlan/creationDeadline``. Each replay has a shell of its own, with no history file and
/// no terminal: nothing mutable is shared between sessions but the source's connection pool.
///
/// Nothing leaks: every session created is deleted when its replay ends, also when the run is cancelled (Ctrl-C,
/// SIGTERM: cancel the task running ``run()``), since deletes run outside the cancelled task; at the end the
/// source is swept for sessions carrying the run's label, which catches a create whose answer was lost.
public final class FanoutEngine: Sendable {
    public let plan: FanoutPlan
    let source: any FanoutSessionSource
    let transcript: Transcript
    let file: String
    let replayOptions: ReplayOptions
    let shellOptions: Shell.Options
    private let state = Mutex(State())

    private struct State {
        var counts = FanoutCounts()
        /// Sessions created and not yet deleted, by slot.
        var alive: [Int: String] = [:]
    }

    /// - Parameters:
    ///   - shellOptions: the user's shell settings (format, timeouts, `--yes`); history and Ctrl-C handling are
    ///     replaced, and the engine deletes the sessions itself.
    public init(
        plan: FanoutPlan, source: any FanoutSessionSource, transcript: Transcript, file: String,
        replayOptions: ReplayOptions, shellOptions: Shell.Options = Shell.Options()
    ) {
        self.plan = plan
        self.source = source
        self.transcript = transcript
        self.file = file
        self.replayOptions = replayOptions
        var options = shellOptions
        options.historyEnabled = false
        options.settings.keepSession = true
        // A shell of the run never sees the process's Ctrl-C: the launcher cancels the whole run instead.
        self.shellOptions = options
        state.withLock { $0.counts.total = plan.total }
    }

    /// The live line's figures.
    public var counts: FanoutCounts { state.withLock { $0.counts } }

    /// Sessions created and not yet deleted (for the second Ctrl-C).
    public var aliveSessions: [String] { state.withLock { $0.alive.sorted { $0.key < $1.key }.map(\.value) } }

    /// The run's label.
    public var runLabel: (key: String, value: String) { (FanoutPlan.runLabel, plan.runId) }

    /// What became of every session, in slot order, and the ids the final sweep deleted.
    public struct Report: Sendable {
        public var results: [FanoutResult]
        /// Sessions of the run found and deleted after the replays (lost creates).
        public var swept: [String]
        /// Sessions whose delete failed: still alive.
        public var leftOver: [String]
        public var elapsed: Duration

        /// True when every session passed and none is left over.
        public var allPassed: Bool { results.allSatisfy(\.passed) && leftOver.isEmpty }
    }

    /// Runs the whole fan-out. Cancelling the calling task stops creating and replaying, deletes what exists and
    /// still returns the report (the sessions not run count as failed).
    public func run() async -> Report {
        let clock = ContinuousClock()
        let start = clock.now
        let labels = plan.labels(startedAt: Date())
        let deadline = start + plan.creationDeadline
        var results: [Int: FanoutResult] = [:]
        var pending = plan.slots[...]
        await withTaskGroup(of: Finished.self) { group in
            func startNext() {
                guard !Task.isCancelled, let slot = pending.popFirst() else { return }
                group.addTask { await self.replay(slot, labels: labels, deadline: deadline) }
            }
            for _ in 0..<plan.parallel { startNext() }
            while let finished = await group.next() {
                switch finished {
                case .replayed(let result, let session):
                    if let session {
                        group.addTask { await .deleted(self.delete(session, result: result)) }
                    } else {
                        results[result.slot.index] = finish(result)
                    }
                    startNext()
                case .deleted(let result):
                    results[result.slot.index] = finish(result)
                }
            }
        }
        for slot in pending {
            results[slot.index] = finish(FanoutResult(
                slot: slot, sessionId: nil, passed: false, problem: "not started: the run was stopped",
                elapsed: .zero, capacityRefusals: 0, commands: 0))
        }
        // The sweep must run even when the run was cancelled: it is part of the clean-up.
        let source = self.source
        let label = runLabel
        let swept = await Task { await source.sweep(label: label) }.value
        let leftOver = aliveSessions.filter { !swept.contains($0) }
        return Report(
            results: plan.slots.compactMap { results[$0.index] }, swept: swept, leftOver: leftOver,
            elapsed: clock.now - start)
    }

    private enum Finished: Sendable {
        case replayed(FanoutResult, (any Session)?)
        case deleted(FanoutResult)
    }

    private func finish(_ result: FanoutResult) -> FanoutResult {
        state.withLock { state in
            if result.passed { state.counts.passed += 1 } else { state.counts.failed += 1 }
        }
        return result
    }

    /// Creates the session (waiting out capacity refusals) and replays the transcript on it. Gives the session to
    /// delete, if one was created.
    private func replay(
        _ slot: FanoutSlot, labels: [String: String], deadline: ContinuousClock.Instant
    ) async -> Finished {
        let clock = ContinuousClock()
        let started = clock.now
        var result = FanoutResult(
            slot: slot, sessionId: nil, passed: false, problem: nil, elapsed: .zero, capacityRefusals: 0, commands: 0)
        let session: any Session
        switch await create(slot, labels: labels, deadline: deadline, refusals: &result.capacityRefusals) {
        case .failure(let failure):
            result.problem = failure.message
            result.elapsed = clock.now - started
            return .replayed(result, nil)
        case .success(let created):
            session = created
        }
        result.sessionId = session.sessionId
        state.withLock { state in
            state.alive[slot.index] = session.sessionId
            state.counts.created += 1
            state.counts.replaying += 1
        }
        var shellOptions = self.shellOptions
        // Each shell has a Ctrl-C of its own: cancelling the run interrupts every running call, as Ctrl-C would.
        let interrupts = InterruptSignal()
        shellOptions.interrupts = interrupts
        let shell = Shell(
            session: session, editor: PlainLineReader { nil }, writer: TerminalWriter { _, _ in },
            options: shellOptions)
        var options = replayOptions
        // JSON mode keeps each command's printed text in its report, for the first error's message.
        options.json = true
        var firstProblem: String?
        let replay = TranscriptReplay(transcript: transcript, file: file, options: options)
        let summary = await withTaskCancellationHandler {
            _ = await shell.loadTools()
            return await replay.run(in: shell, report: { report in
                if !report.ok, firstProblem == nil { firstProblem = FanoutResult.problem(of: report) }
            })
        } onCancel: {
            interrupts.interrupt()
        }
        result.commands = summary.run
        result.passed = summary.status == 0 && !Task.isCancelled
        result.problem = result.passed
            ? nil : firstProblem ?? (Task.isCancelled ? "stopped: the run was cancelled" : "the replay failed")
        result.elapsed = clock.now - started
        state.withLock { state in
            state.counts.replaying -= 1
            state.counts.deleting += 1
        }
        return .replayed(result, session)
    }

    /// Tries to create the session until it exists, a non-capacity error comes, the deadline would pass, or the
    /// run is cancelled.
    private func create(
        _ slot: FanoutSlot, labels: [String: String], deadline: ContinuousClock.Instant, refusals: inout Int
    ) async -> Result<any Session, CreateFailure> {
        let backoff = RetryBackoff(maxAttempts: .max, baseDelay: .milliseconds(200), maxDelay: .seconds(2))
        var generator = SystemRandomNumberGenerator()
        state.withLock { $0.counts.creating += 1 }
        defer { state.withLock { $0.counts.creating -= 1 } }
        while true {
            if Task.isCancelled { return .failure(CreateFailure("not created: the run was stopped")) }
            do {
                return .success(try await source.open(slot, labels: labels))
            } catch where source.isCapacityRefusal(error) && !Task.isCancelled {
                refusals += 1
                let wait = backoff.delay(afterAttempt: min(refusals, 30), using: &generator)
                if ContinuousClock.now + wait > deadline {
                    return .failure(CreateFailure(
                        "not created: no capacity within \(plan.creationDeadline.shortText) (\(refusals) refusals; "
                            + "last: \(FanoutResult.cell("\(error)", width: 120)))"))
                }
                state.withLock { $0.counts.creating -= 1; $0.counts.waiting += 1 }
                defer { state.withLock { $0.counts.waiting -= 1; $0.counts.creating += 1 } }
                do { try await Task.sleep(for: wait) } catch {
                    return .failure(CreateFailure("not created: the run was stopped"))
                }
            } catch {
                return .failure(CreateFailure("not created: " + FanoutResult.cell("\(error)", width: 160)))
            }
        }
    }

    private struct CreateFailure: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// Deletes the session outside the calling task, so a cancelled run still cleans up.
    private func delete(_ session: any Session, result: FanoutResult) async -> FanoutResult {
        var result = result
        let outcome = await Task { () -> String? in
            do {
                try await session.delete(syncContext: false)
                await session.close()
                return nil
            } catch {
                return "\(error)"
            }
        }.value
        state.withLock { state in
            state.counts.deleting -= 1
            if outcome == nil { state.alive[result.slot.index] = nil }
        }
        if let outcome {
            result.passed = false
            result.problem = (result.problem.map { $0 + "; " } ?? "") + "not deleted: " + FanoutResult.cell(outcome)
        }
        return result
    }
}
