import MCP

/// ``ToolSignature/compact`` for a long tool list, worked out from the schema pieces tools share instead of each
/// tool's whole schema: `:tools` over 10,000 tools read each tool's schema back into a tree and derived its full
/// signature (completion choices, descriptions) only to print `name:type` pairs, costing more CPU than fetching the
/// list. A server's tools mostly repeat the same argument schemas (``SchemaFragments``), so each piece is read once
/// per listing. Gives exactly what ``ToolSignature/compact`` gives.
struct CompactSignatures {
    private struct Argument {
        var name: String
        var typeLabel: String
    }

    /// `name:type` of each `properties` member read so far, by piece.
    private var arguments: [ObjectIdentifier: Argument] = [:]
    /// The `required` list of each schema frame read so far.
    private var required: [ObjectIdentifier: [String]] = [:]
    /// Whole signatures by frame and members: tools generated from one template share all of them.
    private var signatures: [[ObjectIdentifier]: String] = [:]

    mutating func compact(of tool: ToolInfo) -> String {
        guard let frame = tool.schema.frame, let members = tool.schema.members else {
            return ToolSignature(tool).compact
        }
        let key = [ObjectIdentifier(frame)] + members.map(ObjectIdentifier.init)
        if let known = signatures[key] { return known }
        guard let declared = arguments(of: members) else {
            // A `$ref` is resolved against the whole document: the slow, exact way.
            return ToolSignature(tool).compact
        }
        let requiredNames = required(of: frame)
        let requiredSet = Set(requiredNames)
        var byName: [String: Argument] = [:]
        for argument in declared where byName[argument.name] == nil { byName[argument.name] = argument }
        var seen = Set<String>()
        var parts: [String] = []
        for name in requiredNames where !seen.contains(name) {
            seen.insert(name)
            if let argument = byName[name] { parts.append("\(argument.name):\(argument.typeLabel)") }
        }
        let optional = byName.keys.filter { !requiredSet.contains($0) }.sorted(by: NaturalOrder.precedes)
        for name in optional {
            if let argument = byName[name] { parts.append("[\(argument.name):\(argument.typeLabel)]") }
        }
        let text = parts.joined(separator: " ")
        signatures[key] = text
        return text
    }

    /// The members' names and type labels, or nil when one refers elsewhere with `$ref`.
    private mutating func arguments(of members: [SchemaFragment]) -> [Argument]? {
        var result: [Argument] = []
        result.reserveCapacity(members.count)
        for member in members {
            let id = ObjectIdentifier(member)
            if let known = arguments[id] {
                result.append(known)
                continue
            }
            guard !member.text.contains("\"$ref\""),
                case .success(.object(let wrapped)) = JSONText.parse("{" + member.text + "}"),
                let (name, schema) = wrapped.first
            else { return nil }
            let argument = Argument(name: name, typeLabel: JSONSchema(schema).typeLabel)
            arguments[id] = argument
            result.append(argument)
        }
        return result
    }

    private mutating func required(of frame: SchemaFragment) -> [String] {
        let id = ObjectIdentifier(frame)
        if let known = required[id] { return known }
        let names = JSONSchema(frame.value).required
        required[id] = names
        return names
    }
}
