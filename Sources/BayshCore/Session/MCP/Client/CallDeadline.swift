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

    static func run<T: Sendable>(
        operation: String, timeout: Duration,
        abandon: @escaping @Sendable () -> Void,
        body: () async throws -> T
    ) async throws -> T {
        let verdict = Verdict()
        let ticket = DeadlineWatch.shared.arm(after: timeout) {
            verdict.settle(.timedOut(operation: operation, after: timeout), abandon: abandon)
        }
        defer { DeadlineWatch.shared.disarm(ticket) }
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
