import Foundation
import MCP

/// A read-only view of one node of a tool's JSON Schema (`inputSchema`), with `$ref` already followed.
///
/// The same view serves typing, validation, completion, hints and `:describe`. Unknown or malformed keywords read
/// as absent, so a server's odd schema never stops a call.
public struct JSONSchema: Sendable {
    /// The schema node after following `$ref`.
    public let node: Value
    /// The whole document, for resolving `$ref`.
    let root: Value
    /// The node that held the `$ref`, whose `description`/`default` win over the target's.
    let referringNode: Value?

    /// A view of the root of a schema document.
    public init(_ schema: Value) {
        self.init(node: schema, root: schema)
    }

    init(node: Value, root: Value) {
        let (resolved, followed) = Self.follow(node, in: root)
        self.node = resolved
        self.root = root
        self.referringNode = followed ? node : nil
    }

    /// `$ref` chains longer than this are treated as cycles and read as "any value".
    static let maximumReferenceChain = 32

    private static func follow(_ node: Value, in root: Value) -> (Value, followed: Bool) {
        var current = node
        var seen: [String] = []
        while case .object(let members) = current, case .string(let reference)? = members["$ref"] {
            guard !seen.contains(reference), seen.count < maximumReferenceChain,
                let target = lookUp(reference, in: root)
            else { return (.object([:]), true) }
            seen.append(reference)
            current = target
        }
        return (current, !seen.isEmpty)
    }

