import Foundation

/// The meta commands about the session's life: `:status`, `:pause`, `:resume`, `:new`.
extension MetaCommand {
    static let status = MetaCommand(
        name: "status", summary: "ask the session for its state and how long it has been idle",
        help: """
            Asks the session for its state (AgentBay: RUNNING, PAUSING, PAUSED, RESUMING, DELETING, FINISH; a local
            session is RUNNING) and shows how long it has been idle, when it would be released, and the keep-alive.
            An MCP server has no session state: it lives as long as the connection.
            """
    ) { shell, _ in
        switch await shell.request(label: "status", { try await $0.status() }) {
        case .success(let (status, _)):
            let lifecycle = shell.session.lifecycle
            var rows: [[String]] = [["state:", status.state]]
            if let idle = status.idleFor {
                rows.append(["idle:", DurationParsing.text(idle)
                    + (lifecycle.lastCall == nil ? " (no call yet; counted from opening)" : " since the last call")])
            }
            rows += lifecycleRows(lifecycle, now: Date(), idleTimerFor: status.idleTimerFor)
            if let requestId = status.requestId { rows.append(["request id:", requestId]) }
            return .lines(TextTable.lines(rows).joined(separator: "\n"))
        case .failure(let failure):
            return .failure(failure.message)
        }
    }

    static let pause = MetaCommand(
        name: "pause", summary: "pause the session until :resume",
        help: """
            Pauses an AgentBay session (PauseSessionAsync) and waits until it is PAUSED. While it is paused, calls
            are not sent and the keep-alive rests; :resume wakes it.
            """
    ) { shell, _ in
        switch await shell.request(label: "pausing", { try await $0.pause() }) {
        case .success:
            return .note("session \(shell.session.sessionId) is paused; calls are not sent until :resume")
        case .failure(let failure):
            return .failure("pause failed: \(failure.message)")
        }
    }

    static let resume = MetaCommand(
        name: "resume", summary: "resume a paused session",
        help: "Resumes a paused AgentBay session (ResumeSessionAsync) and waits until it is RUNNING again."
    ) { shell, _ in
        switch await shell.request(label: "resuming", { try await $0.resume() }) {
        case .success:
            return .note("session \(shell.session.sessionId) is running again")
        case .failure(let failure):
            return .failure("resume failed: \(failure.message)")
        }
    }

    static let new = MetaCommand(
        name: "new", summary: "open a fresh session with the same image and labels",
        help: """
            Opens a fresh AgentBay session with the image, labels, idle timeout, max runtime and keep-alive of the
            current one, and switches to it. The current one is let go of as on exit: deleted when baysh created it
            (unless :keep), left running when attached. baysh never does this by itself when a session is gone.
            """
    ) { shell, invocation in
        guard invocation.arguments.isEmpty else { return .failure(":new takes no arguments") }
        return await shell.openFreshSession()
    }

    /// The idle release, max runtime, keep-alive and expected end, as `:session` and `:status` show them.
    static func lifecycleRows(
        _ lifecycle: SessionLifecycle, now: Date, idleTimerFor: Duration? = nil
    ) -> [[String]] {
        guard lifecycle.applies else {
            return [["lifecycle:", "none: the session lives as long as baysh's connection to it"]]
        }
        var rows: [[String]] = []
        let text = DurationParsing.text
        if let idle = lifecycle.idleTimeout {
            var release = "after \(text(idle)) idle" + (lifecycle.idleTimeoutAssumed ? " (the server's default)" : "")
            if let idleTimerFor { release += "; idle timer at \(text(idleTimerFor))" }
            rows.append(["idle release:", release])
            rows.append(["max runtime:", lifecycle.maxRuntime.map(text) ?? "the server's default"])
        } else {
            rows.append(["idle release:", "none (never released for being idle)"])
            rows.append(["max runtime:", lifecycle.maxRuntime.map(text) ?? "none"])
        }
        if let period = lifecycle.keepAlivePeriod {
            var keepAlive = "every \(text(period)) without a call"
            if let last = lifecycle.lastRefresh { keepAlive += ", last \(text(.between(last, now))) ago" }
            if lifecycle.paused { keepAlive += " (resting while paused)" }
            if let problem = lifecycle.refreshProblem { keepAlive += "; the last refresh failed: \(problem)" }
            rows.append(["keep-alive:", keepAlive])
        } else if let reason = lifecycle.keepAliveOffReason {
            rows.append(["keep-alive:", "off (\(reason))"])
        } else if lifecycle.idleTimeout != nil {
            rows.append(["keep-alive:", "stopped"])
        }
        rows.append(["ends:", ending(lifecycle, now: now)])
        return rows
    }

    private static func ending(_ lifecycle: SessionLifecycle, now: Date) -> String {
        if let reason = lifecycle.goneReason { return "already gone: \(reason)" }
        var text = ""
        if let end = lifecycle.ending() {
            text = "\(end.at.formatted(.iso8601)) (in \(DurationParsing.text(.between(now, end.at)))), by \(end.cause)"
        } else if lifecycle.keepAlivePeriod != nil {
            text = "when deleted (the keep-alive holds off the idle release)"
        } else {
            text = "when deleted"
        }
        return lifecycle.paused ? text + "; paused now (:resume)" : text
    }
}
