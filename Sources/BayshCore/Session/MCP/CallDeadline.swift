import Synchronization

/// A time limit for an MCP request. The SDK's requests wait forever, and awaiting one does not respond to task
/// cancellation, so each is raced against a timer: when the timer or a cancellation wins, `abandon` is run to make the
/// request finish (it sends `notifications/cancelled`, or disconnects during the handshake) and the caller gets
/// ``SessionError/timedOut(operation:after:)`` or ``SessionError/cancelled(operation:)`` at once.
enum CallDeadline {
    static func run<T: Sendable>(
        operation: String, timeout: Duration,
        abandon: @escaping @Sendable () async -> Void,
        body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        if Task.isCancelled { throw SessionError.cancelled(operation: operation) }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                // Ends early when the caller's task is cancelled, which cancels this child too.
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first: T??
            do {
                first = try await group.next()
            } catch {
                group.cancelAll()
                throw error
            }
            if let answer = first ?? nil {
                group.cancelAll()
                return answer
            }
            await abandon()
            group.cancelAll()
            if Task.isCancelled { throw SessionError.cancelled(operation: operation) }
            throw SessionError.timedOut(operation: operation, after: timeout)
        }
    }
}
