import MCP

/// What `:describe TOOL` prints: the description, the server and annotations, a table of arguments (type,
/// required, default, allowed values, description) and an example call line that parses back to valid arguments.
public enum ToolDescription {
    public static func render(_ tool: ToolInfo, signature: ToolSignature) -> RenderedOutput {
        var output = RenderedOutput()
        let title = tool.annotations.title.map { " — \($0)" } ?? ""
        output.line(tool.name + title, style: .emphasis)
        if !tool.description.isEmpty { output.line(tool.description) }
        var facts: [[String]] = []
        if let server = tool.server { facts.append(["server:", server]) }
        let hints = annotationWords(tool.annotations)
        if !hints.isEmpty { facts.append(["annotations:", hints.joined(separator: ", ")]) }
        if tool.needsConfirmation { facts.append(["confirm:", "asks before calling (destructive); answer a to stop asking, --yes skips"]) }
        if !facts.isEmpty {
            output.line("")
            output.line(TextTable.lines(facts).joined(separator: "\n"))
        }
        output.line("")
        if signature.parameters.isEmpty {
            output.line("arguments: none")
        } else {
            var rows = [["argument", "type", "required", "default", "description"]]
            for parameter in signature.parameters {
                var description = parameter.description.split(whereSeparator: \.isNewline).joined(separator: " ")
                if !parameter.choices.isEmpty, parameter.schema.enumValues != nil {
                    description += (description.isEmpty ? "" : " ") + "(one of: "
                        + parameter.choices.joined(separator: ", ") + ")"
                }
                rows.append([
                    parameter.name, parameter.typeLabel, parameter.isRequired ? "yes" : "",
                    parameter.schema.defaultValue.map { JSONText.encode($0) } ?? "", description,
                ])
            }
            let lines = TextTable.lines(rows, indent: "  ")
            output.line(lines[0], style: .dim)
            output.line(lines.dropFirst().joined(separator: "\n"))
        }
        output.line("")
        output.line("example:", style: .dim)
        output.line("  " + exampleLine(tool, signature: signature))
        return output
    }

    /// A call line with the required arguments (or the first optional one) set to their default, their first
    /// allowed value, or a placeholder such as `PATH` for strings.
    public static func exampleLine(_ tool: ToolInfo, signature: ToolSignature) -> String {
        var chosen = signature.parameters.filter(\.isRequired)
        if chosen.isEmpty, let first = signature.parameters.first { chosen = [first] }
        var arguments: [String: Value] = [:]
        for parameter in chosen {
            arguments[parameter.name] = exampleValue(parameter)
        }
        return CallLineRenderer.render(tool: tool.name, arguments: arguments, schema: tool.inputSchema)
    }

    private static func exampleValue(_ parameter: ToolSignature.Parameter) -> Value {
        let schema = parameter.schema
        if let value = schema.constValue ?? schema.defaultValue ?? schema.enumValues?.first { return value }
        let types = schema.allowedTypes
        if types.contains("string") { return .string(parameter.name.uppercased()) }
        if types.contains("integer") { return .int(max(Int(schema.minimum ?? 1), 1)) }
        if types.contains("number") { return .double(max(schema.minimum ?? 1.5, 1.5)) }
        if types.contains("boolean") { return .bool(true) }
        if types.contains("array") { return .array([]) }
        if types.contains("object") { return .object([:]) }
        return .string(parameter.name.uppercased())
    }

    /// `read-only`, `destructive`, `idempotent`, `open-world`, for the hints the server set to true.
    static func annotationWords(_ annotations: Tool.Annotations) -> [String] {
        var words: [String] = []
        if annotations.readOnlyHint == true { words.append("read-only") }
        if annotations.destructiveHint == true { words.append("destructive") }
        if annotations.idempotentHint == true { words.append("idempotent") }
        if annotations.openWorldHint == true { words.append("open-world") }
        return words
    }
}
