import Foundation

/// `baysh --replay FILE --fanout N`: opens N sessions of the chosen backend (N per image with `--images`), replays
/// the transcript on each at once, shows a live line on a terminal, then a table (or `--json` lines) on stdout.
/// The status is 0 only when every session passed and none is left over; 130/143 after Ctrl-C/SIGTERM.
public enum FanoutLauncher {
    /// Checks what the fan-out cannot do before anything is created: an existing session or a shared workspace
    /// would make the replays share state, images are AgentBay's, and `--record` would have N writers.
    public static func validate(
        _ request: SessionRequest, plan: FanoutPlan, transcript: TranscriptRequest
    ) throws {
        if plan.count < 1 { throw SessionError.invalidArgument("--fanout needs at least 1 session") }
        if plan.parallel < 1 { throw SessionError.invalidArgument("--parallel needs at least 1") }
        if request.sessionId != nil {
            throw SessionError.invalidArgument("--fanout creates its own sessions; leave out --session-id")
        }
        if request.workspace != nil {
            throw SessionError.invalidArgument(
                "--fanout gives every local session a fresh workspace of its own; leave out --workspace")
        }
        if transcript.record != nil {
            throw SessionError.invalidArgument("--record does not go with --fanout; N replays cannot share one file")
        }
        if plan.images != [nil], SessionOpener.choose(request).backend != .agentbay {
            throw SessionError.invalidArgument("--images is for AgentBay sessions; add --agentbay")
        }
        if request.imageId != nil, plan.images != [nil] {
            throw SessionError.invalidArgument("--image and --images both choose images; use --images a,b")
        }
    }

    /// Runs the fan-out and gives the exit status. `note` receives lines for stderr.
    public static func run(
        request: SessionRequest, plan: FanoutPlan, transcript: Transcript, file: String,
        replayOptions: ReplayOptions, shellOptions: Shell.Options, note: @escaping @Sendable (String) -> Void
    ) async -> Int32 {
        var plan = plan
        let source: any FanoutSessionSource
        let backend = SessionOpener.choose(request).backend
        do {
            try SessionOpener.validate(request)
            if backend == .agentbay {
                if plan.images == [nil] { plan.images = [request.imageId ?? "linux_latest"] }
                let configuration = try SessionOpener.agentBayConfiguration(request)
                note("fan-out on \(configuration)")
                source = AgentBayFanoutSource(configuration: configuration, parallel: plan.parallel)
            } else {
                source = RequestFanoutSource(request: request)
            }
        } catch {
            note("\(error)")
            return 1
        }
        let engine = FanoutEngine(
            plan: plan, source: source, transcript: transcript, file: file, replayOptions: replayOptions,
            shellOptions: shellOptions)
        let label = "\(FanoutPlan.runLabel)=\(plan.runId)"
        let images = plan.images.compactMap { $0 }
        note("fan-out \(plan.runId): \(plan.total) \(backend.rawValue) sessions"
            + (images.count > 1 ? " (\(plan.count) per image: \(images.joined(separator: ", ")))"
                : images.first.map { " (image \($0))" } ?? "")
            + ", \(plan.parallel) at a time, labelled \(label)")

        // A closed pipe (`… | head`) must end the table quietly, not kill baysh before it deleted the sessions.
        signal(SIGPIPE, SIG_IGN)
        let live = LiveLine(enabled: TerminalText.isTerminal(STDERR_FILENO))
        let runTask = Task { await engine.run() }
        let signals = FanoutSignals(
            stop: { number in
                live.clear()
                note("\(number == SIGINT ? "Ctrl-C" : "SIGTERM"): stopping; deleting the sessions created"
                    + (number == SIGINT ? " (Ctrl-C again to stop waiting)" : ""))
                runTask.cancel()
            },
            leave: {
                live.clear()
                let alive = engine.aliveSessions
                note(alive.isEmpty
                    ? "stopped waiting; no session was left"
                    : "stopped waiting; still being deleted: \(alive.joined(separator: ", "))"
                        + (source.cleanUpCommand(label: engine.runLabel).map { "; delete them later with: \($0)" }
                            ?? ""))
            })
        let ticker = Task {
            while !Task.isCancelled {
                live.show(engine.counts.line)
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        let report = await runTask.value
        ticker.cancel()
        live.clear()
        signals.cancel()
        await source.finish()

        if replayOptions.json {
            for result in report.results { TerminalText.write(result.jsonLine + "\n", to: STDOUT_FILENO) }
        } else {
            TerminalText.write(table(report.results).joined(separator: "\n") + "\n", to: STDOUT_FILENO)
        }
        note(summary(report, label: label))
        if !report.swept.isEmpty {
            note("deleted \(report.swept.count) session(s) of the run found afterwards: "
                + report.swept.joined(separator: ", "))
        }
        if !report.leftOver.isEmpty {
            note("NOT deleted: \(report.leftOver.joined(separator: ", "))"
                + (source.cleanUpCommand(label: engine.runLabel).map { "; delete them with: \($0)" } ?? ""))
        }
        if let number = signals.stoppedBy { return 128 + number }
        return report.allPassed ? 0 : 1
    }

    /// SESSION, IMAGE, RESULT, TIME, DETAIL.
    static func table(_ results: [FanoutResult]) -> [String] {
        let rows = results.map { result in
            [result.sessionId ?? "#\(result.slot.index) (none)", result.slot.image ?? "-",
             result.passed ? "passed" : "FAILED", result.elapsed.shortText,
             result.problem ?? (result.capacityRefusals > 0 ? "waited for quota \(result.capacityRefusals)×" : "")]
        }
        return TextTable.lines([["SESSION", "IMAGE", "RESULT", "TIME", "DETAIL"]] + rows)
    }

    /// `24 sessions: 23 passed, 1 failed in 5.21 s (run r-…; all deleted)`.
    static func summary(_ report: FanoutEngine.Report, label: String) -> String {
        let passed = report.results.filter(\.passed).count
        let failed = report.results.count - passed
        let created = report.results.filter { $0.sessionId != nil }.count
        let waits = report.results.reduce(0) { $0 + $1.capacityRefusals }
        return "\(report.results.count) sessions: \(passed) passed, \(failed) failed in \(report.elapsed.shortText) "
            + "(\(created) created, " + (report.leftOver.isEmpty ? "all deleted" : "\(report.leftOver.count) NOT deleted")
            + (waits > 0 ? ", \(waits) quota/throttling refusals waited out" : "") + "; \(label))"
    }
}
