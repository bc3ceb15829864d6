import BayshTestSupport
import Foundation
import MCP
import Synchronization
import Testing

@testable import BayshCore

/// Hears what the server says and answers its questions as the test tells it, recording everything.
final class RecordingConversation: SessionConversation {
    struct Heard {
        var progress: [CallProgress] = []
        var logs: [ServerLogEntry] = []
        var toolsChanged = 0
        var elicitations: [ElicitationRequest] = []
        var samplings: [SamplingRequest] = []
    }

    let heard = Mutex(Heard())
    let elicitationAnswer: ElicitationAnswer
    let samplingReply: String?
    let folders: [String]

    init(elicitationAnswer: ElicitationAnswer = .decline, samplingReply: String? = nil, folders: [String] = ["/tmp"]) {
        self.elicitationAnswer = elicitationAnswer
        self.samplingReply = samplingReply
        self.folders = folders
    }

    func serverReportedProgress(_ progress: CallProgress) { heard.withLock { $0.progress.append(progress) } }
    func serverLogged(_ entry: ServerLogEntry) { heard.withLock { $0.logs.append(entry) } }
    func serverToolsChanged() { heard.withLock { $0.toolsChanged += 1 } }
    func serverElicits(_ request: ElicitationRequest) async -> ElicitationAnswer {
        heard.withLock { $0.elicitations.append(request) }
        return elicitationAnswer
    }
    func serverSamples(_ request: SamplingRequest) async -> String? {
        heard.withLock { $0.samplings.append(request) }
        return samplingReply
    }
    func roots() -> [String] { folders }
}

enum RichServer {
    static var script: String { MCPFixtures.richServerScript }

    /// Runs `body` with a session on the rich fixture over `transport` (`stdio`, `http` with SSE answers, or
    /// `json` for HTTP with JSON answers), `conversation` attached.
    static func with(
        _ transport: String, era: MCPProtocolChoice = .handshake, conversation: RecordingConversation,
        readTimeout: Duration = .seconds(30), _ body: @escaping (MCPSession) async throws -> Void
    ) async throws {
        let run = { (target: MCPTarget) in
            try await withMCPSession(target, readTimeout: readTimeout, protocol: era) { (session: MCPSession) async throws in
                #expect(session.protocolRevision?.hasPrefix(era == .modern ? "2026" : "2025") == true)
                session.setConversation(conversation)
                try await body(session)
            }
        }
        switch transport {
        case "stdio":
            try await run(.stdio(command: [try MCPFixtures.python, script, "stdio"]))
        default:
            let arguments = transport == "json" ? ["http", "--json"] : ["http"]
            try await withLoopbackServer(script: script, arguments: arguments) { url in try await run(.http(url: url)) }
        }
    }
}

