import AgentBayFake
import Foundation
import Logging
import MCP
import Testing

@testable import BayshCore

/// The API key and session tokens never appear in errors, logs or info.
@Suite struct AgentBaySecretTests {
    @Test func keyAndTokensStayOutOfLogsErrorsAndInfo() async throws {
        try await withAgentBayFake(options: FakeOptions(offerLinkRoute: true)) { fixture async throws in
            let key = fixture.fake.apiKey
            let session = try await fixture.createSession(labels: ["who": "test"])
            let token = try #require(session.facts.token?.revealed)
            var printed: [String] = []
            _ = try await session.callTool(name: "echo", arguments: ["text": "hello"])
            _ = try await session.listTools(imageId: nil, refresh: true)
            try await session.setLabels(["who": "again"])
            printed += try await session.info().fields.map { "\($0.key): \($0.value)" }
            printed.append(try await session.link(protocolType: "https", port: 30101, options: nil))
            fixture.fake.faults = FakeFaults(actions: ["GetLabel"], serverErrorsNext: 10)
            do { _ = try await session.labels() } catch { printed.append("\(error)") }
            fixture.fake.faults = FakeFaults(actions: ["callTool.link"], dropAfterReadingNext: 1)
            let short = CallOptions(readTimeout: .milliseconds(300), connectTimeout: .milliseconds(300))
            do { _ = try await session.callTool(name: "echo", arguments: [:], options: short) } catch {
                printed.append("\(error)")
            }
            try await session.delete(syncContext: true)
            do { _ = try await session.info() } catch { printed.append("\(error)") }
            printed.append("\(fixture.configuration)")
            printed.append(String(describing: session.facts))
            await session.close()

            let logs = fixture.logs.text
            #expect(logs.contains("AgentBay request"))
            #expect(logs.contains("Authorization=Bearer \(Secret.mask(key))"))
            for text in printed + [logs] {
                #expect(!text.contains(key))
                #expect(!text.contains(token))
            }
            #expect(printed.count >= 10)
        }
    }

    @Test func syncContextKeyInTheQueryIsMaskedInLogs() async throws {
        try await withAgentBayFake { fixture async throws in
            let client = fixture.client()
            defer { client.close() }
            let id = fixture.fake.addSession()
            await client.syncContexts(id, polling: AgentBayFixture.quickDeletes)
            #expect(fixture.fake.requests("SyncContext") == 1)
            #expect(!fixture.logs.text.contains(fixture.fake.apiKey))
            #expect(fixture.logs.text.contains("SyncContext"))
        }
    }
}
