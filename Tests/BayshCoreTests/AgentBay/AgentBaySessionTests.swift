import AgentBayFake
import Foundation
import MCP
import Testing

@testable import BayshCore

/// Every Session API method through the client against the fake.
@Suite struct AgentBaySessionTests {
    @Test func createSendsTheSDKFieldsAndDescribesTheSession() async throws {
        try await withAgentBayFake { fixture async throws in
            var configuration = fixture.configuration
            configuration.regionId = "cn-hangzhou"
            let session = try await AgentBaySession.create(
                config: configuration, imageId: "code_latest", labels: ["project": "demo"], logger: fixture.logger)
            defer { Task { await session.close() } }
            let sent = try #require(fixture.fake.lastParameters("CreateMcpSession"))
            #expect(sent["ImageId"] == "code_latest")
            #expect(sent["Labels"] == #"{"project":"demo"}"#)
            #expect(sent["LoginRegionId"] == "cn-hangzhou")
            #expect(sent["SdkStats"]?.contains(#""sdk_language":"swift""#) == true)
            #expect(sent["Format"] == "json" && sent["Version"] == "2025-05-06" && sent["SignatureNonce"]?.count == 32)
            #expect(sent["Timestamp"]?.hasSuffix("Z") == true)
            let headers = try #require(fixture.fake.lastHeaders("CreateMcpSession"))
            #expect(headers["x-acs-action"] == "CreateMcpSession")
            #expect(headers["x-acs-version"] == "2025-05-06")
            #expect(headers["content-type"] == "application/x-www-form-urlencoded")
            #expect(headers["authorization"] == nil)
            #expect(fixture.fake.lastQuery("CreateMcpSession")?["Authorization"] == nil)

            #expect(session.ownership == .created)
            #expect(session.descriptor.backend == .agentbay)
            #expect(session.descriptor.label == String(session.sessionId.prefix(12)) + "…")
            #expect(session.descriptor.target == "agentbay-code_latest")
            #expect(session.maskedAPIKey == Secret.mask(AgentBayFake.defaultAPIKey))
            #expect(session.vpc?.isEnabled == false)
            #expect(session.cachedTools?.map(\.name) == ["echo", "sleep", "fail", "mixed"])
            #expect(fixture.fake.labels(ofSession: session.sessionId) == ["project": "demo"])
        }
    }

    @Test func toolsAreListedCachedAndResolvedToServers() async throws {
        try await withAgentBayFake(options: FakeOptions(capitalizedToolKeys: true)) { fixture async throws in
            let session = try await fixture.createSession(imageId: "linux_latest")
            #expect(try await session.findServer(forTool: "echo") == FakeToolExecutor.testServer)
            #expect(try await session.findServer(forTool: "nope") == nil)
            #expect(fixture.fake.requests("ListMcpTools") == 0)
            let refreshed = try await session.listTools(imageId: nil, refresh: true)
            #expect(refreshed.first?.inputSchema.objectValue?["type"] == "object")
            #expect(fixture.fake.requests("ListMcpTools") == 1)
            #expect(fixture.fake.lastParameters("ListMcpTools")?["ImageId"] == "linux_latest")
            _ = try await session.listTools()
            #expect(fixture.fake.requests("ListMcpTools") == 1)
            await session.close()
        }
    }

    @Test func callToolOverTheAPIRouteKeepsEveryItem() async throws {
        try await withAgentBayFake { fixture async throws in
            let session = try await fixture.createSession()
            let echo = try await session.callTool(name: "echo", arguments: ["text": "data: not a data url"])
            #expect(echo.content == [.text("data: not a data url")])
            #expect(!echo.isError)
            #expect(echo.requestId?.hasPrefix("FAKE-") == true)
            #expect(echo.elapsed > .zero)
            let sent = try #require(fixture.fake.lastParameters("CallMcpTool"))
            #expect(sent["Args"] == #"{"text":"data: not a data url"}"#)
            #expect(sent["Server"] == FakeToolExecutor.testServer)
            #expect(sent["SessionId"] == session.sessionId)
            #expect(sent["AutoGenSession"] == "false")

            let mixed = try await session.callTool(name: "mixed", arguments: [:])
            #expect(mixed.content.count == 3)
            #expect(mixed.content[1] == .image(base64: "iVBORw0KGgo=", mimeType: "image/png"))
            let failed = try await session.callTool(name: "fail", arguments: ["message": "boom"])
            #expect(failed.isError && failed.text == "boom")
            #expect(fixture.fake.requests("callTool.link") == 0)
            await session.close()
        }
    }

    @Test func structuredDataVariantsParseTheSame() async throws {
        try await withAgentBayFake(options: FakeOptions(structuredData: true)) { fixture async throws in
            let session = try await fixture.createSession()
            #expect(try await session.callTool(name: "echo", arguments: ["text": "x"]).text == "x")
            #expect(try await session.link(protocolType: "https", port: 30150, options: nil).hasSuffix("/p30150/"))
            #expect(session.cachedTools?.count == 4)
            await session.close()
        }
    }

