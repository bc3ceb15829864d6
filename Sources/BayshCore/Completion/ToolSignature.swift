import MCP

/// A tool's arguments as the shell shows and completes them, derived once from its `inputSchema`.
///
/// For the local `shell` tool ``compact`` is `command:string [timeout_ms:integer] [cwd:string] [envs:object]`.
public struct ToolSignature: Sendable {
    /// One top-level argument of a tool.
    public struct Parameter: Sendable {
        /// The key (`command`).
        public var name: String
        /// `string`, `integer`, `array<string>`, `"overwrite"|"append"`.
        public var typeLabel: String
        /// Whether the schema lists it in `required`.
        public var isRequired: Bool
        /// The schema's description, or "".
        public var description: String
        /// What Tab offers after `name=`: enum members, the const, or `true`/`false`, unquoted.
        public var choices: [String]
        /// The same choices as JSON, for `name:=`.
        public var jsonChoices: [String]
        /// The schema of the argument, for nested keys and `:describe`.
        public var schema: JSONSchema

        /// `command:string`, or `[cwd:string]` when optional.
        public var compact: String {
            isRequired ? "\(name):\(typeLabel)" : "[\(name):\(typeLabel)]"
        }
    }

    /// The tool name.
    public var tool: String
    /// Required arguments first, each group in schema order.
    public var parameters: [Parameter]
    /// The whole `inputSchema`, read once, for the values and nested keys completion offers.
    public var schema: JSONSchema

    /// Derives the signature of `tool`.
    public init(_ tool: ToolInfo) {
        self.tool = tool.name
        self.schema = JSONSchema(tool.inputSchema)
        self.parameters = Self.parameters(of: schema, required: Set(schema.required))
    }

    /// The parameters of an object schema, required ones first.
    static func parameters(of schema: JSONSchema, required: Set<String>) -> [Parameter] {
        let all = schema.properties.map { property in
            Parameter(
                name: property.name, typeLabel: property.schema.typeLabel,
                isRequired: required.contains(property.name),
                description: property.schema.description ?? "",
                choices: choices(of: property.schema), jsonChoices: jsonChoices(of: property.schema),
                schema: property.schema)
        }
        return all.filter(\.isRequired) + all.filter { !$0.isRequired }
    }

    /// The parameter called `name`.
    public func parameter(_ name: String) -> Parameter? {
        parameters.first { $0.name == name }
    }

    /// The names of the required parameters in order: what bare positional values fill.
    public var requiredNames: [String] {
        parameters.filter(\.isRequired).map(\.name)
    }

    /// The parameters that argument tokens already give: those named (`command=ls`), and the required ones that
    /// bare values fill in order (`read_file /etc/hosts`). Nil when a token is a whole JSON object, which gives
    /// everything.
    func givenParameters(by tokens: some Sequence<CallLineToken>) -> Set<String>? {
        var given = Set<String>()
        var positionals = 0
        for token in tokens {
            let argument = CallLine.classify(token)
            switch argument.form {
            case .positional: positionals += 1
            case .object: return nil
            case .assign, .json, .file: if let root = argument.keyPath.first { given.insert(root) }
            }
        }
        for name in requiredNames.filter({ !given.contains($0) }).prefix(positionals) {
            given.insert(name)
        }
        return given
    }

    /// Every parameter, `command:string [cwd:string]`.
    public var compact: String {
        parameters.map(\.compact).joined(separator: " ")
    }

    /// The values a schema allows outright: its const, its enum members, or both booleans. For an array, those of
    /// its items (repeated keys and `key[]=` add items).
    private static func allowedValues(of schema: JSONSchema) -> [Value] {
        if let constant = schema.constValue { return [constant] }
        if let members = schema.enumValues, !members.isEmpty { return members }
        if schema.allowedTypes.contains("boolean") { return [.bool(true), .bool(false)] }
        if let items = schema.arrayItems, items.node != schema.node { return allowedValues(of: items) }
        return []
    }

    /// ``Parameter/choices`` for any schema node (nested keys too).
    static func choices(of schema: JSONSchema) -> [String] {
        allowedValues(of: schema).map(callLineText)
    }

    /// ``Parameter/jsonChoices`` for any schema node.
    static func jsonChoices(of schema: JSONSchema) -> [String] {
        allowedValues(of: schema).map { JSONText.encode($0) }
    }

    /// How a value is written after `key=`: strings as they are, everything else as JSON.
    private static func callLineText(_ value: Value) -> String {
        if case .string(let text) = value { return text }
        return JSONText.encode(value)
    }
}
