import BayshCore
import Foundation
import MCP
import Synchronization

/// A ``Session`` for shell tests: a fixed tool list, answers chosen per tool, and a log of what was asked.
final class ScriptedSession: Session, @unchecked Sendable {
    let descriptor: SessionDescriptor
    let sessionId: String
    let maskedAPIKey: String?
    let vpc: VPCInfo?
    let ownership: SessionOwnership
    private let state: Mutex<State>

    struct State {
        var tools: [ToolInfo]
        var labels: [String: String] = [:]
        var calls: [(name: String, arguments: [String: Value])] = []
        var deleted = false
        var closed = false
        var listCount = 0
    }

    /// What a call answers: a result, or a thrown error.
    let answer: @Sendable (String, [String: Value]) async throws -> ToolResult

    init(
        tools: [ToolInfo] = ScriptedSession.sampleTools, ownership: SessionOwnership = .created,
        vpc: VPCInfo? = nil, maskedAPIKey: String? = nil,
        answer: @escaping @Sendable (String, [String: Value]) async throws -> ToolResult = { name, arguments in
            ToolResult(content: [.text("\(name) ok")])
        }
    ) {
        self.descriptor = SessionDescriptor(backend: .local, label: "t3st", target: "scripted", imageId: "linux_latest")
        self.sessionId = "local-t3st"
        self.maskedAPIKey = maskedAPIKey
        self.vpc = vpc
        self.ownership = ownership
        self.state = Mutex(State(tools: tools))
        self.answer = answer
    }

    var cachedTools: [ToolInfo]? { state.withLock { $0.tools } }
    var calls: [(name: String, arguments: [String: Value])] { state.withLock { $0.calls } }
    var deleted: Bool { state.withLock { $0.deleted } }
    var closed: Bool { state.withLock { $0.closed } }
    var listCount: Int { state.withLock { $0.listCount } }

    /// Changes the list the next ``listTools(imageId:refresh:)`` gives, as a server's `:refresh` would see.
    func replaceTools(_ tools: [ToolInfo]) {
        state.withLock { $0.tools = tools }
    }

    func listTools(imageId: String?, refresh: Bool) async throws -> [ToolInfo] {
        state.withLock { state in
            state.listCount += 1
            return state.tools
        }
    }

    func callTool(name: String, arguments: [String: Value], options: CallOptions) async throws -> ToolResult {
        state.withLock { $0.calls.append((name, arguments)) }
        return try await answer(name, arguments)
    }

    func findServer(forTool tool: String) async throws -> String? {
        state.withLock { $0.tools.first { $0.name == tool }?.server }
    }

    func labels() async throws -> [String: String] { state.withLock { $0.labels } }

    func setLabels(_ labels: [String: String]) async throws {
        try Self.validateLabels(labels)
        state.withLock { $0.labels = labels }
    }

    func info() async throws -> SessionInfo {
        SessionInfo(fields: [.init("session id", sessionId), .init("workspace", "/tmp/w")], requestId: "R1")
    }

    func link(protocolType: String?, port: Int?, options: String?) async throws -> String {
        try Self.validateLinkPort(port)
        return "\(protocolType ?? "https")://example.invalid:\(port ?? 30100)/\(options ?? "")"
    }

    func delete(syncContext: Bool) async throws { state.withLock { $0.deleted = true } }
    func close() async { state.withLock { $0.closed = true } }

    static let sampleTools: [ToolInfo] = [
        ToolInfo(
            name: "shell", description: "Run a shell command\nin the workspace",
            inputSchema: schema(
                ["command": ["type": "string", "description": "the command to run"],
                 "timeout_ms": ["type": "integer", "default": 1000],
                 "cwd": ["type": "string"]],
                required: ["command"]),
            server: "wuying_shell"),
        ToolInfo(
            name: "write_file", description: "Write a file",
            inputSchema: schema(
                ["path": ["type": "string"], "content": ["type": "string"],
                 "mode": ["type": "string", "enum": ["overwrite", "append", "two words"]],
                 "create": ["type": "boolean"],
                 "kind": ["const": "text"]],
                required: ["path", "content"]),
            server: "wuying_filesystem", annotations: .init(destructiveHint: true)),
        ToolInfo(
            name: "read_file", description: "Read a file",
            inputSchema: schema(
                ["path": ["type": "string"], "length": ["type": "integer", "minimum": 1],
                 "filter": ["type": "object", "properties": ["limit": ["type": "integer"], "level": ["enum": ["a", "b"]]]]],
                required: ["path"]),
            server: "wuying_filesystem", annotations: .init(readOnlyHint: true)),
        ToolInfo(name: "read_multiple_files", description: "Read files",
            inputSchema: schema(["paths": ["type": "array", "items": ["type": "string"]]], required: ["paths"])),
    ]

    static func schema(_ properties: [String: Value], required: [String]) -> Value {
        var ordered: [String: Value] = ["type": "object", "properties": .object(properties)]
        ordered["required"] = .array(required.map { .string($0) })
        return .object(ordered)
    }
}