/// The whole MCP conversation against a Python `mcp` 2.x server, over stdio and streamable HTTP: progress, logs,
/// list_changed, elicitation, sampling, roots, ping and cancellation.
@Suite("MCP conversation", .timeLimit(.minutes(3)))
struct ConversationTests {
    /// The `initialize` handshake and the stateless 2026-07-28 revision, which the fixture serves both of.
    static let eras: [MCPProtocolChoice] = [.handshake, .modern]
    @Test("progress reaches the conversation and pushes the deadline back", arguments: ["stdio", "http"], eras)
    func progress(transport: String, era: MCPProtocolChoice) async throws {
        let conversation = RecordingConversation()
        // Six steps of 0.4 s under a 1.5 s limit: only a deadline renewed by progress lets it finish.
        try await RichServer.with(transport, era: era, conversation: conversation, readTimeout: .milliseconds(1500)) { (session: MCPSession) async throws in
            let result = try await session.callTool(name: "slow_count", arguments: ["n": 6, "delay": 0.4])
            #expect(result.text == "counted to 6")
            let progress = conversation.heard.withLock { $0.progress }
            #expect(progress.count == 6)
            #expect(progress.last == CallProgress(progress: 6, total: 6, message: "step 6 of 6"))
            // Without progress the same limit stops a call.
            await #expect(throws: SessionError.self) {
                _ = try await session.callTool(
                    name: "sleepy", arguments: ["marker": "/dev/null", "seconds": 3],
                    options: CallOptions(readTimeout: .seconds(1)))
            }
        }
    }

    @Test("log messages with level and logger", arguments: ["stdio", "http"], eras)
    func logs(transport: String, era: MCPProtocolChoice) async throws {
        let conversation = RecordingConversation()
        try await RichServer.with(transport, era: era, conversation: conversation) { (session: MCPSession) async throws in
            #expect(try await session.callTool(name: "chatty", arguments: [:]).text == "said")
            let logs = conversation.heard.withLock { $0.logs }
            try #require(logs.map(\.level) == [.debug, .info, .warning, .error])
            #expect(logs[1] == ServerLogEntry(level: .info, logger: "rich.core", text: "info line"))
            #expect(logs[3].text == #"{"code":7,"why":"bad"}"#)
            // mcp 2.x dropped logging/setLevel (logging is deprecated as of 2026-07-28): a clear refusal.
            do {
                try await session.setLogLevel(.warning)
            } catch {
                #expect("\(error)".contains("MCP server 'rich' refused logging/setLevel: Method not found"))
            }
        }
    }

    // (With JSON answers a Python server has no back-channel for requests: it refuses to elicit.)
    // (The 2026 era's questions, input-required results, are CatalogTests' and CatalogShellTests' `buy_milk`.)
    @Test("elicitation: form answers typed by the schema, decline, URL mode", arguments: ["stdio", "http"])
    func elicitation(transport: String) async throws {
        let accepting = RecordingConversation(
            elicitationAnswer: .accept(["confirm": true, "reason": "not now", "color": "green"]))
        try await RichServer.with(transport, conversation: accepting) { (session: MCPSession) async throws in
            let result = try await session.callTool(name: "confirm_delete", arguments: ["path": "a.txt"])
            #expect(result.text == "accept confirm=True reason='not now' color=green")
            let request = try #require(accepting.heard.withLock { $0.elicitations.first })
            #expect(request.message == "Delete a.txt?")
            #expect(request.server == "rich")
            guard case .form(let schema) = request.mode else {
                Issue.record("expected a form, got \(request.mode)")
                return
            }
            let fields = ElicitationPrompt.fields(of: schema)
            #expect(fields.map(\.name) == ["confirm", "color", "reason"])
            #expect(fields[1].summary.hasPrefix("one of red, green, blue, optional"))
            #expect(try await session.callTool(name: "sign_in", arguments: [:]).text == "accept")
            let url = accepting.heard.withLock { $0.elicitations.last?.mode }
            #expect(url == .url("https://example.invalid/login"))
        }
        let declining = RecordingConversation(elicitationAnswer: .decline)
        try await RichServer.with(transport, conversation: declining) { (session: MCPSession) async throws in
            #expect(try await session.callTool(name: "confirm_delete", arguments: ["path": "a.txt"]).text == "decline")
        }
    }

    @Test("sampling, roots and ping", arguments: ["stdio", "http"])
    func samplingRootsPing(transport: String) async throws {
        let conversation = RecordingConversation(samplingReply: "forty-two", folders: ["/srv/data", "/tmp/x y"])
        try await RichServer.with(transport, conversation: conversation) { (session: MCPSession) async throws in
            let sampled = try await session.callTool(name: "ask_model", arguments: ["question": "meaning?"])
            #expect(sampled.text == "model said: forty-two")
            let request = try #require(conversation.heard.withLock { $0.samplings.first })
            #expect(request.messages == [SamplingRequest.Message(role: "user", text: "meaning?")])
            #expect(request.systemPrompt == "Answer briefly.")
            #expect(request.maxTokens == 50)
            #expect(try await session.callTool(name: "roots", arguments: [:]).text == "file:///srv/data file:///tmp/x%20y")
            #expect(try await session.callTool(name: "ping_client", arguments: [:]).text == "pong")
        }
        try await RichServer.with(transport, conversation: RecordingConversation(samplingReply: nil)) { (session: MCPSession) async throws in
            let declined = try await session.callTool(name: "ask_model", arguments: ["question": "meaning?"])
            #expect(declined.text.hasPrefix("declined:"))
        }
    }

    @Test("tools/list_changed tells the conversation and the next list has the new tool", arguments: ["stdio", "http"], eras)
    func listChanged(transport: String, era: MCPProtocolChoice) async throws {
        let conversation = RecordingConversation()
        try await RichServer.with(transport, era: era, conversation: conversation) { (session: MCPSession) async throws in
            #expect(try await !session.listTools().contains { $0.name == "grown" })
            #expect(try await session.callTool(name: "grow", arguments: [:]).text == "grew")
            for _ in 0..<100 where conversation.heard.withLock({ $0.toolsChanged }) == 0 {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(conversation.heard.withLock { $0.toolsChanged } >= 1)
            #expect(try await session.listTools().contains { $0.name == "grown" })
        }
    }

    @Test("a deadline and a cancelled task cancel the server's handler", arguments: ["stdio", "http"], eras)
    func cancellation(transport: String, era: MCPProtocolChoice) async throws {
        let directory = try TemporaryDirectory()
        try await RichServer.with(transport, era: era, conversation: RecordingConversation()) { (session: MCPSession) async throws in
            let timedOut = directory.path + "/timed-out"
            await #expect(throws: SessionError.self) {
                _ = try await session.callTool(
                    name: "sleepy", arguments: ["marker": .string(timedOut)],
                    options: CallOptions(readTimeout: .milliseconds(700)))
            }
            try await Self.waitForFile(timedOut)

            let interrupted = directory.path + "/interrupted"
            let call = Task {
                try await session.callTool(name: "sleepy", arguments: ["marker": .string(interrupted)])
            }
            try await Task.sleep(for: .milliseconds(700))
            call.cancel()
            await #expect(throws: SessionError.self) { _ = try await call.value }
            try await Self.waitForFile(interrupted)
            // The session goes on.
            #expect(try await session.callTool(name: "grow_quietly", arguments: [:]).text == "grew quietly")
        }
    }

    @Test("2026: list changes come on subscriptions/listen, which is opened again when the server ends it", arguments: ["stdio", "http"])
    func listenStream(transport: String) async throws {
        let conversation = RecordingConversation()
        try await RichServer.with(transport, era: .modern, conversation: conversation) { (session: MCPSession) async throws in
            try await Self.waitFor { try await session.info()["list changes"] == "subscriptions/listen (tools, prompts, resources)" }
            _ = try await session.listTools()
            // Ended by the server: whatever changed meanwhile went unheard, so the tool list counts as changed.
            #expect(try await session.callTool(name: "end_listens", arguments: [:]).text == "ended")
            try await Self.waitFor { conversation.heard.withLock { $0.toolsChanged } >= 1 }
            try await Self.waitFor { try await session.info()["list changes"] == "subscriptions/listen (tools, prompts, resources)" }
            let before = conversation.heard.withLock { $0.toolsChanged }
            // The new stream carries the next change.
            #expect(try await session.callTool(name: "grow", arguments: [:]).text == "grew")
            try await Self.waitFor { conversation.heard.withLock { $0.toolsChanged } > before }
            #expect(try await session.listTools().contains { $0.name == "grown" })
        }
        // The handshake era needs no stream: the server says it on the connection.
        try await RichServer.with(transport, era: .handshake, conversation: conversation) { (session: MCPSession) async throws in
            let heard = try await session.info()["list changes"]
            #expect(heard == "heard on the connection", "\(heard ?? "none")")
        }
    }

    /// Waits up to 5 s for `condition`.
    static func waitFor(_ condition: () async throws -> Bool) async throws {
        for _ in 0..<250 where try await !condition() {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try await condition())
    }

    static func waitForFile(_ path: String) async throws {
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: path) {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "cancelled")
    }
}
