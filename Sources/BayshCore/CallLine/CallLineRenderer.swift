import MCP

/// Writes a tool name and arguments back as a call line, for history and transcripts.
///
/// Parsing and resolving the line with the same schema gives back the same arguments: each value is written in
/// the most readable form that the schema types back to it (`count=5`, `name='two words'`, `zip=012` for a
/// string key, `n:="5"` for an untyped one, `tags:=["a","b"]`, `filter.limit=5`), and when no such form exists
/// the whole argument list is written as one JSON object (`tool {"a":1}`).
public enum CallLineRenderer {
    /// Objects nested deeper than this are written as `key:={…}` rather than dotted keys.
    static let maximumDottedDepth = 8

    /// The canonical line: required parameters in `required` order, then the others sorted by name.
    ///
    /// `.data` values are written as their `data:` URL string, which reads back as a string.
    public static func render(tool: String, arguments: [String: Value], schema: Value?) -> String {
        let root = schema.map(JSONSchema.init)
        var words = [ShellQuoting.word(tool).text]
        for key in ordered(arguments.keys, schema: root) {
            words += pair([key], arguments[key] ?? .null, root: root)
        }
        let line = words.joined(separator: " ")
        if readsBack(line, as: tool, arguments, schema: schema) { return line }
        // All ASCII, every other scalar escaped: no grapheme cluster can join an escape's last digit, a quote or a
        // space to the character next to it (`\udc4d` then an emoji modifier reads as one Character).
        let toolText = JSONText.quoted(tool, asciiOnly: true)
        guard !arguments.isEmpty else { return toolText }
        return toolText + " " + JSONText.encode(.object(arguments), asciiOnly: true)
    }

    private static func ordered(_ keys: Dictionary<String, Value>.Keys, schema: JSONSchema?) -> [String] {
        let required = (schema?.required ?? []).filter { keys.contains($0) }
        return required + keys.filter { !required.contains($0) }.sorted()
    }

    private static func pair(_ keyPath: [String], _ value: Value, root: JSONSchema?) -> [String] {
        let key = keyPath.map(ShellQuoting.keySegment).joined(separator: ".")
        switch value {
        case .object(let members) where !members.isEmpty && keyPath.count < maximumDottedDepth:
            let nested = root?.schema(at: keyPath)
            return ordered(members.keys, schema: nested).flatMap { member in
                pair(keyPath + [member], members[member] ?? .null, root: root)
            }
        case .object, .array:
            // After `:=` a `{` or `[` starts raw JSON, so no shell quoting is needed.
            return [key + ":=" + JSONText.encode(value)]
        default:
            return [scalar(value, key: key, schema: root?.schema(at: keyPath))]
        }
    }

    /// `key=text` when the schema types the text back to `value`, else `key:=json` (a string "5" for an untyped
    /// or `anyOf` key is `key:="5"`).
    private static func scalar(_ value: Value, key: String, schema: JSONSchema?) -> String {
        let text: String
        switch value {
        case .string(let string): text = string
        case .int(let number): text = String(number)
        case .double(let number): text = JSONText.numberText(number)
        case .bool(let flag): text = flag ? "true" : "false"
        case .null: text = "null"
        case .data(let mimeType, let data): text = data.dataURLEncoded(mimeType: mimeType)
        case .array, .object: return key + ":=" + JSONText.encode(value)
        }
        let word = ShellQuoting.word(text)
        if types(text, quoted: word.quoted, schema: schema, to: value) { return key + "=" + word.text }
        // A JSON string starts with `"` and is read raw after `:=`; numbers, booleans and null are plain words.
        return key + ":=" + JSONText.encode(value)
    }

    private static func types(_ text: String, quoted: Bool, schema: JSONSchema?, to value: Value) -> Bool {
        guard case .success(let typed) = ValueTyping.value(of: text, quoted: quoted, schema: schema) else {
            return false
        }
        return typed == value
    }

    /// Whether the line parses and assembles to exactly `tool` and `arguments` (files are never read here).
    private static func readsBack(_ line: String, as tool: String, _ arguments: [String: Value], schema: Value?)
        -> Bool
    {
        guard let call = try? CallLine.parse(line), call.tool == tool else { return false }
        let resolver = ArgumentResolver(schema: schema) { _ in throw FileReadError("not read while rendering") }
        let assembly = resolver.assemble(call)
        return assembly.errors.isEmpty && assembly.arguments == arguments
    }
}
