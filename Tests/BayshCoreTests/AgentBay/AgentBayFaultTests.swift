import AgentBayFake
import Foundation
import MCP
import Testing

@testable import BayshCore

/// Error styles, injected faults, retries, timeouts, cancellation and connection reuse.
@Suite struct AgentBayFaultTests {
    @Test(arguments: [
        FakeOptions(errorStyle: .httpStatus), FakeOptions(errorStyle: .httpStatus, lowercaseErrorKeys: true),
        FakeOptions(errorStyle: .successFalse),
    ])
    func bothErrorStylesBecomeTypedErrors(options: FakeOptions) async throws {
        try await withAgentBayFake(options: options) { fixture async throws in
            let client = fixture.client()
            defer { client.close() }
            do {
                _ = try await client.labels(sessionId: "session-missing")
                Issue.record("no error")
            } catch SessionError.notFound(let message) {
                #expect(message.contains("InvalidMcpSession.NotFound"))
                #expect(message.contains("FAKE-"))
            }
            do {
                _ = try await client.listMcpTools(imageId: "")
                _ = try await client.send("NoSuchAction", [:])
                Issue.record("no error")
            } catch SessionError.api(let code, let message, let requestId, let status) {
                #expect(code == "InvalidAction.NotFound")
                #expect(message.contains("NoSuchAction"))
                #expect(requestId?.hasPrefix("FAKE-") == true)
                #expect(status == (options.errorStyle == .httpStatus ? 404 : 200))
            }
        }
    }

    @Test func wrongKeyIsRejectedWithoutShowingIt() async throws {
        try await withAgentBayFake { fixture async throws in
            var configuration = fixture.configuration
            configuration.apiKey = Secret("akm-wrong-key-9876543210")
            let client = AgentBayClient(configuration: configuration, retryPolicy: .never, logger: fixture.logger)
            defer { client.close() }
            do {
                _ = try await client.listSessions(labels: [:])
                Issue.record("no error")
            } catch {
                #expect("\(error)".contains("InvalidApiKey"))
                #expect(!"\(error)".contains("akm-wrong-key-9876543210"))
            }
        }
    }

    @Test(arguments: [503, 500])
    func serverErrorsAreRetriedOnReadOnlyActions(status: Int) async throws {
        try await withAgentBayFake { fixture async throws in
            let client = fixture.client()
            defer { client.close() }
            let id = fixture.fake.addSession()
            fixture.fake.faults = FakeFaults(serverErrorsNext: 2, serverErrorStatus: status)
            #expect(try await client.sessionStatus(id) == "RUNNING")
            #expect(fixture.fake.requests("GetSessionDetail") == 3)
            #expect(fixture.logs.text.contains("AgentBay retry"))
        }
    }

