import Foundation
import MCP

/// Converts between MCP's wire types and the Session contract's: ``SessionServer`` writes the SDK's `Tool` and
/// `Tool.Content`, and ``MCPSession`` reads listed tools from their JSON.
enum ToolContent {
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
