import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Makes URLSession tasks only while the client is open. FoundationNetworking stops the whole process ("Session
/// invalidated") when a task is made on a session already invalidated, and `close()` can race a request still
/// under way in the background (a deletion that outlived its time limit, still polling). Making a task and closing
/// take the same lock, so a task is either made before the sessions are invalidated or not at all.
final class SessionGate: Sendable {
    private let open = Mutex(true)

    /// Why a request after ``close(_:)`` was not sent.
    static let closedReason = "the AgentBay client was closed"

    /// Whether ``close(_:)`` has run.
    var isClosed: Bool { open.withLock { !$0 } }

    /// The task `make` builds, or nil once closed.
    func task(_ make: () -> URLSessionDataTask) -> URLSessionDataTask? {
        open.withLock { open in open ? make() : nil }
    }

    /// Closes the gate and runs `invalidate` (the sessions' invalidation) under the same lock, once.
    func close(_ invalidate: () -> Void) {
        open.withLock { open in
            guard open else { return }
            open = false
            invalidate()
        }
    }
}
