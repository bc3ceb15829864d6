import Foundation
import MCP

/// One entry of `:resources`: a resource (`uri` is its URI) or a resource template (`uri` is its URI template, such
/// as `notes://{name}`, and ``isTemplate`` is true).
public struct ResourceInfo: Sendable, Equatable {
    public var name: String
    public var uri: String
    public var mimeType: String?
    /// The size in bytes, when the server gives it.
    public var size: Int?
    public var description: String?
    public var isTemplate: Bool

    public init(
        name: String, uri: String, mimeType: String? = nil, size: Int? = nil, description: String? = nil,
        isTemplate: Bool = false
    ) {
        self.name = name
        self.uri = uri
        self.mimeType = mimeType
        self.size = size
        self.description = description
        self.isTemplate = isTemplate
    }

    /// The `{name}` variables of a template, in order; empty for a plain resource.
    public var templateVariables: [String] {
        guard isTemplate else { return [] }
        return uri.split(separator: "{", omittingEmptySubsequences: false).dropFirst().compactMap { part in
            part.firstIndex(of: "}").map { String(part[..<$0]).trimmingCharacters(in: CharacterSet(charactersIn: "+#")) }
        }
    }
}

/// One entry of `:prompts`.
public struct PromptInfo: Sendable, Equatable {
    /// One argument of a prompt; prompt arguments are always strings.
    public struct Argument: Sendable, Equatable {
        public var name: String
        public var description: String?
        public var required: Bool

        public init(name: String, description: String? = nil, required: Bool = false) {
            self.name = name
            self.description = description
            self.required = required
        }
    }

    public var name: String
    public var description: String?
    public var arguments: [Argument]

    public init(name: String, description: String? = nil, arguments: [Argument] = []) {
        self.name = name
        self.description = description
        self.arguments = arguments
    }

    /// A prompt's arguments as the JSON Schema the call language checks against: every value a string, the
    /// required ones required (so bare values fill them in order), no others.
    public static func schema(of prompt: PromptInfo) -> Value {
        var properties: [String: Value] = [:]
        for argument in prompt.arguments {
            var property: [String: Value] = ["type": "string"]
            if let description = argument.description { property["description"] = .string(description) }
            properties[argument.name] = .object(property)
        }
        return [
            "type": "object", "properties": .object(properties),
            "required": .array(prompt.arguments.filter(\.required).map { .string($0.name) }),
            "additionalProperties": false,
        ]
    }
}

/// What `prompts/get` gave: the messages, each with its role and one content item.
public struct PromptResult: Sendable, Equatable {
    public struct Message: Sendable, Equatable {
        public var role: String
        public var content: ContentItem

        public init(role: String, content: ContentItem) {
            self.role = role
            self.content = content
        }
    }

    public var description: String?
    public var messages: [Message]

    public init(description: String? = nil, messages: [Message]) {
        self.description = description
        self.messages = messages
    }
}

/// What a `completion/complete` request completes: an argument of a prompt or a variable of a resource template.
public enum CompletionReference: Sendable, Equatable {
    case prompt(name: String)
    case resourceTemplate(uri: String)
}

/// Defaults for backends without resources or prompts (the local session and AgentBay: their servers offer tools
/// only, and AgentBay's API has no call to list or read resources).
extension Session {
    public var cachedResources: [ResourceInfo]? { nil }
    public var cachedPrompts: [PromptInfo]? { nil }
    public var offersCompletions: Bool { false }
    public var serverOffers: String? { nil }
    public var protocolRevision: String? { nil }
    public var listChanges: String? { nil }

    public func listResources() async throws -> [ResourceInfo] {
        throw catalogUnsupported("resources/list")
    }

    public func readResource(uri: String) async throws -> [ContentItem] {
        throw catalogUnsupported("resources/read")
    }

    public func listPrompts() async throws -> [PromptInfo] {
        throw catalogUnsupported("prompts/list")
    }

    public func getPrompt(name: String, arguments: [String: String]) async throws -> PromptResult {
        throw catalogUnsupported("prompts/get")
    }

    public func complete(
        _ reference: CompletionReference, argument: String, value: String, context: [String: String]
    ) async throws -> [String] {
        throw catalogUnsupported("completion/complete")
    }

    private func catalogUnsupported(_ operation: String) -> SessionError {
        .unsupported(
            operation: operation, backend: descriptor.backend,
            reason: "\(descriptor.backend.sessionPhrase) offers tools only, no resources, prompts or completions")
    }
}
