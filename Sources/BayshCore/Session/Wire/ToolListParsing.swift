import Foundation
import MCP

/// Reads a tool list as AgentBay sends it: ListMcpTools `Data` and CreateMcpSession/GetSession `ToolList`.
///
/// The list comes as a JSON string (usually) or a real array, each item
/// `{"name","description","inputSchema","server","tool"}`; the SDKs also accept `Name`, `Server` and `serverName`.
package enum ToolListParsing {
    package static func tools(from value: Value?, what: String) throws -> [ToolInfo] {
        let items: [Value]
        switch value {
        case nil, .null:
            return []
        case .string(let text):
            if text.trimmingCharacters(in: .whitespaces).isEmpty { return [] }
            guard case .array(let parsed) = try WireJSON.parse(text, what: what) else {
                throw SessionError.protocolViolation("\(what) is not a JSON array of tools")
            }
            items = parsed
        case .array(let array):
            items = array
        default:
            throw SessionError.protocolViolation("\(what) is neither a JSON string nor an array of tools")
        }
        return items.compactMap(tool)
    }

    /// One tool object; nil without a name.
    package static func tool(_ item: Value) -> ToolInfo? {
        guard case .object(let object) = item else { return nil }
        guard let name = first(object, ["name", "Name", "tool", "Tool"]).flatMap(WireValue.string), !name.isEmpty
        else { return nil }
        let server = first(object, ["server", "Server", "serverName", "ServerName"]).flatMap(WireValue.string)
        let description = first(object, ["description", "Description"]).flatMap(WireValue.string) ?? ""
        var schema = first(object, ["inputSchema", "InputSchema", "input_schema"]) ?? .object(["type": "object"])
        // Some answers nest the schema as a JSON string of its own.
        if case .string(let text) = schema, let parsed = try? WireJSON.parse(text, what: "inputSchema") {
            schema = parsed
        }
        return ToolInfo(
            name: name, description: description, inputSchema: schema,
            server: server.flatMap { $0.isEmpty ? nil : $0 }, annotations: annotations(object["annotations"]))
    }

    private static func annotations(_ value: Value?) -> Tool.Annotations {
        guard case .object(let object)? = value else { return nil }
        return Tool.Annotations(
            title: object["title"].flatMap(WireValue.string),
            readOnlyHint: object["readOnlyHint"].flatMap(WireValue.bool),
            destructiveHint: object["destructiveHint"].flatMap(WireValue.bool),
            idempotentHint: object["idempotentHint"].flatMap(WireValue.bool),
            openWorldHint: object["openWorldHint"].flatMap(WireValue.bool))
    }

    private static func first(_ object: [String: Value], _ keys: [String]) -> Value? {
        for key in keys { if let value = object[key] { return value } }
        return nil
    }

    /// The JSON text of a tool list, as the fake server and ``WireJSON`` round trips write it.
    package static func json(_ tools: [ToolInfo]) -> String {
        WireJSON.text(
            .array(
                tools.map { tool in
                    var object: [String: Value] = [
                        "name": .string(tool.name), "tool": .string(tool.name),
                        "description": .string(tool.description), "inputSchema": tool.inputSchema,
                        "server": .string(tool.server ?? ""),
                    ]
                    if !tool.annotations.isEmpty {
                        var annotations: [String: Value] = [:]
                        if let title = tool.annotations.title { annotations["title"] = .string(title) }
                        if let hint = tool.annotations.readOnlyHint { annotations["readOnlyHint"] = .bool(hint) }
                        if let hint = tool.annotations.destructiveHint { annotations["destructiveHint"] = .bool(hint) }
                        if let hint = tool.annotations.idempotentHint { annotations["idempotentHint"] = .bool(hint) }
                        if let hint = tool.annotations.openWorldHint { annotations["openWorldHint"] = .bool(hint) }
                        object["annotations"] = .object(annotations)
                    }
                    return .object(object)
                }))
    }
}
