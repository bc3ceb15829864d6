import AgentBayFake
import Foundation
import Testing

@testable import BayshCore

@Suite struct BoundedDeletionTests {
    /// At the ordinary end too, the wait for a deletion is bounded and said.
    @Test func anEndlessDeletionIsBoundedAtTheOrdinaryEnd() async throws {
        try await withAgentBayFake(options: FakeOptions(deletingPolls: 1_000_000)) { fixture async throws in
            let session = try await fixture.createSession()
            let started = ContinuousClock.now
            do {
                try await SessionEnding.delete(session, within: .milliseconds(300))
                Issue.record("the endless deletion ended")
            } catch SessionError.transport(let message) {
                #expect(message.contains("did not finish within 300 ms"), "\(message)")
                #expect(message.contains("baysh --agentbay --session-id \(session.sessionId) -c ':delete'"))
            }
            #expect(ContinuousClock.now - started < .seconds(3))
            await session.close()
        }
    }
}
