import Dispatch
import Foundation
import Synchronization

/// One thread that keeps the deadlines of every pending MCP request and runs the action of each that passes.
///
/// Arming and disarming are a lock and a dictionary update: the thread is woken only when a new deadline comes
/// before the time it already sleeps until, which for requests with the same time limit happens once per quiet
/// period, not once per request. (A dispatch timer per request woke libdispatch's manager thread twice per call,
/// through an eventfd and `epoll`: a fifth of the time of a trivial call.) A deadline that was disarmed is simply
/// forgotten; the thread may still wake at its time, finds nothing due, and sleeps on.
final class DeadlineWatch: Sendable {
    /// The watch every request of this process uses.
    static let shared = DeadlineWatch()

    /// A deadline to disarm when its request finishes in time.
    struct Ticket: Sendable {
        fileprivate let number: UInt64
    }

    private struct Deadline {
        let due: UInt64
        let action: @Sendable () -> Void
    }

    private struct State {
        var deadlines: [UInt64: Deadline] = [:]
        var nextNumber: UInt64 = 0
        /// When the thread wakes next on its own (uptime nanoseconds); nil while it sleeps until rung.
        var wakeAt: UInt64?
        var started = false
    }

    private let state = Mutex(State())
    /// Rung when a deadline comes before ``State/wakeAt``; a semaphore keeps a ring that comes just before the
    /// thread starts waiting.
    private let bell = DispatchSemaphore(value: 0)

    /// Runs `action` on the watch's thread once `timeout` has passed, unless ``disarm(_:)`` comes first.
    func arm(after timeout: Duration, action: @escaping @Sendable () -> Void) -> Ticket {
        let due = Self.now &+ Self.nanoseconds(timeout)
        let (number, ring, start) = state.withLock { state -> (UInt64, Bool, Bool) in
            let number = state.nextNumber
            state.nextNumber += 1
            state.deadlines[number] = Deadline(due: due, action: action)
            let ring = state.wakeAt.map { due < $0 } ?? true
            if ring { state.wakeAt = due }
            defer { state.started = true }
            return (number, ring && state.started, !state.started)
        }
        if start {
            let thread = Thread { [self] in watch() }
            thread.name = "baysh-deadlines"
            thread.start()
        } else if ring {
            bell.signal()
        }
        return Ticket(number: number)
    }

    /// Forgets the deadline of `ticket`; its action does not run (unless it is running already).
    func disarm(_ ticket: Ticket) {
        _ = state.withLock { $0.deadlines.removeValue(forKey: ticket.number) }
    }

    private func watch() {
        while true {
            let (due, next) = state.withLock { state -> ([Deadline], UInt64?) in
                let now = Self.now
                var passed: [UInt64] = []
                var next: UInt64?
                for (number, deadline) in state.deadlines {
                    if deadline.due <= now {
                        passed.append(number)
                    } else {
                        next = min(next ?? .max, deadline.due)
                    }
                }
                let due = passed.compactMap { state.deadlines.removeValue(forKey: $0) }.sorted { $0.due < $1.due }
                state.wakeAt = next
                return (due, next)
            }
            for deadline in due { deadline.action() }
            if let next {
                _ = bell.wait(timeout: DispatchTime(uptimeNanoseconds: next))
            } else {
                bell.wait()
            }
        }
    }

    private static var now: UInt64 { DispatchTime.now().uptimeNanoseconds }

    private static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max / 2 : min(whole &+ UInt64(attoseconds / 1_000_000_000), .max / 2)
    }
}
