import Foundation

/// The actions that keep a session alive or put it to sleep: RefreshSessionIdleTime (the SDK's `keep_alive`),
/// PauseSessionAsync and ResumeSessionAsync (`beta_pause`/`beta_resume`, which poll GetSession until the session
/// is `PAUSED`/`RUNNING`).
extension AgentBayClient {
    /// RefreshSessionIdleTime: restarts the session's idle timer. The answer is an envelope only; a missing or false
    /// `Success` is a failure, as in the SDK. Unknown session → ``SessionError/notFound(_:)``.
    public func refreshIdleTime(_ sessionId: String, timeouts: Timeouts? = nil) async throws {
        let envelope = try await notFoundAsTyped(sessionId) {
            try await send("RefreshSessionIdleTime", ["SessionId": sessionId], timeouts: timeouts)
        }
        try Self.requireSuccess(envelope, action: "RefreshSessionIdleTime")
    }

    /// PauseSessionAsync: starts pausing; the session shows `PAUSING`, then `PAUSED`.
    public func pauseSession(_ sessionId: String) async throws -> String? {
        let envelope = try await notFoundAsTyped(sessionId) {
            try await send("PauseSessionAsync", ["SessionId": sessionId])
        }
        try Self.requireSuccess(envelope, action: "PauseSessionAsync")
        return envelope.requestId
    }

    /// ResumeSessionAsync: starts resuming; the session shows `RESUMING`, then `RUNNING`.
    public func resumeSession(_ sessionId: String) async throws -> String? {
        let envelope = try await notFoundAsTyped(sessionId) {
            try await send("ResumeSessionAsync", ["SessionId": sessionId])
        }
        try Self.requireSuccess(envelope, action: "ResumeSessionAsync")
        return envelope.requestId
    }

    /// Polls GetSession until its `Status` is `target`, as the SDK's beta_pause/beta_resume do. `ERROR`/`FAILED`,
    /// an ended state or the deadline end the wait with an error; other errors are polled through, like the SDK.
    public func waitForStatus(
        _ sessionId: String, target: String, polling: AgentBayPausePolling
    ) async throws -> String {
        let clock = ContinuousClock()
        let start = clock.now
        while true {
            let status: String?
            do {
                status = try await getSession(sessionId).status ?? "UNKNOWN"
            } catch let error as SessionError {
                switch error {
                case .notFound, .cancelled: throw error
                default:
                    logger.debug("status poll failed", metadata: ["error": .string(Redactor.shared.redact("\(error)"))])
                    status = nil
                }
            }
            if let status {
                if status == target { return status }
                if ["ERROR", "FAILED"].contains(status) || SessionStatus.endedStates.contains(status) {
                    throw SessionError.api(
                        code: "SessionStatus.\(status)", message: "session \(sessionId) is \(status), not \(target)",
                        requestId: nil, httpStatus: nil)
                }
            }
            if clock.now - start >= polling.timeout {
                throw SessionError.timedOut(operation: "waiting for session \(sessionId) to be \(target)", after: polling.timeout)
            }
            do { try await Task.sleep(for: polling.interval) } catch {
                throw SessionError.cancelled(operation: "waiting for session \(sessionId) to be \(target)")
            }
        }
    }

    /// An envelope-only answer must say `Success:true` (the envelope parser already turned error codes into errors).
    private static func requireSuccess(_ envelope: AgentBayEnvelope, action: String) throws {
        guard envelope.success == true else {
            throw SessionError.api(
                code: envelope.code.flatMap { $0.isEmpty ? nil : $0 } ?? "\(action).Failed",
                message: envelope.message.flatMap { $0.isEmpty ? nil : $0 } ?? "the answer did not say Success",
                requestId: envelope.requestId, httpStatus: envelope.httpStatus)
        }
    }
}

/// How `pause`/`resume` poll for the final state (the SDK: every 2 s for up to 600 s).
public struct AgentBayPausePolling: Sendable, Equatable {
    public var interval: Duration
    public var timeout: Duration

    public init(interval: Duration = .seconds(2), timeout: Duration = .seconds(600)) {
        self.interval = interval
        self.timeout = timeout
    }

    public static let standard = AgentBayPausePolling()
}
