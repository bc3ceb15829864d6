import Foundation
import MCP

/// Converts between MCP's wire types and the Session contract's, in both directions: ``MCPSession`` reads
/// `Tool.Content`, ``SessionServer`` writes it.
enum ToolContent {
    static func item(_ content: Tool.Content) -> ContentItem {
        switch content {
        case .text(let text, _, _):
            return .text(text)
        case .image(let data, let mimeType, _, _):
            return .image(base64: data, mimeType: mimeType)
        case .audio(let data, let mimeType, _, _):
            return .audio(base64: data, mimeType: mimeType)
        case .resource(let resource, _, _):
            return .resource(
                uri: resource.uri, mimeType: resource.mimeType, text: resource.text, blobBase64: resource.blob)
        case .resourceLink(let uri, let name, _, _, let mimeType, _):
            return .resourceLink(uri: uri, name: name, mimeType: mimeType)
        }
    }

    static func content(_ item: ContentItem) -> Tool.Content {
        switch item {
        case .text(let text):
            return .text(text: text, annotations: nil, _meta: nil)
        case .image(let data, let mimeType):
            return .image(data: data, mimeType: mimeType, annotations: nil, _meta: nil)
        case .audio(let data, let mimeType):
            return .audio(data: data, mimeType: mimeType, annotations: nil, _meta: nil)
        case .resource(let uri, let mimeType, let text, let blob):
            let resource: Resource.Content =
                if let blob {
                    .binary(Data(base64Encoded: blob, options: .ignoreUnknownCharacters) ?? Data(), uri: uri, mimeType: mimeType)
                } else {
                    .text(text ?? "", uri: uri, mimeType: mimeType)
                }
            return .resource(resource: resource)
        case .resourceLink(let uri, let name, let mimeType):
            return .resourceLink(uri: uri, name: name, mimeType: mimeType)
        }
    }

    static func toolInfo(_ tool: Tool, server: String?) -> ToolInfo {
        var annotations = tool.annotations
        if annotations.title == nil { annotations.title = tool.title }
        return ToolInfo(
            name: tool.name, description: tool.description ?? "", inputSchema: tool.inputSchema, server: server,
            annotations: annotations)
    }

    /// One item of a `tools/list` answer, read from its JSON: nil without a name. An MCP tool's `title` stands in
    /// for a missing annotations title, as the SDK's `Tool` does.
    static func toolInfo(listed item: Value, server: String) -> ToolInfo? {
        guard var tool = ToolListParsing.tool(item) else { return nil }
        tool.server = server
        if tool.annotations.title == nil, case .string(let title)? = item.objectValue?["title"] {
            tool.annotations.title = title
        }
        return tool
    }

    static func tool(_ info: ToolInfo) -> Tool {
        Tool(
            name: info.name, title: info.annotations.title, description: info.description,
            inputSchema: info.inputSchema, annotations: info.annotations)
    }

    static func result(_ result: ToolResult) -> CallTool.Result {
        CallTool.Result(
            content: result.content.map(content), structuredContent: result.structuredContent,
            isError: result.isError ? true : nil)
    }
}
