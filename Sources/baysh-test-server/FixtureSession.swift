import BayshCore
import Foundation
import MCP
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A small ``Session`` with tools made to exercise MCP clients: ordinary answers, error results, slow and hanging
/// calls, big results, a crash and garbage on stdout. Test fixture only.
final class FixtureSession: Session {
    let descriptor = SessionDescriptor(backend: .local, label: "fixture", target: "fixture")
    let sessionId = "fixture-session"
    let ownership = SessionOwnership.created
    var maskedAPIKey: String? { nil }
    var vpc: VPCInfo? { nil }
    private let labelStore = Mutex<[String: String]>([:])
    /// Writes a line to stderr for every call, like the Python SDK's request log.
    let noisy: Bool
    /// The fixed tools, then `--tools N` generated ones (for the memory benchmark).
    let tools: [ToolInfo]

    init(noisy: Bool, generatedTools: Int = 0) {
        self.noisy = noisy
        self.tools = Self.tools + GeneratedTools.make(count: generatedTools)
    }

    static let tools: [ToolInfo] = [
        tool("echo", "Returns its text.", ["text": "string"], readOnly: true),
        tool("add", "Adds a and b.", ["a": "number", "b": "number"], readOnly: true),
        tool("slow", "Sleeps ms milliseconds, then answers; stops when cancelled.", ["ms": "integer"], readOnly: true),
        tool("hang", "Never answers, ignoring cancellation.", [:], readOnly: true),
        tool("fail", "Reports a tool failure (isError).", ["message": "string"], readOnly: true),
        tool("big", "Returns a text of `bytes` bytes.", ["bytes": "integer"], readOnly: true),
        tool("media", "Returns an image, a resource and a resource link.", [:], readOnly: true),
        tool("env", "Returns the value of environment variable `name`.", ["name": "string"], readOnly: true),
        tool("cwd", "Returns the working directory.", [:], readOnly: true),
        tool("crash", "Writes `message` to stderr and exits with status 3.", ["message": "string"], readOnly: false),
        tool("garbage", "Writes a line that is not JSON to stdout.", [:], readOnly: false),
        tool("partial", "Writes half a JSON-RPC line to stdout, then hangs.", [:], readOnly: false),
        tool("partial-exit", "Writes half a JSON-RPC line to stdout and a stderr line, then exits with status 4.", [:],
            readOnly: false),
        tool("flood", "Writes `bytes` bytes of stderr (short lines, then one long line), then answers.",
            ["bytes": "integer"], readOnly: true),
    ]

    private static func tool(_ name: String, _ description: String, _ properties: [String: String], readOnly: Bool)
        -> ToolInfo
    {
        let schema: Value = .object([
            "type": "object",
            "properties": .object(properties.mapValues { .object(["type": .string($0)]) }),
            "required": .array(properties.keys.sorted().map { .string($0) }),
        ])
        return ToolInfo(
            name: name, description: description, inputSchema: schema,
            annotations: .init(readOnlyHint: readOnly, destructiveHint: !readOnly))
    }

    var cachedTools: [ToolInfo]? { tools }

    func listTools(imageId: String?, refresh: Bool) async throws -> [ToolInfo] { tools }

    func callTool(name: String, arguments: [String: Value], options: CallOptions) async throws -> ToolResult {
        if noisy { FileHandle.standardError.write(Data("fixture: call \(name)\n".utf8)) }
        switch name {
        case "echo":
            return ToolResult(content: [.text(arguments["text"]?.stringValue ?? "")])
        case "add":
            let sum = number(arguments["a"]) + number(arguments["b"])
            return ToolResult(content: [.text("\(sum)")], structuredContent: .object(["sum": .double(sum)]))
        case "slow":
            try await Task.sleep(for: .milliseconds(arguments["ms"]?.intValue ?? 1000))
            return ToolResult(content: [.text("slept")])
        case "hang":
            while true { try? await Task.sleep(for: .seconds(3600)) }
        case "fail":
            return ToolResult(content: [.text(arguments["message"]?.stringValue ?? "failed")], isError: true)
        case "big":
            return ToolResult(content: [.text(String(repeating: "x", count: arguments["bytes"]?.intValue ?? 0))])
        case "media":
            return ToolResult(content: [
                .image(base64: "iVBORw0KGgo=", mimeType: "image/png"),
                .resource(uri: "file:///notes.txt", mimeType: "text/plain", text: "notes", blobBase64: nil),
                .resourceLink(uri: "file:///data.bin", name: "data.bin", mimeType: "application/octet-stream"),
            ])
        case "env":
            let value = ProcessInfo.processInfo.environment[arguments["name"]?.stringValue ?? ""]
            return ToolResult(content: [.text(value ?? "<unset>")])
        case "cwd":
            return ToolResult(content: [.text(FileManager.default.currentDirectoryPath)])
        case "crash":
            FileHandle.standardError.write(Data("fixture: \(arguments["message"]?.stringValue ?? "crashing")\n".utf8))
            exit(3)
        case "garbage":
            let line = "this is not JSON-RPC\n"
            _ = line.withCString { write(STDOUT_FILENO, $0, strlen($0)) }
            return ToolResult(content: [.text("wrote garbage")])
        case "partial":
            Self.writeAll(Array(#"{"jsonrpc":"2.0","id":"baysh-"#.utf8), to: STDOUT_FILENO)
            while true { try? await Task.sleep(for: .seconds(3600)) }
        case "partial-exit":
            Self.writeAll(Array(#"{"jsonrpc":"2.0","id":"baysh-"#.utf8), to: STDOUT_FILENO)
            Self.writeAll(Array("fixture: dying mid-answer\n".utf8), to: STDERR_FILENO)
            exit(4)
        case "flood":
            let total = arguments["bytes"]?.intValue ?? 0
            Self.flood(bytes: total)
            return ToolResult(content: [.text("flooded \(total)")])
        default:
            throw SessionError.notFound("unknown tool '\(name)'")
        }
    }

    /// Half the bytes in 100-byte lines, the other half as one line with no newline until the end, then a last
    /// line that must be the tail's newest: a server logging heavily while it answers.
    private static func flood(bytes total: Int) {
        var line = [UInt8](repeating: UInt8(ascii: "e"), count: 99)
        line.append(UInt8(ascii: "\n"))
        let lines = Array(repeatElement(line, count: 655).joined())
        let long = [UInt8](repeating: UInt8(ascii: "L"), count: 64 * 1024)
        var written = 0
        while written < total / 2 {
            writeAll(lines, to: STDERR_FILENO)
            written += lines.count
        }
        while written < total {
            writeAll(long, to: STDERR_FILENO)
            written += long.count
        }
        writeAll(Array("\nfixture: flood done\n".utf8), to: STDERR_FILENO)
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }

    private func number(_ value: Value?) -> Double {
        switch value {
        case .int(let int): Double(int)
        case .double(let double): double
        case .string(let text): Double(text) ?? 0
        default: 0
        }
    }

    func findServer(forTool tool: String) async throws -> String? {
        tools.contains { $0.name == tool } ? "fixture" : nil
    }

    func labels() async throws -> [String: String] { labelStore.withLock { $0 } }

    func setLabels(_ labels: [String: String]) async throws {
        try Self.validateLabels(labels)
        labelStore.withLock { $0 = labels }
    }

    func info() async throws -> SessionInfo { SessionInfo(fields: [.init("session id", sessionId)]) }

    func link(protocolType: String?, port: Int?, options: String?) async throws -> String {
        throw SessionError.unsupported(operation: "get_link", backend: .local, reason: "fixture")
    }

    func delete(syncContext: Bool) async throws {}

    func close() async {}
}