    @Test func linkRouteIsUsedWithLinkUrlTokenAndServer() async throws {
        try await withAgentBayFake(options: FakeOptions(offerLinkRoute: true)) { fixture async throws in
            let session = try await fixture.createSession()
            let result = try await session.callTool(name: "echo", arguments: ["text": "via link"])
            #expect(result.text == "via link")
            #expect(result.requestId?.hasPrefix("link-") == true)
            #expect(fixture.fake.requests("callTool.link") == 1)
            #expect(fixture.fake.requests("CallMcpTool") == 0)
            let headers = try #require(fixture.fake.lastHeaders("callTool.link"))
            #expect(headers["x-access-token"]?.hasPrefix("tok-") == true)
            #expect(headers["content-type"] == "application/json")
            await session.close()
        }
    }

    @Test func vpcRouteIsUsedForVPCSessions() async throws {
        try await withAgentBayFake(options: FakeOptions(vpcSessions: true)) { fixture async throws in
            let session = try await fixture.createSession()
            let vpc = try #require(session.vpc)
            #expect(vpc.isEnabled && vpc.networkInterfaceIP == "127.0.0.1" && vpc.httpPort == String(fixture.fake.port))
            #expect(vpc.token != nil)
            let result = try await session.callTool(name: "echo", arguments: ["text": "via vpc"])
            #expect(result.text == "via vpc")
            #expect(result.requestId?.hasPrefix("vpc-") == true)
            #expect(fixture.fake.requests("callTool.vpc") == 1)
            let info = try await session.info()
            #expect(info["is_vpc_enabled"] == "true")
            #expect(info["token"] == vpc.token?.masked)
            await session.close()
        }
    }

