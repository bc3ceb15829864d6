import BayshCore
import Foundation
import MCP

/// What runs the fake's tools: a tool list and a call function. Plug in any ``Session`` (the embedded local
/// session) with ``init(session:)``, or use ``testTools`` (echo, sleep, fail, mixed).
public struct FakeToolExecutor: Sendable {
    public var tools: @Sendable () async -> [ToolInfo]
    public var call: @Sendable (_ name: String, _ arguments: [String: Value]) async -> ToolResult

    public init(
        tools: @escaping @Sendable () async -> [ToolInfo],
        call: @escaping @Sendable (_ name: String, _ arguments: [String: Value]) async -> ToolResult
    ) {
        self.tools = tools
        self.call = call
    }

    /// Runs tools on `session`; a call that throws comes back as an `isError` result carrying the error text.
    public init(session: any Session) {
        self.tools = { (try? await session.listTools()) ?? [] }
        self.call = { name, arguments in
            do {
                return try await session.callTool(name: name, arguments: arguments)
            } catch {
                return ToolResult(content: [.text("\(error)")], isError: true)
            }
        }
    }

    /// The server name the test tools report.
    public static let testServer = "wuying_test"

    /// `echo {text}` → the text; `sleep {ms}` → waits, then "slept N ms"; `fail {message}` → an error result;
    /// `mixed` → a text, an image and a resource link item.
    public static let testTools = FakeToolExecutor(
        tools: {
            let object: (Value) -> Value = { properties in ["type": "object", "properties": properties] }
            return [
                ToolInfo(
                    name: "echo", description: "Returns its text", inputSchema: object(["text": ["type": "string"]]),
                    server: testServer),
                ToolInfo(
                    name: "sleep", description: "Waits ms milliseconds", inputSchema: object(["ms": ["type": "integer"]]),
                    server: testServer),
                ToolInfo(
                    name: "fail", description: "Fails with a message",
                    inputSchema: object(["message": ["type": "string"]]), server: testServer),
                ToolInfo(name: "mixed", description: "Returns several content items", inputSchema: object([:]),
                    server: testServer),
            ]
        },
        call: { name, arguments in
            switch name {
            case "echo":
                return ToolResult(content: [.text(arguments["text"]?.stringValue ?? "")])
            case "sleep":
                let milliseconds = arguments["ms"]?.intValue ?? 0
                try? await Task.sleep(for: .milliseconds(milliseconds))
                return ToolResult(content: [.text("slept \(milliseconds) ms")])
            case "fail":
                return ToolResult(content: [.text(arguments["message"]?.stringValue ?? "failed")], isError: true)
            case "mixed":
                return ToolResult(content: [
                    .text("first"), .image(base64: "iVBORw0KGgo=", mimeType: "image/png"),
                    .resourceLink(uri: "file:///tmp/report.txt", name: "report.txt", mimeType: "text/plain"),
                ])
            default:
                return ToolResult(content: [.text("tool \(name) not found")], isError: true)
            }
        })
}
