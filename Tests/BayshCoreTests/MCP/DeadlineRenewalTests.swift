import BayshTestSupport
import Foundation
import Testing

@testable import BayshCore

/// A call's deadline that progress pushes back, with a cap.
@Suite("Deadline renewal", .timeLimit(.minutes(1)))
struct DeadlineRenewalTests {
    /// Runs a request that never answers under `timeout`, renewing every `every` while it waits; gives how long
    /// until it timed out.
    private func timeOut(after timeout: Duration, renewingEvery every: Duration?) async throws -> Duration {
        let renewal = DeadlineRenewal()
        let renewing = Task {
            guard let every else { return }
            while !Task.isCancelled {
                try? await Task.sleep(for: every)
                renewal.renew()
            }
        }
        defer { renewing.cancel() }
        let gate = AsyncStream<Void>.makeStream()
        let started = ContinuousClock.now
        await #expect(throws: SessionError.timedOut(operation: "call slow", after: timeout)) {
            try await CallDeadline.run(
                operation: "call slow", timeout: timeout, renewal: renewal, abandon: { gate.continuation.finish() }
            ) {
                for await _ in gate.stream {}
                throw CancellationError()
            }
        }
        return ContinuousClock.now - started
    }

    @Test("without progress the limit holds; progress keeps a call alive, but only up to ten times the limit")
    func renewalAndCap() async throws {
        let plain = try await timeOut(after: .milliseconds(200), renewingEvery: nil)
        #expect(plain >= .milliseconds(200) && plain < .milliseconds(1500))
        let renewed = try await timeOut(after: .milliseconds(200), renewingEvery: .milliseconds(50))
        #expect(renewed >= .milliseconds(2000) && renewed < .milliseconds(5000))
    }

    @Test("a paused deadline (the user answering a question) does not fire, and resumes with the whole limit")
    func pause() async throws {
        let renewal = DeadlineRenewal()
        let gate = AsyncStream<Void>.makeStream()
        let started = ContinuousClock.now
        let pausing = Task {
            try? await Task.sleep(for: .milliseconds(100))
            renewal.pause()
            try? await Task.sleep(for: .milliseconds(600))
            renewal.resume()
        }
        await #expect(throws: SessionError.self) {
            try await CallDeadline.run(
                operation: "call asking", timeout: .milliseconds(300), renewal: renewal,
                abandon: { gate.continuation.finish() }
            ) {
                for await _ in gate.stream {}
                throw CancellationError()
            }
        }
        pausing.cancel()
        // Paused at 0.1 s for 0.6 s, then 0.3 s more.
        #expect(ContinuousClock.now - started >= .milliseconds(1000))
    }
}