    @Test func attachUsesGetSessionAndIsNotOwned() async throws {
        try await withAgentBayFake(options: FakeOptions(offerLinkRoute: true)) { fixture async throws in
            let id = fixture.fake.addSession(imageId: "browser_latest", labels: ["a": "b"])
            let session = try await AgentBaySession.attach(
                config: fixture.configuration, sessionId: id, logger: fixture.logger)
            #expect(session.ownership == .attached)
            #expect(session.sessionId == id)
            #expect(session.imageId == "browser_latest")
            #expect(session.descriptor.target == "agentbay-browser_latest")
            #expect(fixture.fake.requests("GetSession") == 1)
            #expect(fixture.fake.lastQuery("GetSessionDetail")?["SessionId"] == id)
            #expect(try await session.callTool(name: "echo", arguments: ["text": "hi"]).text == "hi")
            await session.close()

            await #expect(throws: SessionError.self) {
                try await AgentBaySession.attach(config: fixture.configuration, sessionId: "session-missing")
            }
        }
    }

    @Test func attachToAnUnknownSessionSaysNotFound() async throws {
        try await withAgentBayFake { fixture async throws in
            do {
                _ = try await AgentBaySession.attach(config: fixture.configuration, sessionId: "session-nope")
                Issue.record("attach succeeded")
            } catch SessionError.notFound(let message) {
                #expect(message.contains("session-nope") && message.contains("InvalidMcpSession.NotFound"))
            }
        }
    }

    @Test func labelsRoundTripAndAreValidated() async throws {
        try await withAgentBayFake { fixture async throws in
            let session = try await fixture.createSession(labels: ["a": "1"])
            #expect(try await session.labels() == ["a": "1"])
            try await session.setLabels(["team": "shell", "env": "test"])
            #expect(try await session.labels() == ["team": "shell", "env": "test"])
            #expect(fixture.fake.lastParameters("SetLabel")?["Labels"] == #"{"env":"test","team":"shell"}"#)
            await #expect(throws: SessionError.self) { try await session.setLabels([:]) }
            await #expect(throws: SessionError.self) { try await session.setLabels(["k": " "]) }
            #expect(fixture.fake.requests("SetLabel") == 1)
            await session.close()
        }
    }

    @Test func linkValidatesThePortBeforeSending() async throws {
        try await withAgentBayFake { fixture async throws in
            let session = try await fixture.createSession()
            let url = try await session.link(protocolType: "https", port: 30150, options: nil)
            #expect(url == "https://example.invalid/\(session.sessionId)/p30150/")
            #expect(fixture.fake.lastParameters("GetLink")?["Port"] == "30150")
            #expect(fixture.fake.lastParameters("GetLink")?["ProtocolType"] == "https")
            #expect(try await session.link(protocolType: nil, port: nil, options: nil).hasPrefix("wss://"))
            await #expect(throws: SessionError.invalidArgument(
                "port 30200 is out of range: get_link takes a port from 30100 to 30199")) {
                try await session.link(protocolType: nil, port: 30200, options: nil)
            }
            #expect(fixture.fake.requests("GetLink") == 2)
            await session.close()
        }
    }

    @Test func infoHasTheResourceFactsWithSecretsMasked() async throws {
        try await withAgentBayFake { fixture async throws in
            let session = try await fixture.createSession()
            let info = try await session.info()
            #expect(info.fields.map(\.key).prefix(8) == [
                "session_id", "resource_url", "app_id", "auth_code", "connection_properties", "resource_id",
                "resource_type", "ticket",
            ])
            #expect(info["session_id"] == session.sessionId)
            #expect(info["app_id"] == "app-fake")
            #expect(info["auth_code"]?.contains("****") == true)
            #expect(info["ticket"]?.contains("****") == true)
            #expect(info["api_key"] == Secret.mask(AgentBayFake.defaultAPIKey))
            #expect(info["image_id"] == "linux_latest")
            #expect(info.requestId != nil)
            let all = info.fields.map(\.value).joined(separator: " ")
            #expect(!all.contains(AgentBayFake.defaultAPIKey))
            #expect(!all.contains("auth-tok-") && !all.contains("ticket-tok-"))
            await session.close()
        }
    }

    @Test func deletePollsUntilFinish() async throws {
        try await withAgentBayFake(options: FakeOptions(deletingPolls: 3, deleteEndsWithFinish: true)) { fixture async throws in
            let session = try await fixture.createSession()
            try await session.delete(syncContext: false)
            #expect(fixture.fake.requests("DeleteSessionAsync") == 1)
            #expect(fixture.fake.requests("GetSessionDetail") == 4)
            #expect(fixture.fake.status(ofSession: session.sessionId) == nil)
            await session.close()
        }
    }

    @Test func deleteEndsOnNotFoundAndSyncsContextsFirst() async throws {
        try await withAgentBayFake(options: FakeOptions(deletingPolls: 1, deleteEndsWithFinish: false)) { fixture async throws in
            let session = try await fixture.createSession()
            try await session.delete(syncContext: true)
            #expect(fixture.fake.lastQuery("SyncContext")?["Authorization"] == "Bearer \(AgentBayFake.defaultAPIKey)")
            #expect(fixture.fake.requests("GetContextInfo") == 2)
            #expect(fixture.fake.requests("GetSessionDetail") == 2)
            #expect(fixture.fake.sessionIds.isEmpty)
            await session.close()
        }
    }

    @Test func deleteFallsBackToReleaseMcpSession() async throws {
        try await withAgentBayFake(options: FakeOptions(supportsDeleteSessionAsync: false)) { fixture async throws in
            let session = try await fixture.createSession()
            try await session.delete(syncContext: false)
            #expect(fixture.fake.requests("ReleaseMcpSession") == 1)
            #expect(fixture.fake.requests("GetSessionDetail") == 0)
            #expect(fixture.fake.sessionIds.isEmpty)
            await #expect(throws: SessionError.self) { try await session.callTool(name: "echo", arguments: [:]) }
            await session.close()
        }
    }

    @Test func deleteGivesUpAfterItsTimeout() async throws {
        try await withAgentBayFake(options: FakeOptions(deletingPolls: 1_000_000)) { fixture async throws in
            let client = fixture.client()
            defer { client.close() }
            let id = fixture.fake.addSession()
            let polling = AgentBayDeletePolling(interval: .milliseconds(5), timeout: .milliseconds(60))
            await #expect(throws: SessionError.self) { try await client.deleteSession(id, polling: polling) }
            #expect(fixture.fake.status(ofSession: id) == "DELETING")
        }
    }

    @Test func listSessionsPagesAndFiltersByLabel() async throws {
        try await withAgentBayFake { fixture async throws in
            var wanted: [String] = []
            for index in 0..<25 {
                let id = fixture.fake.addSession(labels: ["team": index % 2 == 0 ? "shell" : "other", "n": "\(index)"])
                if index % 2 == 0 { wanted.append(id) }
            }
            let listed = try await AgentBaySession.listSessions(
                config: fixture.configuration, labels: ["team": "shell"], logger: fixture.logger)
            #expect(listed.map(\.id) == wanted)
            #expect(listed.allSatisfy { $0.status == "RUNNING" })

            let client = fixture.client()
            defer { client.close() }
            let first = try await client.listSessions(labels: [:], maxResults: 10)
            #expect(first.sessions.count == 10 && first.nextToken != nil && first.totalCount == 25)
            let all = try await client.allSessions(labels: [:])
            #expect(all.count == 25)
            #expect(fixture.fake.lastParameters("ListSession")?["Labels"] == "{}")
            #expect(try await client.allSessions(labels: ["team": "none"]).isEmpty)
        }
    }

    @Test func sessionStatusReadsGetSessionDetail() async throws {
        try await withAgentBayFake { fixture async throws in
            let client = fixture.client()
            defer { client.close() }
            let id = fixture.fake.addSession()
            #expect(try await client.sessionStatus(id) == "RUNNING")
            #expect(fixture.fake.lastQuery("GetSessionDetail")?["SessionId"] == id)
            #expect(fixture.fake.lastQuery("GetSessionDetail")?["Authorization"] == nil)
            await #expect(throws: SessionError.self) { try await client.sessionStatus("session-unknown") }
        }
    }
}
