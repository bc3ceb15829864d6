import MCP

/// A tool's `inputSchema` as ``ToolInfo`` keeps it: compact JSON text rather than a `Value` tree, whose dictionary
/// per schema node costs about twenty times the text, split so that what tools repeat is stored once. Each member
/// of the root's `properties` (`"path":{"type":"string"}`) and the rest of the root ("frame") are
/// ``SchemaFragment``s shared through ``SchemaFragments``: a server's tools mostly take the same arguments with the
/// same schemas.
///
/// Reading the schema back parses the text, about as fast as building the tree by hand; the shell reads it once
/// per call it checks and once per tool it completes (``ToolIndex`` keeps the result for a few tools).
struct CompactSchema: Sendable, Equatable {
    private enum Storage: Sendable, Equatable {
        /// The root without `properties`, and `properties`' members sorted by name; nil when there is no
        /// `properties` object.
        case text(frame: SchemaFragment, members: [SchemaFragment]?)
        /// A schema nested deeper than the JSON reader reads back, kept as it came.
        case tree(Value)
    }

    private let storage: Storage

    init(_ schema: Value) {
        guard Self.depth(of: schema, limit: JSONText.maximumDepth - 1) < JSONText.maximumDepth - 1 else {
            storage = .tree(schema)
            return
        }
        let fragments = SchemaFragments.shared
        guard case .object(var members) = schema, case .object(let declared)? = members["properties"] else {
            storage = .text(frame: fragments.fragment(JSONText.encode(schema)), members: nil)
            return
        }
        members["properties"] = nil
        storage = .text(
            frame: fragments.fragment(JSONText.encode(.object(members))),
            members: declared.sorted { $0.key < $1.key }.map {
                fragments.fragment(JSONText.quoted($0.key) + ":" + JSONText.encode($0.value))
            })
    }

    /// The schema as a `Value` tree, equal to the one it was made from (a `data:` value reads back as the string
    /// it is written as).
    var value: Value {
        switch storage {
        case .tree(let value):
            return value
        case .text(let frame, let members):
            guard let members, case .object(var root) = frame.value else { return frame.value }
            var text = "{"
            for (index, member) in members.enumerated() {
                if index > 0 { text += "," }
                text += member.text
            }
            text += "}"
            root["properties"] = (try? JSONText.parse(text).get()) ?? .object([:])
            return .object(root)
        }
    }

    /// The root without `properties`, when kept as text.
    var frame: SchemaFragment? {
        if case .text(let frame, _) = storage { frame } else { nil }
    }

    /// The members of the root's `properties` (`"name":schema`), sorted by name, when kept as text.
    var members: [SchemaFragment]? {
        if case .text(_, let members) = storage { members } else { nil }
    }

    /// How deep `value` nests, counted up to `limit`.
    private static func depth(of value: Value, limit: Int) -> Int {
        guard limit > 0 else { return 0 }
        switch value {
        case .object(let members): return 1 + (members.values.lazy.map { depth(of: $0, limit: limit - 1) }.max() ?? 0)
        case .array(let items): return 1 + (items.lazy.map { depth(of: $0, limit: limit - 1) }.max() ?? 0)
        default: return 0
        }
    }
}
