import Foundation
import Synchronization
import Testing

@testable import BayshCore

/// The single thread that keeps MCP request deadlines.
@Suite("Deadline watch", .timeLimit(.minutes(1)))
struct DeadlineWatchTests {
    /// What the deadlines' actions did, shared with them.
    private final class Log: Sendable {
        let entries = Mutex<[String]>([])
        let count = Atomic<Int>(0)
    }

    /// Waits until `condition` holds, for at most `limit`.
    private func eventually(within limit: Duration, _ condition: () -> Bool) async throws {
        let end = ContinuousClock.now + limit
        while !condition() && ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(5)) }
    }

    @Test("an earlier deadline armed after a later one fires first, neither before its time; a disarmed one never")
    func order() async throws {
        let watch = DeadlineWatch()
        let log = Log()
        let started = ContinuousClock.now
        let fire = { @Sendable (name: String) in
            let after = ContinuousClock.now - started
            log.entries.withLock { $0.append("\(name) \(after >= .milliseconds(name == "late" ? 400 : 150))") }
        }
        _ = watch.arm(after: .milliseconds(400)) { fire("late") }
        let cancelled = watch.arm(after: .milliseconds(100)) { fire("cancelled") }
        _ = watch.arm(after: .milliseconds(150)) { fire("early") }
        watch.disarm(cancelled)
        try await eventually(within: .seconds(20)) { log.entries.withLock { $0.count >= 2 } }
        try await Task.sleep(for: .milliseconds(100))
        #expect(log.entries.withLock { $0 } == ["early true", "late true"])
    }

    @Test("a thousand deadlines armed and disarmed at once leave nothing behind and the watch keeps working")
    func churn() async throws {
        let watch = DeadlineWatch()
        let log = Log()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<1000 {
                group.addTask {
                    let ticket = watch.arm(after: .milliseconds(800)) { log.count.add(1, ordering: .relaxed) }
                    watch.disarm(ticket)
                }
            }
        }
        _ = watch.arm(after: .milliseconds(10)) { log.count.add(1000, ordering: .relaxed) }
        try await eventually(within: .seconds(2)) { log.count.load(ordering: .relaxed) >= 1000 }
        // Past the disarmed deadlines: none of them fires.
        try await Task.sleep(for: .milliseconds(1000))
        #expect(log.count.load(ordering: .relaxed) == 1000)
    }
}
