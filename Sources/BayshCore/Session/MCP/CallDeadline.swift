import Dispatch
import Synchronization

/// A time limit for an MCP request. The SDK's requests wait forever, and awaiting one does not respond to task
/// cancellation, so each runs under a timer and a cancellation handler: whichever fires first runs `abandon`, which
/// must make the request finish (it fails the waiting call and sends `notifications/cancelled`, or disconnects during
/// the handshake), and the caller gets ``SessionError/timedOut(operation:after:)`` or
/// ``SessionError/cancelled(operation:)`` at once.
///
/// A dispatch timer rather than a racing task: on the hot path (a call answered in well under its limit) arming
/// and cancelling it wakes no thread, where a task group with a sleeping child cost a fifth of the call rate.
enum CallDeadline {
    private static let timers = DispatchQueue(label: "baysh.mcp.deadlines")

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
        let timer = DispatchSource.makeTimerSource(queue: timers)
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        timer.schedule(deadline: .now() + .nanoseconds(Int(clamping: nanoseconds)))
        timer.setEventHandler {
            verdict.settle(.timedOut(operation: operation, after: timeout), abandon: abandon)
        }
        timer.activate()
        defer { timer.cancel() }
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
