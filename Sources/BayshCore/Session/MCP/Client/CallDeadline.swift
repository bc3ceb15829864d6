import Synchronization

/// A time limit for an MCP request. The SDK's requests wait forever, and awaiting one does not respond to task
/// cancellation, so each runs under a timer and a cancellation handler: whichever fires first runs `abandon`, which
/// must make the request finish (it fails the waiting call and sends `notifications/cancelled`, or disconnects during
/// the handshake), and the caller gets ``SessionError/timedOut(operation:after:)`` or
/// ``SessionError/cancelled(operation:)`` at once.
///
/// The timer is a ``DeadlineWatch`` entry rather than a racing task or a dispatch timer: on the hot path (a call
/// answered in well under its limit) arming and disarming it wakes no thread. A task group with a sleeping child cost
/// a fifth of the call rate, and so did a dispatch timer (two wake-ups of libdispatch's manager thread per call).
enum CallDeadline {
    /// Why a request was given up, set once by the timer or the cancellation handler.
    private final class Verdict: Sendable {
        private let reason = Mutex<SessionError?>(nil)

        var current: SessionError? { reason.withLock { $0 } }

        func settle(_ verdict: SessionError, abandon: () -> Void) {
            let first = reason.withLock { reason -> Bool in
                guard reason == nil else { return false }
                reason = verdict
                return true
            }
            if first { abandon() }
        }
    }

    /// - Parameter renewal: When given, the time limit starts again at each ``DeadlineRenewal/renew()`` (a call
    ///   reporting progress), up to ``DeadlineRenewal/capFactor`` times `timeout` in all.
    static func run<T: Sendable>(
        operation: String, timeout: Duration, renewal: DeadlineRenewal? = nil,
        abandon: @escaping @Sendable () -> Void,
        body: () async throws -> T
    ) async throws -> T {
        let verdict = Verdict()
        let expire: @Sendable () -> Void = {
            verdict.settle(.timedOut(operation: operation, after: timeout), abandon: abandon)
        }
        let ticket: DeadlineWatch.Ticket?
        if let renewal {
            renewal.start(timeout: timeout, expire: expire)
            ticket = nil
        } else {
            ticket = DeadlineWatch.shared.arm(after: timeout, action: expire)
        }
        defer {
            if let ticket { DeadlineWatch.shared.disarm(ticket) }
            renewal?.stop()
        }
        do {
            return try await withTaskCancellationHandler {
                try await body()
            } onCancel: {
                verdict.settle(.cancelled(operation: operation), abandon: abandon)
            }
        } catch {
            if let reason = verdict.current { throw reason }
            throw error
        }
    }
}

/// A call's deadline that progress pushes back: each ``renew()`` gives the call its whole time limit again from
/// now, but never past ``capFactor`` times the limit from the start, so a server that reports progress forever is
/// still stopped.
final class DeadlineRenewal: Sendable {
    /// A call that keeps reporting progress may run this many times its time limit.
    static let capFactor = 10

    private struct State {
        var ticket: DeadlineWatch.Ticket?
        var timeout: Duration = .zero
        var cap: ContinuousClock.Instant?
        var expire: (@Sendable () -> Void)?
        /// Set while the user answers a question the server asked during the call.
        var pausedAt: ContinuousClock.Instant?
    }

    private let state = Mutex(State())

    init() {}

    fileprivate func start(timeout: Duration, expire: @escaping @Sendable () -> Void) {
        let ticket = DeadlineWatch.shared.arm(after: timeout, action: expire)
        state.withLock { state in
            state.ticket = ticket
            state.timeout = timeout
            state.cap = .now + timeout * Self.capFactor
            state.expire = expire
        }
    }

    /// Stops the clock while the user answers a question of the server's: a person taking their time must not
    /// time the call out. ``resume()`` starts it again.
    func pause() {
        state.withLock { state in
            guard state.pausedAt == nil, let ticket = state.ticket else { return }
            DeadlineWatch.shared.disarm(ticket)
            state.pausedAt = .now
        }
    }

    /// Starts the clock again after ``pause()`` with the whole time limit; the cap moves by the time paused.
    func resume() {
        state.withLock { state in
            guard let pausedAt = state.pausedAt else { return }
            state.pausedAt = nil
            state.cap = state.cap.map { $0 + (.now - pausedAt) }
        }
        renew()
    }

    /// Starts the time limit again (progress arrived). Does nothing once the call has ended or while paused.
    func renew() {
        state.withLock { state in
            guard state.pausedAt == nil, let old = state.ticket, let expire = state.expire, let cap = state.cap
            else { return }
            let remaining = cap - .now
            guard remaining > .zero else { return }
            DeadlineWatch.shared.disarm(old)
            state.ticket = DeadlineWatch.shared.arm(after: min(state.timeout, remaining), action: expire)
        }
    }

    fileprivate func stop() {
        state.withLock { state in
            if let ticket = state.ticket { DeadlineWatch.shared.disarm(ticket) }
            state.ticket = nil
            state.expire = nil
        }
    }
}
