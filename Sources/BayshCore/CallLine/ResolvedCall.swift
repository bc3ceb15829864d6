import MCP

/// A call ready to send: the tool name and a typed, validated arguments object.
public struct ResolvedCall: Sendable, Equatable {
    /// The tool to call.
    public var tool: String
    /// The arguments object for `call_mcp_tool` / `tools/call`.
    public var arguments: [String: Value]
    /// Things worth telling the user that do not stop the call (unknown keys where extra keys are allowed).
    public var warnings: [CallLineDiagnostic]

    public init(tool: String, arguments: [String: Value], warnings: [CallLineDiagnostic] = []) {
        self.tool = tool
        self.arguments = arguments
        self.warnings = warnings
    }
}
