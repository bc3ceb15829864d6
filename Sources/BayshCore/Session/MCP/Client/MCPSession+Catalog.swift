import Foundation
import MCP
import Synchronization

/// What the server offers beside tools, as last listed: Tab completes from it without I/O.
struct CatalogCache: Sendable {
    var resources: [ResourceInfo]?
    var prompts: [PromptInfo]?
}

/// Resources, prompts and completions of an MCP server: `:resources`, `:read`, `:prompts`, `:prompt` and Tab.
extension MCPSession {
    public var cachedResources: [ResourceInfo]? { catalog.withLock { $0.resources } }
    public var cachedPrompts: [PromptInfo]? { catalog.withLock { $0.prompts } }
    public var offersCompletions: Bool { handshake?.capabilities.completions != nil }
    public var serverOffers: String? { handshake.map { Self.describe($0.capabilities) } }
    public var protocolRevision: String? { handshake?.protocolVersion }

    public var listChanges: String? {
        guard let connection = liveConnection else { return nil }
        guard connection.isModern else {
            // Handshake-era servers may send them without declaring it (the Python SDK's do): heard all the same.
            let declared = ListSubscription.changeable(in: connection.handshake.capabilities)
            return "heard on the connection"
                + (declared.isEmpty ? "" : " (declared: \(declared.map(\.rawValue).joined(separator: ", ")))")
        }
        return connection.subscription?.status ?? "none declared by the server"
    }

    public func listResources() async throws -> [ResourceInfo] {
        let resources = try await pages("resources/list", items: "resources").map { item in
            ResourceInfo(
                name: item["name"]?.stringValue ?? "", uri: item["uri"]?.stringValue ?? "",
                mimeType: item["mimeType"]?.stringValue, size: Self.integer(item["size"]),
                description: item["description"]?.stringValue)
        }
        // A server may offer resources but no templates: its "method not found" there means none.
        let templates = try await pages("resources/templates/list", items: "resourceTemplates", optional: true)
            .map { item in
                ResourceInfo(
                    name: item["name"]?.stringValue ?? "", uri: item["uriTemplate"]?.stringValue ?? "",
                    mimeType: item["mimeType"]?.stringValue, description: item["description"]?.stringValue,
                    isTemplate: true)
            }
        let all = resources + templates
        catalog.withLock { $0.resources = all }
        return all
    }

    public func readResource(uri: String) async throws -> [ContentItem] {
        let result = try await request("resources/read", params: ["uri": .string(uri)], subject: "'\(uri)'")
        guard case .array(let contents)? = result["contents"] else {
            throw SessionError.protocolViolation(
                "MCP server '\(serverName)' answered resources/read without a contents array")
        }
        return contents.map { value in
            let item = value.objectValue ?? [:]
            return .resource(
                uri: item["uri"]?.stringValue ?? uri, mimeType: item["mimeType"]?.stringValue,
                text: item["text"]?.stringValue, blobBase64: item["blob"]?.stringValue)
        }
    }

    public func listPrompts() async throws -> [PromptInfo] {
        let prompts = try await pages("prompts/list", items: "prompts").map { item in
            let arguments = (item["arguments"]?.arrayValue ?? []).compactMap { value -> PromptInfo.Argument? in
                guard let argument = value.objectValue, let name = argument["name"]?.stringValue else { return nil }
                return PromptInfo.Argument(
                    name: name, description: argument["description"]?.stringValue,
                    required: argument["required"] == .bool(true))
            }
            return PromptInfo(
                name: item["name"]?.stringValue ?? "", description: item["description"]?.stringValue,
                arguments: arguments)
        }
        catalog.withLock { $0.prompts = prompts }
        return prompts
    }

    public func getPrompt(name: String, arguments: [String: String]) async throws -> PromptResult {
        let result = try await request(
            "prompts/get", params: ["name": .string(name), "arguments": .object(arguments.mapValues(Value.string))],
            subject: "prompt '\(name)'")
        guard case .array(let messages)? = result["messages"] else {
            throw SessionError.protocolViolation(
                "MCP server '\(serverName)' answered prompts/get without a messages array")
        }
        return PromptResult(
            description: result["description"]?.stringValue,
            messages: messages.map { value in
                let message = value.objectValue ?? [:]
                return PromptResult.Message(
                    role: message["role"]?.stringValue ?? "?",
                    content: message["content"].map(CallToolResultParsing.item) ?? .text(""))
            })
    }

    public func complete(
        _ reference: CompletionReference, argument: String, value: String, context: [String: String]
    ) async throws -> [String] {
        let ref: Value =
            switch reference {
            case .prompt(let name): ["type": "ref/prompt", "name": .string(name)]
            case .resourceTemplate(let uri): ["type": "ref/resource", "uri": .string(uri)]
            }
        var params: [String: Value] = ["ref": ref, "argument": ["name": .string(argument), "value": .string(value)]]
        if !context.isEmpty { params["context"] = ["arguments": .object(context.mapValues(Value.string))] }
        let result = try await request("completion/complete", params: .object(params), subject: "'\(argument)'")
        return (result["completion"]?.objectValue?["values"]?.arrayValue ?? []).compactMap(\.stringValue)
    }

    /// Every item of a paginated list, following `nextCursor` (a repeated cursor is an error, not a loop). With
    /// `optional`, a server that does not know the method has no items.
    private func pages(_ method: String, items key: String, optional: Bool = false) async throws -> [[String: Value]] {
        var items: [[String: Value]] = []
        var cursor: String?
        var seen: Set<String> = []
        repeat {
            let params: Value = cursor.map { ["cursor": .string($0)] } ?? [:]
            let result: [String: Value]
            do {
                result = try await request(method, params: params, subject: nil)
            } catch SessionError.notFound(_) where optional {
                return []
            }
            guard case .array(let page)? = result[key] else {
                throw SessionError.protocolViolation("MCP server '\(serverName)' answered \(method) without '\(key)'")
            }
            items += page.compactMap(\.objectValue)
            cursor = result["nextCursor"]?.stringValue
            if let next = cursor, !seen.insert(next).inserted {
                throw SessionError.protocolViolation("MCP server '\(serverName)' repeated the \(method) cursor '\(next)'")
            }
        } while cursor != nil
        return items
    }

    /// One request's result object; a JSON-RPC error becomes a ``SessionError`` naming `subject`.
    private func request(_ method: String, params: Value, subject: String?) async throws -> [String: Value] {
        let connection = try currentConnection()
        let (answer, _, _) = try await exchange(method, params: params, on: connection, operation: method, timeout: readTimeout)
        if let error = JSONRPCErrorAnswer(answer: answer) {
            let about = subject.map { " for \($0)" } ?? ""
            if error.code == JSONRPCErrorAnswer.methodNotFound {
                throw SessionError.notFound("MCP server '\(serverName)' does not offer \(method): \(error.text)")
            }
            throw SessionError.notFound("MCP server '\(serverName)' refused \(method)\(about): \(error.text)")
        }
        guard case .object(let result)? = answer["result"] else {
            throw SessionError.protocolViolation("MCP server '\(serverName)' answered \(method) with no result")
        }
        return result
    }

    private static func integer(_ value: Value?) -> Int? {
        switch value {
        case .int(let number)?: return number
        case .double(let number)? where number >= 0 && number < 1e15: return Int(number)
        default: return nil
        }
    }
}
