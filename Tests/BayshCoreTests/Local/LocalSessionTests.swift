import Foundation
import MCP
import Testing

@testable import BayshCore

/// The local session's identity, records across processes, delete, and the rest of the Session API.
@Suite struct LocalSessionTests {
    @Test func createMakesAFolderAndARecordBesideIt() async throws {
        let fixture = try LocalFixture(labels: ["project": "demo"])
        let session = fixture.session
        #expect(session.sessionId.wholeMatch(of: /local-[0-9a-z]{12}/) != nil)
        #expect(session.descriptor.promptName == "local:" + session.sessionId.dropFirst(6).prefix(4))
        #expect(session.descriptor.target == "local" && session.descriptor.imageId == "linux_latest")
        #expect(session.ownership == .created)
        let sessions = fixture.dataHome.path + "/baysh/sessions/"
        #expect(session.workspaceURL.path == sessions + session.sessionId)
        #expect(FileManager.default.fileExists(atPath: sessions + session.sessionId + ".json"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.workspace).isEmpty)
        #expect(session.maskedAPIKey == nil && session.vpc == nil)
        #expect(try await session.labels() == ["project": "demo"])
    }

    @Test func attachKeepsLabelsAndCreationTime() async throws {
        let fixture = try LocalFixture()
        try await fixture.session.setLabels(["owner": "me", "stage": "test"])
        try fixture.put("kept.txt", "still here")
        let again = try LocalSession.attach(id: fixture.session.sessionId, dataHome: fixture.dataHome)
        #expect(again.ownership == .attached)
        #expect(try await again.labels() == ["owner": "me", "stage": "test"])
        #expect(abs(again.created.timeIntervalSince(fixture.session.created)) < 1)
        #expect(try await again.callTool(name: "read_file", arguments: ["path": "kept.txt"]).text == "still here")
    }

