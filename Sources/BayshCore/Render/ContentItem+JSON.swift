import MCP

extension ContentItem {
    /// The item as MCP JSON, for `:format json` (`{"type":"text","text":"hi"}`).
    public var jsonValue: Value {
        switch self {
        case .text(let text):
            return .object(["type": "text", "text": .string(text)])
        case .image(let data, let mimeType):
            return .object(["type": "image", "data": .string(data), "mimeType": .string(mimeType)])
        case .audio(let data, let mimeType):
            return .object(["type": "audio", "data": .string(data), "mimeType": .string(mimeType)])
        case .resource(let uri, let mimeType, let text, let blob):
            var resource: [String: Value] = ["uri": .string(uri)]
            if let mimeType { resource["mimeType"] = .string(mimeType) }
            if let text { resource["text"] = .string(text) }
            if let blob { resource["blob"] = .string(blob) }
            return .object(["type": "resource", "resource": .object(resource)])
        case .resourceLink(let uri, let name, let mimeType):
            var link: [String: Value] = ["type": "resource_link", "uri": .string(uri), "name": .string(name)]
            if let mimeType { link["mimeType"] = .string(mimeType) }
            return .object(link)
        }
    }
}

extension ToolResult {
    /// The result as MCP JSON: `content`, `isError`, and `structuredContent` when present.
    public var jsonValue: Value {
        var object: [String: Value] = ["content": .array(content.map(\.jsonValue)), "isError": .bool(isError)]
        if let structuredContent { object["structuredContent"] = structuredContent }
        return .object(object)
    }
}
