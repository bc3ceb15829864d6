import BayshCore
import Foundation

/// RefreshSessionIdleTime, PauseSessionAsync and ResumeSessionAsync, and the rules a paused session follows.
extension FakeBackend {
    /// The three lifecycle actions. A refresh restarts the idle timer of a running session; pause goes
    /// `RUNNING → PAUSING → PAUSED` and resume `PAUSED → RESUMING → RUNNING`, each transition shown for
    /// ``FakeOptions/transitionPolls`` status polls. A session in the wrong state gets `InvalidSession.Status`.
    func lifecycleAction(_ action: String, _ id: String?) -> HTTPResponseMessage {
        let outcome = state.withLock { state -> Result<Void, FakeStatusRefusal>? in
            guard let id, var session = state.sessions[id] else { return nil }
            let (from, to) =
                switch action {
                case "RefreshSessionIdleTime": ("RUNNING", "RUNNING")
                case "PauseSessionAsync": ("RUNNING", "PAUSING")
                default: ("PAUSED", "RESUMING")
                }
            guard session.status == from else {
                return .failure(FakeStatusRefusal(status: session.status, wanted: from))
            }
            session.status = to
            session.transitionPollsLeft = state.options.transitionPolls
            if to == "RUNNING" { session.lastActivity = .now }
            state.sessions[id] = session
            return .success(())
        }
        switch outcome {
        case nil: return sessionNotFound(id)
        case .success: return success([:])
        case .failure(let refusal): return statusError(refusal)
        }
    }

    /// Nil when the session exists and runs; else not-found, or a status error for a paused (or pausing,
    /// resuming) one, which is still there and must not look deleted.
    func refuseUnlessRunning(_ id: String?) -> HTTPResponseMessage? {
        let status = state.withLock { state in id.flatMap { state.sessions[$0]?.status } }
        switch status {
        case "RUNNING": return nil
        case let status? where !["DELETING", "FINISH"].contains(status):
            return statusError(FakeStatusRefusal(status: status, wanted: "RUNNING"))
        default: return sessionNotFound(id)
        }
    }

    /// A tool call reached the session: its idle timer starts again.
    func touch(_ id: String?) {
        guard let id else { return }
        state.withLock { state in state.sessions[id]?.lastActivity = .now }
    }

    private func statusError(_ refusal: FakeStatusRefusal) -> HTTPResponseMessage {
        error(
            400, "InvalidSession.Status",
            "The session is \(refusal.status); this operation needs a \(refusal.wanted) session.")
    }
}

/// Why a lifecycle action was refused: the session's state and the one the action needs.
struct FakeStatusRefusal: Error {
    var status: String
    var wanted: String
}