    @Test func attachToUnknownIdsSaysHowToFindThem() throws {
        let fixture = try LocalFixture()
        let unknown = #expect(throws: SessionError.self) {
            try LocalSession.attach(id: "local-000000000000", dataHome: fixture.dataHome)
        }
        #expect(unknown?.description.contains("baysh sessions") == true)
        let malformed = #expect(throws: SessionError.self) {
            try LocalSession.attach(id: "../../etc/passwd", dataHome: fixture.dataHome)
        }
        #expect(malformed?.description.contains("is not a local session id") == true)
    }

    @Test func listShowsEverySession() throws {
        let fixture = try LocalFixture(labels: ["n": "1"])
        let second = try LocalSession.create(labels: ["n": "2"], dataHome: fixture.dataHome)
        let records = try LocalSession.list(dataHome: fixture.dataHome)
        #expect(Set(records.map(\.id)) == [fixture.session.sessionId, second.sessionId])
        #expect(records.first { $0.id == second.sessionId }?.labels == ["n": "2"])
    }

    @Test func deleteRemovesTheWorkspaceButNotWhatLinksPointTo() async throws {
        let fixture = try LocalFixture()
        try fixture.put("deep/file.txt", "x")
        try fixture.symlink("out", to: fixture.outside.path)
        #expect(fixture.session.deletionNote == nil)
        try await fixture.session.delete(syncContext: false)
        #expect(!fixture.exists(fixture.workspace))
        #expect(fixture.exists(fixture.outside.path + "/secret.txt"))
        #expect(try LocalSession.list(dataHome: fixture.dataHome).isEmpty)
        await #expect(throws: SessionError.self) { try await fixture.call("read_file", ["path": "x"]) }
        try await fixture.session.delete(syncContext: false)
    }

    @Test func deleteKeepsAGivenWorkspace() async throws {
        let fixture = try LocalFixture()
        let given = fixture.root.appendingPathComponent("mine", isDirectory: true)
        try FileManager.default.createDirectory(at: given, withIntermediateDirectories: true)
        try "precious".write(to: given.appendingPathComponent("work.txt"), atomically: true, encoding: .utf8)
        let session = try LocalSession.create(workspace: given, dataHome: fixture.dataHome)
        #expect(session.deletionNote?.contains("keeps it") == true)
        #expect(try await session.info()["workspace"]?.contains("kept on delete") == true)
        try await session.delete(syncContext: false)
        #expect(fixture.exists(given.path + "/work.txt"))
        #expect(try LocalSession.list(dataHome: fixture.dataHome).map(\.id) == [fixture.session.sessionId])
        #expect(throws: SessionError.self) {
            try LocalSession.create(workspace: fixture.root.appendingPathComponent("missing"), dataHome: fixture.dataHome)
        }
    }

    @Test func infoLinkAndLabelsValidation() async throws {
        let fixture = try LocalFixture(labels: ["b": "2", "a": "1"])
        let info = try await fixture.session.info()
        #expect(info.fields.map(\.key) == ["session_id", "backend", "workspace", "created", "image_id", "labels", "sandbox", "tools"])
        #expect(info["backend"] == "local" && info["labels"] == "a=1, b=2" && info["tools"] == "13")
        #expect(info["sandbox"]?.hasPrefix("bubblewrap; network off; limits: memory 4 GiB") == true)
        await #expect(throws: SessionError.invalidArgument(
            "port 8080 is out of range: get_link takes a port from 30100 to 30199")) {
            try await fixture.session.link(protocolType: "https", port: 8080, options: nil)
        }
        let unsupported = await #expect(throws: SessionError.self) {
            try await fixture.session.link(protocolType: "https", port: 30150, options: nil)
        }
        #expect(unsupported?.description.contains(fixture.workspace) == true)
        await #expect(throws: SessionError.self) { try await fixture.session.setLabels([:]) }
        await #expect(throws: SessionError.self) { try await fixture.session.setLabels(["k": " "]) }
        #expect(try await fixture.session.labels() == ["b": "2", "a": "1"])
    }

    @Test func toolsHaveSchemasServersAndAnnotations() async throws {
        let fixture = try LocalFixture()
        let tools = try await fixture.session.listTools()
        #expect(tools.map(\.name) == [
            "shell", "read_file", "write_file", "edit_file", "list_directory", "create_directory", "move_file",
            "delete_file", "search_files", "get_file_info", "read_multiple_files", "get_metrics", "run_code",
        ])
        #expect(fixture.session.cachedTools == tools)
        for tool in tools {
            let schema = try #require(tool.inputSchema.objectValue)
            #expect(schema["type"] == "object" && schema["additionalProperties"] == false, "\(tool.name)")
            for (key, property) in schema["properties"]?.objectValue ?? [:] {
                #expect(property.objectValue?["description"]?.stringValue?.isEmpty == false, "\(tool.name).\(key)")
            }
            #expect(!tool.description.isEmpty)
            #expect(tool.annotations.readOnlyHint != nil && tool.annotations.destructiveHint != nil)
        }
        #expect(try await fixture.session.findServer(forTool: "shell") == "wuying_shell")
        #expect(try await fixture.session.findServer(forTool: "move_file") == "wuying_filesystem")
        #expect(try await fixture.session.findServer(forTool: "get_metrics") == "wuying_system")
        #expect(try await fixture.session.findServer(forTool: "run_code") == "wuying_codespace")
        #expect(try await fixture.session.findServer(forTool: "nope") == nil)
        #expect(tools.first { $0.name == "delete_file" }?.needsConfirmation == true)
        #expect(tools.first { $0.name == "read_file" }?.needsConfirmation == false)
        await #expect(throws: SessionError.self) { try await fixture.session.listTools(imageId: "browser_latest", refresh: true) }
        await #expect(throws: SessionError.self) { try await fixture.call("no_such_tool") }
    }

    @Test func metricsAreNumbers() async throws {
        let fixture = try LocalFixture()
        let result = try await fixture.call("get_metrics")
        #expect(!result.isError)
        let fields = try JSONDecoder().decode([String: Value].self, from: Data(result.text.utf8))
        for key in ["cpu_count", "disk_total", "disk_used", "mem_total", "mem_used"] {
            #expect((fields[key]?.intValue ?? 0) > 0, "\(key)")
        }
        for key in ["cpu_used_pct", "rx_rate_kbyte_per_s", "tx_rate_kbyte_per_s", "rx_used_kbyte", "tx_used_kbyte"] {
            let number = fields[key]?.doubleValue ?? fields[key]?.intValue.map(Double.init)
            #expect(number != nil && number! >= 0, "\(key)")
        }
        #expect(fields["timestamp"]?.stringValue != nil)
    }

}
