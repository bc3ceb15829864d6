import Foundation
import MCP

/// Reads an MCP CallToolResult as the three AgentBay routes deliver it, keeping every content item (the SDKs keep
/// only `content[0]`).
///
/// Accepted shapes: `{"content":[…],"isError":bool}` as an object or a JSON string; the same under `result`
/// (Go's reading, and the LinkUrl route); a `Data` string that is not JSON (Go returns it raw, so it becomes one text
/// item); content items that are objects of any MCP type or bare strings.
package enum CallToolResultParsing {
    /// The parts of a ToolResult that come from the wire.
    package struct Parsed: Sendable, Equatable {
        package var content: [ContentItem]
        package var isError: Bool
        package var structuredContent: Value?
    }

    /// CallMcpTool `Data` (API route).
    package static func apiData(_ data: Value?) throws -> Parsed {
        switch data {
        case nil, .null:
            throw SessionError.protocolViolation("the CallMcpTool answer has empty Data")
        case .string(let text):
            if text.isEmpty { throw SessionError.protocolViolation("the CallMcpTool answer has empty Data") }
            guard let parsed = try? WireJSON.parse(text, what: "CallMcpTool Data") else {
                return Parsed(content: [.text(text)], isError: false)
            }
            return result(parsed)
        case .some(let value):
            return result(value)
        }
    }

    /// A LinkUrl route answer: `{"data": <JSON string or object of {"result": CallToolResult}>}`.
    package static func linkAnswer(_ answer: Value) throws -> Parsed {
        guard case .object(let object) = answer, let data = object["data"] ?? object["Data"] else {
            throw SessionError.protocolViolation("the LinkUrl callTool answer has no data field")
        }
        var inner = data
        if case .string(let text) = data {
            inner = (try? WireJSON.parse(text, what: "LinkUrl data")) ?? .string(text)
        }
        guard case .object(let innerObject) = inner, innerObject["result"] != nil || innerObject["content"] != nil
        else {
            throw SessionError.protocolViolation("the LinkUrl callTool answer has no result field")
        }
        return result(inner)
    }

    /// A CallToolResult object, or whatever came instead of one.
    package static func result(_ value: Value) -> Parsed {
        guard case .object(let object) = value else {
            if case .string(let text) = value { return Parsed(content: [.text(text)], isError: false) }
            return Parsed(content: [.text(WireJSON.text(value))], isError: false)
        }
        if object["content"] == nil, let nested = object["result"], case .object = nested {
            return result(nested)
        }
        let isError = (object["isError"] ?? object["IsError"]).flatMap(WireValue.bool) ?? false
        guard case .array(let items)? = object["content"] ?? object["Content"] else {
            return Parsed(content: [.text(WireJSON.text(value))], isError: isError)
        }
        return Parsed(
            content: items.map(item), isError: isError, structuredContent: object["structuredContent"])
    }

    /// One content item; unknown kinds become text so nothing is silently lost.
    package static func item(_ value: Value) -> ContentItem {
        guard case .object(let object) = value else {
            if case .string(let text) = value { return .text(text) }
            return .text(WireJSON.text(value))
        }
        let type = object["type"].flatMap(WireValue.string)
        let string = { (key: String) in object[key].flatMap(WireValue.string) }
        switch type {
        case "text":
            if let text = string("text") { return .text(text) }
        case "image":
            if let data = string("data") { return .image(base64: data, mimeType: string("mimeType") ?? "image/png") }
        case "audio":
            if let data = string("data") { return .audio(base64: data, mimeType: string("mimeType") ?? "audio/wav") }
        case "resource":
            if case .object(let resource)? = object["resource"], let uri = resource["uri"].flatMap(WireValue.string) {
                return .resource(
                    uri: uri, mimeType: resource["mimeType"].flatMap(WireValue.string),
                    text: resource["text"].flatMap(WireValue.string),
                    blobBase64: resource["blob"].flatMap(WireValue.string))
            }
        case "resource_link":
            if let uri = string("uri") {
                return .resourceLink(uri: uri, name: string("name") ?? uri, mimeType: string("mimeType"))
            }
        default:
            break
        }
        // Go's fallbacks for items without a known type: text, then blob, then data.
        if let text = string("text") ?? string("blob") ?? string("data") { return .text(text) }
        return .text(WireJSON.text(value))
    }

    /// The MCP JSON of a content item (the fake server writes results with it).
    package static func json(_ item: ContentItem) -> Value {
        switch item {
        case .text(let text):
            return ["type": "text", "text": .string(text)]
        case .image(let data, let mimeType):
            return ["type": "image", "data": .string(data), "mimeType": .string(mimeType)]
        case .audio(let data, let mimeType):
            return ["type": "audio", "data": .string(data), "mimeType": .string(mimeType)]
        case .resource(let uri, let mimeType, let text, let blob):
            var resource: [String: Value] = ["uri": .string(uri)]
            if let mimeType { resource["mimeType"] = .string(mimeType) }
            if let text { resource["text"] = .string(text) }
            if let blob { resource["blob"] = .string(blob) }
            return ["type": "resource", "resource": .object(resource)]
        case .resourceLink(let uri, let name, let mimeType):
            var object: [String: Value] = ["type": "resource_link", "uri": .string(uri), "name": .string(name)]
            if let mimeType { object["mimeType"] = .string(mimeType) }
            return .object(object)
        }
    }

    /// The MCP JSON of a whole result.
    package static func json(_ result: ToolResult) -> Value {
        var object: [String: Value] = ["content": .array(result.content.map(json)), "isError": .bool(result.isError)]
        if let structured = result.structuredContent { object["structuredContent"] = structured }
        return .object(object)
    }
}
