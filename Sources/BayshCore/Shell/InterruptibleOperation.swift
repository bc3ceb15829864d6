import Synchronization

/// Runs one operation (a tool call, a session request) so that Ctrl-C cancels it and a second Ctrl-C, or a
/// cancel the operation does not honour within a grace period, leaves it behind and returns at once. The session
/// itself stays usable: backends honour Task cancellation and drop the abandoned answer.
struct InterruptibleOperation<Value: Sendable>: Sendable {
    /// How the operation ended.
    enum Outcome: Sendable {
        case finished(Result<Value, any Error>)
        /// Ctrl-C twice, or the cancel was not honoured in time.
        case abandoned
    }

    var interrupts: InterruptSignal
    /// How long a cancelled operation may take to stop before the shell stops waiting.
    var graceAfterCancel: Duration = .seconds(5)

    /// Runs `operation`; `onCancel` runs on the first Ctrl-C (to say "cancelling…").
    func run(
        onCancel: @escaping @Sendable () -> Void, _ operation: @escaping @Sendable () async throws -> Value
    ) async -> Outcome {
        let task = Task { try await operation() }
        let gate = Gate()
        let presses = Mutex(0)
        let grace = graceAfterCancel
        return await interrupts.whileHandling({
            let count = presses.withLock { count in
                count += 1
                return count
            }
            if count == 1 {
                // Say "cancelling…" first: once cancelled, the call may end and print its outcome at once.
                onCancel()
                task.cancel()
                Task {
                    try? await Task.sleep(for: grace)
                    gate.open(with: .abandoned)
                }
            } else {
                gate.open(with: .abandoned)
            }
        }) {
            await withCheckedContinuation { continuation in
                gate.wait(continuation)
                Task { gate.open(with: .finished(await task.result)) }
            }
        }
    }

    /// Resumes the waiting continuation exactly once, with whichever outcome comes first.
    private final class Gate: Sendable {
        private let state = Mutex<(waiter: CheckedContinuation<Outcome, Never>?, outcome: Outcome?)>((nil, nil))

        func wait(_ continuation: CheckedContinuation<Outcome, Never>) {
            let ready = state.withLock { state -> Outcome? in
                if let outcome = state.outcome { return outcome }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }

        func open(with outcome: Outcome) {
            let waiter = state.withLock { state -> CheckedContinuation<Outcome, Never>? in
                guard state.outcome == nil else { return nil }
                state.outcome = outcome
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: outcome)
        }
    }
}
