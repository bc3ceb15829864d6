import Foundation

/// get_status, beta_pause/beta_resume, the session's lifecycle facts, a fresh session for `:new`, and the rule
/// that a session AgentBay no longer knows is reported as gone and never silently replaced.
extension AgentBaySession {
    public var lifecycle: SessionLifecycle { keeper.snapshot }

    /// GetSessionDetail's state, plus how long the session has been idle as baysh saw it. An ended state
    /// (`DELETING`, `DELETED`, `FINISH`) marks the session gone.
    public func status() async throws -> SessionStatus {
        let state = try await guarded { try await client.sessionStatus(sessionId) }
        if SessionStatus.endedStates.contains(state) {
            keeper.markGone("its state is \(state)")
        } else {
            // A resuming session does not take calls yet either.
            keeper.setPaused(SessionStatus.pausedStates.contains(state))
        }
        let facts = keeper.snapshot
        let now = Date()
        return SessionStatus(
            state: state, idleFor: .between(facts.lastCall ?? facts.openedAt, now),
            idleTimerFor: facts.lastActivity.map { .between($0, now) })
    }

    /// PauseSessionAsync, then GetSession until `PAUSED`. Calls are refused (not sent) from the moment the pause
    /// is accepted; the keep-alive rests meanwhile.
    public func pause() async throws -> SessionStatus {
        let requestId = try await guarded {
            let requestId = try await client.pauseSession(sessionId)
            keeper.setPaused(true)
            _ = try await client.waitForStatus(sessionId, target: "PAUSED", polling: keeper.options.pausePolling)
            return requestId
        }
        return SessionStatus(state: "PAUSED", requestId: requestId)
    }

    /// ResumeSessionAsync, then GetSession until `RUNNING`; the idle timer starts again from here.
    public func resume() async throws -> SessionStatus {
        let requestId = try await guarded {
            let requestId = try await client.resumeSession(sessionId)
            _ = try await client.waitForStatus(sessionId, target: "RUNNING", polling: keeper.options.pausePolling)
            return requestId
        }
        keeper.setPaused(false)
        keeper.noteActivity(call: false)
        return SessionStatus(state: "RUNNING", requestId: requestId)
    }

    /// A new session with this one's image, labels (as last known) and lifecycle settings, on the same endpoint.
    public func openSuccessor() async throws -> any Session {
        var labels = knownLabels.withLock { $0 }
        if labels == nil, keeper.goneReason == nil { labels = try? await self.labels() }
        return try await AgentBaySession.create(
            config: client.configuration, imageId: imageId, labels: labels ?? [:], retryPolicy: client.retryPolicy,
            deletePolling: deletePolling, lifecycle: keeper.options, logger: client.logger)
    }

    /// Runs one request for this session: refused (not sent) once the session is known to be gone, and a
    /// not-found answer for it marks it gone and becomes ``SessionError/sessionGone(sessionId:reason:)``.
    @discardableResult
    func guarded<T>(_ body: () async throws -> T) async throws -> T {
        if let reason = keeper.goneReason { throw SessionError.sessionGone(sessionId: sessionId, reason: reason) }
        do {
            return try await body()
        } catch let error as SessionError {
            guard let code = Self.sessionMissingCode(error, sessionId: sessionId) else { throw error }
            keeper.markGone(Self.goneReason(code: code))
            throw SessionError.sessionGone(sessionId: sessionId, reason: keeper.goneReason ?? Self.goneReason(code: code))
        }
    }

    /// Why a session is gone when AgentBay answers not-found for it.
    static func goneReason(code: String) -> String {
        "AgentBay answered \(code): it was released (idle timeout or max runtime) or deleted elsewhere"
    }

    /// The error code when `error` says this session does not exist; nil for any other error.
    private static func sessionMissingCode(_ error: SessionError, sessionId: String) -> String? {
        switch error {
        case .notFound(let message) where message.hasPrefix("AgentBay session \(sessionId) not found"):
            return "InvalidMcpSession.NotFound"
        case .api(let code, let message, _, _) where AgentBayClient.isSessionNotFound(code: code, message: message):
            return code
        default:
            return nil
        }
    }
}