    @Test func retriesStopAfterMaxAttempts() async throws {
        try await withAgentBayFake { fixture async throws in
            let client = fixture.client()
            defer { client.close() }
            fixture.fake.faults = FakeFaults(serverErrorsNext: 10)
            await #expect(throws: SessionError.api(
                code: "ServiceUnavailable", message: "The request has failed due to a temporary failure of the server.",
                requestId: nil, httpStatus: 503)
            ) {
                do { _ = try await client.listMcpTools(imageId: "linux_latest") } catch SessionError.api(
                    let code, let message, _, let status)
                {
                    throw SessionError.api(code: code, message: message, requestId: nil, httpStatus: status)
                }
            }
            #expect(fixture.fake.requests("ListMcpTools") == 4, "\(fixture.logs.text)")
        }
    }

    @Test(arguments: [400, 429])
    func throttlingIsRetriedOnReadOnlyActions(status: Int) async throws {
        try await withAgentBayFake { fixture async throws in
            let client = fixture.client()
            defer { client.close() }
            let id = fixture.fake.addSession(labels: ["k": "v"])
            fixture.fake.faults = FakeFaults(throttleNext: 2, throttleStatus: status)
            #expect(try await client.labels(sessionId: id) == ["k": "v"])
            #expect(fixture.fake.requests("GetLabel") == 3)
        }
    }

    @Test func seededThrottlingRateIsRiddenOut() async throws {
        try await withAgentBayFake { fixture async throws in
            let client = fixture.client(AgentBayRetryPolicy(maxAttempts: 12, baseDelay: .milliseconds(1), maxDelay: .milliseconds(4)))
            defer { client.close() }
            fixture.fake.faults = FakeFaults(actions: ["ListMcpTools"], throttleRate: 0.5, throttleStatus: 429)
            for _ in 0..<20 { #expect(try await client.listMcpTools(imageId: "linux_latest").count == 4) }
            #expect(fixture.fake.requests("ListMcpTools") > 20)
        }
    }

    @Test func callMcpToolIsNotRetriedOnServerError() async throws {
        try await withAgentBayFake { fixture async throws in
            let session = try await fixture.createSession()
            fixture.fake.faults = FakeFaults(actions: ["CallMcpTool"], serverErrorsNext: 1)
            await #expect(throws: SessionError.self) { try await session.callTool(name: "echo", arguments: ["text": "a"]) }
            #expect(fixture.fake.requests("CallMcpTool") == 1)
            #expect(fixture.fake.totalExecutions == 0)
            await session.close()
        }
    }

    /// The gateway refuses a throttled request before it runs, so resending it cannot run the tool twice.
    @Test(arguments: [400, 429])
    func callMcpToolIsRetriedOnThrottling(status: Int) async throws {
        try await withAgentBayFake { fixture async throws in
            let session = try await fixture.createSession()
            fixture.fake.faults = FakeFaults(actions: ["CallMcpTool"], throttleNext: 2, throttleStatus: status)
            #expect(try await session.callTool(name: "echo", arguments: ["text": "throttled-b"]).text == "throttled-b")
            #expect(fixture.fake.requests("CallMcpTool") == 3)
            #expect(fixture.fake.executions(tool: "echo", argumentsContaining: "throttled-b") == 1)
            #expect(fixture.fake.totalExecutions == 1)
            await session.close()
        }
    }

    @Test func callMcpToolIsNotSentTwiceWhenTheAnswerIsLost() async throws {
        try await withAgentBayFake { fixture async throws in
            let id = fixture.fake.addSession()
            let client = fixture.client()
            defer { client.close() }
            fixture.fake.faults = FakeFaults(actions: ["CallMcpTool"], dropAfterReadingNext: 1)
            do {
                _ = try await client.callMcpTool(sessionId: id, name: "echo", arguments: ["text": "once-only-7"], server: "")
                Issue.record("the lost answer was not reported")
            } catch SessionError.transport(let message) {
                #expect(message.contains("not sent again"))
            }
            #expect(fixture.fake.executions(tool: "echo", argumentsContaining: "once-only-7") == 1)
            #expect(fixture.fake.requests("CallMcpTool") == 1)
            let after = try await client.callMcpTool(sessionId: id, name: "echo", arguments: ["text": "after"], server: "")
            #expect(after.text == "after")
        }
    }

    @Test func aLostAnswerToAReadOnlyActionIsRetried() async throws {
        try await withAgentBayFake { fixture async throws in
            let client = fixture.client()
            defer { client.close() }
            fixture.fake.faults = FakeFaults(actions: ["ListMcpTools"], dropAfterReadingNext: 2)
            #expect(try await client.listMcpTools(imageId: "linux_latest").count == 4)
            #expect(fixture.fake.requests("ListMcpTools") == 3)
        }
    }

    @Test func aConnectionDroppedBeforeReadingIsRetriedForReadOnlyActions() async throws {
        try await withAgentBayFake { fixture async throws in
            let client = fixture.client()
            defer { client.close() }
            let id = fixture.fake.addSession()
            fixture.fake.faults = FakeFaults(dropBeforeReadingNext: 1)
            #expect(try await client.sessionStatus(id) == "RUNNING")
            #expect(fixture.fake.droppedBeforeReading == 1)
            #expect(fixture.fake.requests("GetSessionDetail") == 1)
        }
    }

    @Test func idleConnectionsClosedByTheServerAreReplacedQuietly() async throws {
        try await withAgentBayFake { fixture async throws in
            let client = fixture.client()
            defer { client.close() }
            let id = fixture.fake.addSession()
            #expect(try await client.sessionStatus(id) == "RUNNING")
            fixture.fake.dropConnections()
            try await Task.sleep(for: .milliseconds(50))
            #expect(try await client.sessionStatus(id) == "RUNNING")
            #expect(fixture.fake.requests("GetSessionDetail") == 2)
            #expect(fixture.fake.connectionsAccepted == 2)
        }
    }

    @Test func refusedConnectionsAreRetriedEvenForToolCalls() async throws {
        try await withAgentBayFake { fixture async throws in
            let session = try await AgentBaySession.create(
                config: fixture.configuration, imageId: nil,
                retryPolicy: AgentBayRetryPolicy(maxAttempts: 50, baseDelay: .milliseconds(5), maxDelay: .milliseconds(20)),
                logger: fixture.logger)
            fixture.fake.stopListening()
            fixture.fake.dropConnections()
            let call = Task { try await session.callTool(name: "echo", arguments: ["text": "refused-then-ok"]) }
            // Listen again only once the client has seen a refusal, so the test does not depend on timing.
            try await eventually("a refused connect") { fixture.logs.text.contains("could not connect") }
            try fixture.fake.resumeListening()
            #expect(try await call.value.text == "refused-then-ok")
            #expect(fixture.fake.executions(tool: "echo", argumentsContaining: "refused-then-ok") == 1)
            await session.close()
        }
    }

    @Test func aRefusedConnectionEndsWithATransportError() async throws {
        try await withAgentBayFake { fixture async throws in
            let client = fixture.client()
            defer { client.close() }
            fixture.fake.stop()
            do {
                _ = try await client.listMcpTools(imageId: "linux_latest")
                Issue.record("no error")
            } catch SessionError.transport(let message) {
                #expect(message.contains("could not connect") && message.contains("after 4 attempts"))
            }
        }
    }

    @Test func aSlowAnswerTimesOutQuickly() async throws {
        try await withAgentBayFake { fixture async throws in
            let session = try await fixture.createSession()
            fixture.fake.faults = FakeFaults(actions: ["CallMcpTool"], delay: .seconds(20))
            let clock = ContinuousClock()
            let start = clock.now
            await #expect(throws: SessionError.timedOut(operation: "CallMcpTool", after: .milliseconds(200))) {
                try await session.callTool(
                    name: "echo", arguments: ["text": "slow"],
                    options: CallOptions(readTimeout: .milliseconds(200), connectTimeout: .milliseconds(200)))
            }
            #expect(clock.now - start < .seconds(15))
            #expect(fixture.fake.requests("CallMcpTool") == 1)
            await session.close()
        }
    }

    @Test func theDefaultTimeoutAppliesToEveryAction() async throws {
        try await withAgentBayFake { fixture async throws in
            let client = fixture.client(timeout: .milliseconds(150))
            defer { client.close() }
            fixture.fake.faults = FakeFaults(delay: .seconds(3))
            await #expect(throws: SessionError.timedOut(operation: "ListSession", after: .milliseconds(150))) {
                try await client.listSessions(labels: [:])
            }
            #expect(fixture.fake.requests("ListSession") == 1)
        }
    }

    @Test func cancellationAbandonsTheCallPromptly() async throws {
        try await withAgentBayFake { fixture async throws in
            let session = try await fixture.createSession()
            let call = Task { try await session.callTool(name: "sleep", arguments: ["ms": 30000]) }
            try await eventually("the call reaching the fake") { fixture.fake.requests("CallMcpTool") == 1 }
            let clock = ContinuousClock()
            let start = clock.now
            call.cancel()
            await #expect(throws: SessionError.cancelled(operation: "CallMcpTool")) { try await call.value }
            #expect(clock.now - start < .seconds(15))
            await session.close()
        }
    }

    /// Read-only actions share one kept-alive connection; each tool call (which must never be re-sent by libcurl
    /// on a reused connection) has one of its own.
    @Test func readOnlyActionsShareOneConnectionAndToolCallsHaveTheirOwn() async throws {
        try await withAgentBayFake { fixture async throws in
            let client = fixture.client()
            defer { client.close() }
            let id = fixture.fake.addSession()
            for _ in 0..<50 { _ = try await client.sessionStatus(id) }
            #expect(fixture.fake.connectionsAccepted == 1)
            for index in 0..<10 {
                let result = try await client.callMcpTool(
                    sessionId: id, name: "echo", arguments: ["text": "\(index)"], server: "")
                #expect(result.text == "\(index)")
            }
            #expect(fixture.fake.connectionsAccepted == 11)
            #expect(fixture.fake.lastHeaders("CallMcpTool")?["connection"]?.lowercased() == "close")
        }
    }
}