    /// Resolves a local JSON pointer (`#/$defs/Filter`, `#/definitions/Filter`, `#`).
    private static func lookUp(_ reference: String, in root: Value) -> Value? {
        guard reference.hasPrefix("#") else { return nil }
        let pointer = reference.dropFirst()
        guard !pointer.isEmpty else { return root }
        guard pointer.hasPrefix("/") else { return nil }
        var current = root
        for rawPart in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var part = String(rawPart)
            if part.contains("~") {
                part = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            }
            part = part.removingPercentEncodingIfPossible
            switch current {
            case .object(let members):
                guard let next = members[part] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(part), items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }

    private var members: [String: Value] { node.objectValue ?? [:] }

    private func child(_ value: Value) -> JSONSchema { JSONSchema(node: value, root: root) }

    private func number(_ key: String) -> Double? {
        switch members[key] {
        case .int(let number)?: Double(number)
        case .double(let number)?: number
        default: nil
        }
    }

    private func count(_ key: String) -> Int? {
        switch members[key] {
        case .int(let number)?: number
        case .double(let number)? where number.rounded() == number && abs(number) < 1e15: Int(number)
        default: nil
        }
    }

    /// Whether this is the `false` schema, which accepts nothing.
    public var acceptsNothing: Bool { node == .bool(false) }

    /// Declared type names (`type: "string"` or `type: ["string", "null"]`); empty when the node has no `type`.
    public var types: [String] {
        switch members["type"] {
        case .string(let name)?: [name]
        case .array(let names)?: names.compactMap(\.stringValue)
        default: []
        }
    }

    /// The `enum` values, if any.
    public var enumValues: [Value]? { members["enum"]?.arrayValue }
    /// The `const` value, if any.
    public var constValue: Value? { members["const"] }
    /// The `default` value, if any (the referring node's wins).
    public var defaultValue: Value? { referringNode?.objectValue?["default"] ?? members["default"] }
    /// The `description` text, if any (the referring node's wins).
    public var description: String? {
        referringNode?.objectValue?["description"]?.stringValue ?? members["description"]?.stringValue
    }
    /// The `title` text, if any.
    public var title: String? { members["title"]?.stringValue }
    /// The `format` name (`uri`, `date-time`), if any.
    public var format: String? { members["format"]?.stringValue }

    /// Property names in display order: required ones in `required` order, then the rest in natural order
    /// (``NaturalOrder``: `p2` before `p10`).
    public var propertyNames: [String] {
        let declared = members["properties"]?.objectValue ?? [:]
        let required = self.required.filter { declared[$0] != nil }
        return required + declared.keys.filter { !required.contains($0) }.sorted(by: NaturalOrder.precedes)
    }

    /// Properties in ``propertyNames`` order.
    public var properties: [(name: String, schema: JSONSchema)] {
        propertyNames.compactMap { name in property(name).map { (name, $0) } }
    }

    /// The schema of one declared property.
    public func property(_ name: String) -> JSONSchema? {
        members["properties"]?.objectValue?[name].map(child)
    }

    /// Required property names in the order given, duplicates removed.
    public var required: [String] {
        var names: [String] = []
        for name in members["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where !names.contains(name) {
            names.append(name)
        }
        return names
    }

    /// What `additionalProperties` allows.
    public enum AdditionalProperties: Sendable {
        /// Absent or `true`: any extra key is accepted.
        case allowed
        /// `false`: extra keys are errors.
        case forbidden
        /// A schema every extra value must match.
        case schema(JSONSchema)
    }

    /// What `additionalProperties` allows.
    public var additionalProperties: AdditionalProperties {
        switch members["additionalProperties"] {
        case .bool(false)?: .forbidden
        case .object(let object)? where !object.isEmpty: .schema(child(.object(object)))
        default: .allowed
        }
    }

    /// The schema for array items (`items`, or the first of a tuple-style `items`/`prefixItems`).
    public var items: JSONSchema? {
        switch members["items"] {
        case .object(let object)?: child(.object(object))
        case .array(let list)?: list.first.map(child)
        case .bool(let flag)?: child(.bool(flag))
        default: members["prefixItems"]?.arrayValue?.first.map(child)
        }
    }

    /// The `anyOf` branches.
    public var anyOf: [JSONSchema] { members["anyOf"]?.arrayValue?.map(child) ?? [] }
    /// The `oneOf` branches.
    public var oneOf: [JSONSchema] { members["oneOf"]?.arrayValue?.map(child) ?? [] }
    /// The `allOf` parts.
    public var allOf: [JSONSchema] { members["allOf"]?.arrayValue?.map(child) ?? [] }
    /// `anyOf` then `oneOf` branches: alternatives tried in order.
    public var branches: [JSONSchema] { anyOf + oneOf }

    /// `minimum`.
    public var minimum: Double? { number("minimum") }
    /// `maximum`.
    public var maximum: Double? { number("maximum") }
    /// `exclusiveMinimum` as a number (draft 6+), or `minimum` when draft 4's `exclusiveMinimum: true` is set.
    public var exclusiveMinimum: Double? {
        members["exclusiveMinimum"] == .bool(true) ? number("minimum") : number("exclusiveMinimum")
    }
    /// `exclusiveMaximum` as a number (draft 6+), or `maximum` when draft 4's `exclusiveMaximum: true` is set.
    public var exclusiveMaximum: Double? {
        members["exclusiveMaximum"] == .bool(true) ? number("maximum") : number("exclusiveMaximum")
    }
    /// `multipleOf`, when positive.
    public var multipleOf: Double? { number("multipleOf").flatMap { $0 > 0 ? $0 : nil } }
    /// `minLength` in Characters.
    public var minLength: Int? { count("minLength") }
    /// `maxLength` in Characters.
    public var maxLength: Int? { count("maxLength") }
    /// `minItems`.
    public var minItems: Int? { count("minItems") }
    /// `maxItems`.
    public var maxItems: Int? { count("maxItems") }
    /// `pattern` (an ECMA-262 regular expression, searched anywhere in the string).
    public var pattern: String? { members["pattern"]?.stringValue }

    /// Whether the node says anything about the value's shape (type, enum, const, branches, properties, items).
    public var constrainsType: Bool {
        !types.isEmpty || enumValues != nil || constValue != nil || !branches.isEmpty || acceptsNothing
            || members["properties"] != nil || members["items"] != nil
    }

    /// Type names this node allows, looking through branches; empty means any type.
    public var allowedTypes: Set<String> { allowedTypes(depth: 0) }

    private func allowedTypes(depth: Int) -> Set<String> {
        guard depth < Self.maximumReferenceChain else { return [] }
        if let constValue { return [constValue.typeName] }
        if let enumValues { return Set(enumValues.map(\.typeName)) }
        if !types.isEmpty { return Set(types) }
        if !branches.isEmpty {
            var union: Set<String> = []
            for branch in branches {
                let types = branch.allowedTypes(depth: depth + 1)
                if types.isEmpty { return [] }
                union.formUnion(types)
            }
            return union
        }
        if members["properties"] != nil { return ["object"] }
        if members["items"] != nil { return ["array"] }
        return []
    }

    /// Whether the schema accepts arrays, so repeating a key builds one.
    public var acceptsArrays: Bool {
        let types = allowedTypes
        return types.contains("array")
    }

    /// The item schema of the first array-accepting alternative (this node, or an `anyOf`/`oneOf` branch).
    public var arrayItems: JSONSchema? {
        if types.contains("array") || members["items"] != nil { return items }
        return branches.first(where: { $0.acceptsArrays })?.arrayItems
    }

    /// A short label such as `string`, `integer`, `string|null`, `array<string>`, `"a"|"b"`, or `any`.
    public var typeLabel: String { typeLabel(depth: 0) }

    private func typeLabel(depth: Int) -> String {
        guard depth < 8 else { return "…" }
        if acceptsNothing { return "never" }
        if let constValue { return JSONText.encode(constValue) }
        if let enumValues, !enumValues.isEmpty { return enumValues.map { JSONText.encode($0) }.joined(separator: "|") }
        var labels: [String] = []
        for type in types {
            if type == "array", let items, items.constrainsType {
                labels.append("array<\(items.typeLabel(depth: depth + 1))>")
            } else {
                labels.append(type)
            }
        }
        if labels.isEmpty {
            for branch in branches {
                for label in branch.typeLabel(depth: depth + 1).split(separator: "|").map(String.init)
                where !labels.contains(label) {
                    labels.append(label)
                }
            }
        }
        if labels.isEmpty, members["properties"] != nil { labels.append("object") }
        if labels.isEmpty, let items, members["items"] != nil {
            labels.append(items.constrainsType ? "array<\(items.typeLabel(depth: depth + 1))>" : "array")
        }
        return labels.isEmpty ? "any" : labels.joined(separator: "|")
    }

    /// The schema a dotted key leads to: declared properties first, then an `additionalProperties` schema, then
    /// the first `anyOf`/`oneOf` branch that declares the key; nil when nothing is known about the key.
    public func schema(at keyPath: [String]) -> JSONSchema? {
        var current: JSONSchema? = self
        for key in keyPath {
            guard let schema = current else { return nil }
            current = schema.propertySchema(key, depth: 0)
        }
        return current
    }

    private func propertySchema(_ key: String, depth: Int) -> JSONSchema? {
        if let declared = property(key) { return declared }
        guard depth < Self.maximumReferenceChain else { return nil }
        for branch in branches + allOf {
            if let found = branch.propertySchema(key, depth: depth + 1) { return found }
        }
        if case .schema(let extra) = additionalProperties { return extra }
        return nil
    }
}

extension Value {
    /// The JSON Schema type name of the value (`integer` for ints, `number` for doubles).
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int: "integer"
        case .double: "number"
        case .string, .data: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension String {
    fileprivate var removingPercentEncodingIfPossible: String {
        contains("%") ? (removingPercentEncoding ?? self) : self
    }
}
