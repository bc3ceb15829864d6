import MCP

/// A server's question to the user (`elicitation/create`), asked in the call language: the requested schema is
/// treated as the input schema of a pseudo tool, so `confirm=yes reason='not now'` is typed, completed and checked
/// exactly like a tool call's arguments, with the same messages and carets.
///
/// Reusable wherever a server needs an answer shaped by a schema: ``ask(_:editor:writer:)`` is the whole
/// exchange at a terminal; ``interpret(_:)`` turns one typed line (or one replayed from a transcript) into the
/// answer.
public struct ElicitationPrompt: Sendable {
    /// The name the answer line is parsed under (it never reaches a server).
    static let pseudoTool = "answer"
    /// What the user sees before typing.
    public static let prompt = "? "

    public let request: ElicitationRequest

    public init(_ request: ElicitationRequest) {
        self.request = request
    }

    /// The heading, the fields asked for, and how to answer, for stderr.
    public var question: RenderedOutput {
        var output = RenderedOutput()
        output.errorLine(
            "MCP server '\(TerminalText.untrusted(request.server, singleLine: true))' asks: "
                + TerminalText.untrusted(request.message), style: .emphasis)
        switch request.mode {
        case .url(let url):
            output.errorLine("  open: \(TerminalText.untrusted(url, singleLine: true))")
            output.errorLine("type accept (a) once done, or decline (d or an empty line); Ctrl-C cancels", style: .dim)
        case .form:
            let fields = Self.fields(of: schema)
            let width = fields.map { TerminalText.width(of: $0.name) }.max() ?? 0
            for field in fields {
                let name = field.name + String(repeating: " ", count: max(width - TerminalText.width(of: field.name), 0))
                output.errorLine("  \(name)  \(field.summary)")
            }
            output.errorLine(
                "answer as key=value (Tab completes); an empty line declines, Ctrl-C cancels", style: .dim)
        }
        return output
    }

    /// The requested schema (an empty object schema in URL mode).
    var schema: Value {
        if case .form(let schema) = request.mode { return schema }
        return ["type": "object", "properties": [:]]
    }

    /// The answer one typed line gives: an empty line declines; `^C` (as a transcript records Ctrl-C) cancels; in
    /// URL mode `accept`/`a`/`yes` accepts; otherwise the line's arguments, typed and checked by the schema. A
    /// line that does not pass gives the errors to show (carets under the typed line).
    public func interpret(_ line: String) -> Interpretation {
        let text = line.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return .answer(.decline) }
        if text == Self.cancelled { return .answer(.cancel) }
        if case .url = request.mode {
            switch text.lowercased() {
            case "a", "accept", "y", "yes": return .answer(.accept([:]))
            case "d", "decline", "n", "no": return .answer(.decline)
            default:
                var output = RenderedOutput()
                output.errorLine("error: type accept or decline (or an empty line to decline)", style: .error)
                return .rejected(output)
            }
        }
        let offset = Self.pseudoTool.count + 1
        do {
            let call = try CallLine.parse(Self.pseudoTool + " " + line)
            let resolved = try ArgumentResolver(schema: schema).resolve(call)
            return .answer(.accept(resolved.arguments))
        } catch {
            let shifted = error.diagnostics.map { diagnostic in
                var moved = diagnostic
                moved.column = max(diagnostic.column - offset, 0)
                return moved
            }
            return .rejected(DiagnosticText.render(shifted, line: line))
        }
    }

    /// Tab on the answer line: the schema's keys, then enum members and `true`/`false`, as for a tool's arguments.
    public var completion: CompletionProvider {
        let tools = ToolIndex([ToolInfo(name: Self.pseudoTool, inputSchema: schema)])
        let offset = Self.pseudoTool.count + 1
        return { line, cursor in
            let result = Completer.complete(line: Self.pseudoTool + " " + line, cursor: cursor + offset, tools: tools)
            return CompletionResult(
                replaceStart: max(result.replaceStart - offset, 0), replaced: result.replaced,
                candidates: result.candidates)
        }
    }

    /// What one typed line gave.
    public enum Interpretation: Sendable {
        case answer(ElicitationAnswer)
        /// The line does not answer the question: the errors to show.
        case rejected(RenderedOutput)
    }

    /// How a transcript writes an answer given by Ctrl-C.
    public static let cancelled = "^C"

    /// Asks at a terminal: shows the question, then reads lines until one gives an answer (errors are shown and the
    /// question asked again). Blocks its thread while the user types. Gives the answer and the line that gave it
    /// (``cancelled`` for Ctrl-C, "" at the end of input), for a transcript.
    public func ask(editor: any LineEditor, writer: TerminalWriter) -> (answer: ElicitationAnswer, line: String) {
        writer.write(question)
        while true {
            switch editor.readAnswer(prompt: Self.prompt, completion: completion) {
            case .endOfInput: return (.cancel, Self.cancelled)
            case .interrupted: return (.cancel, Self.cancelled)
            case .line(let line):
                switch interpret(line) {
                case .answer(let answer): return (answer, line)
                case .rejected(let errors): writer.write(errors)
                }
            }
        }
    }

    /// One requested field, for the listing.
    struct Field {
        var name: String
        var summary: String
    }

    /// The fields of a flat object schema, required ones first, each with its type, choices and description.
    static func fields(of schema: Value) -> [Field] {
        guard case .object(let members) = schema, case .object(let properties)? = members["properties"] else {
            return []
        }
        let required = Set((members["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        let names = properties.keys.sorted { (required.contains($0) ? 0 : 1, $0) < (required.contains($1) ? 0 : 1, $1) }
        return names.map { name in
            let property = properties[name]?.objectValue ?? [:]
            var parts: [String] = []
            if let choices = property["enum"]?.arrayValue {
                parts.append("one of " + choices.map { $0.stringValue ?? JSONText.encode($0) }.joined(separator: ", "))
            } else if let type = property["type"]?.stringValue {
                parts.append(property["format"]?.stringValue.map { "\(type) (\($0))" } ?? type)
            }
            parts.append(required.contains(name) ? "required" : "optional")
            if let fallback = property["default"] { parts.append("default \(JSONText.encode(fallback))") }
            var summary = parts.joined(separator: ", ")
            if let description = (property["description"] ?? property["title"])?.stringValue, !description.isEmpty {
                summary += " — " + description
            }
            return Field(
                name: TerminalText.untrusted(name, singleLine: true),
                summary: TerminalText.untrusted(summary, singleLine: true, limit: 300))
        }
    }
}
