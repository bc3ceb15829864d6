import BayshCore
import Foundation
import MCP

/// What must hold for any line a user can type, whatever its bytes:
///
/// - tokenizing, parsing, resolving and drawing carets never crash or hang;
/// - every diagnostic points into the line (or just past its end, for something missing);
/// - when a line resolves, with no schema and with ``nestedSchema``, its canonical rendering parses and resolves
///   to the same tool and arguments, and rendering those again gives the same line.
public enum CallLineInvariants {
    /// A schema with every keyword the resolver types by: scalars, enum, const, type arrays, anyOf, oneOf, arrays,
    /// nested and recursive (`$ref`) objects, extra properties, bounds and a pattern.
    public static let nestedSchema: Value = {
        let text = """
            {
              "type": "object",
              "required": ["path"],
              "properties": {
                "path": {"type": "string"},
                "count": {"type": "integer", "minimum": 0, "maximum": 1000},
                "ratio": {"type": "number", "exclusiveMinimum": -1e9},
                "flag": {"type": "boolean"},
                "mode": {"enum": ["r", "w", 2, null, true]},
                "level": {"const": "high"},
                "note": {"type": ["string", "null"]},
                "choice": {"anyOf": [{"type": "integer"}, {"type": "string", "maxLength": 40}]},
                "either": {"oneOf": [{"type": "boolean"}, {"type": "array", "items": {"type": "number"}}]},
                "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 50},
                "ids": {"type": "array", "items": {"type": "integer"}},
                "name": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "minLength": 1},
                "meta": {"type": "object", "additionalProperties": {"type": "string"}},
                "node": {"$ref": "#/$defs/node"},
                "filter": {
                  "type": "object",
                  "properties": {
                    "limit": {"type": "integer"},
                    "kind": {"enum": ["warn", "error"]},
                    "since": {"type": "string"},
                    "deep": {"$ref": "#/definitions/leaf"}
                  },
                  "additionalProperties": false
                }
              },
              "$defs": {
                "node": {
                  "type": "object",
                  "properties": {"value": {"type": "number"}, "next": {"$ref": "#/$defs/node"}}
                }
              },
              "definitions": {
                "leaf": {"type": "object", "properties": {"on": {"type": "boolean"}, "at": {"type": "integer"}}}
              }
            }
            """
        do {
            return try JSONDecoder().decode(Value.self, from: Data(text.utf8))
        } catch {
            preconditionFailure("the fuzz schema is valid JSON: \(error)")
        }
    }()

    /// Tool names for the did-you-mean check.
    static let toolNames = ["read_file", "write_file", "shell", "search", "list_directory", "create", "tag"]

    /// Checks the bytes as one line (invalid UTF-8 becomes U+FFFD, as when the shell reads it).
    public static func check(_ bytes: [UInt8]) throws(InvariantViolation) {
        try check(line: String(decoding: bytes, as: UTF8.self))
    }

    /// Checks one line.
    public static func check(line: String) throws(InvariantViolation) {
        let width = line.count
        let tokenized = CallLineTokenizer.tokenize(line)
        _ = CallLine.needsContinuation(line)
        for token in tokenized.tokens where token.range.lowerBound < 0 || token.range.upperBound > width {
            throw InvariantViolation("token \(token.range) lies outside the line of \(width) characters")
        }
        try checkColumns(tokenized.diagnostics, in: line, width: width, stage: "tokenize")
        let call: CallLine
        do {
            call = try CallLine.parse(line)
        } catch {
            try checkColumns(error.diagnostics, in: line, width: width, stage: "parse")
            return
        }
        let unknown = CallLineDiagnostic.unknownTool(call.tool, column: call.toolColumn, tools: toolNames)
        try checkColumns([unknown], in: line, width: width, stage: "unknown tool")
        for schema in [nil, nestedSchema] {
            try checkResolved(call, line: line, width: width, schema: schema)
        }
    }

    /// Files named by `key@=path` are never read: their text is made from the path, the same every time.
    static let readFile: @Sendable (String) throws -> String = { path in
        if path.hasSuffix(".missing") { throw FileReadError("no such file") }
        return "text of " + path
    }

    private static func checkResolved(_ call: CallLine, line: String, width: Int, schema: Value?)
        throws(InvariantViolation)
    {
        let resolver = ArgumentResolver(schema: schema, readFile: readFile)
        let stage = schema == nil ? "resolve without schema" : "resolve with schema"
        let resolved: ResolvedCall
        do {
            resolved = try resolver.resolve(call)
        } catch {
            try checkColumns(error.diagnostics, in: line, width: width, stage: stage)
            return
        }
        try checkColumns(resolved.warnings, in: line, width: width, stage: stage + " (warnings)")
        let rendered = CallLineRenderer.render(tool: resolved.tool, arguments: resolved.arguments, schema: schema)
        let again: ResolvedCall
        do {
            again = try resolver.resolve(try CallLine.parse(rendered))
        } catch {
            throw InvariantViolation(
                "\(stage): the canonical line \(quoted(rendered)) of \(quoted(line)) does not read back: "
                    + error.description)
        }
        guard again.tool == resolved.tool, again.arguments == resolved.arguments else {
            throw InvariantViolation(
                "\(stage): the canonical line \(quoted(rendered)) of \(quoted(line)) reads back as "
                    + "\(describe(again)) instead of \(describe(resolved))")
        }
        let renderedAgain = CallLineRenderer.render(tool: again.tool, arguments: again.arguments, schema: schema)
        guard renderedAgain == rendered else {
            throw InvariantViolation(
                "\(stage): rendering is not stable: \(quoted(rendered)) then \(quoted(renderedAgain))")
        }
    }

    /// Every diagnostic's underline lies within the line, or is one caret just after its end; drawing the first
    /// few works (each drawing copies the line, and a long line of bad escapes has hundreds of diagnostics).
    private static func checkColumns(
        _ diagnostics: [CallLineDiagnostic], in line: String, width: Int, stage: String
    ) throws(InvariantViolation) {
        for (index, diagnostic) in diagnostics.enumerated() {
            let end = diagnostic.column + diagnostic.length
            let inside = diagnostic.column >= 0 && diagnostic.length >= 0 && end <= width
            let caretAfterEnd = diagnostic.column == width && diagnostic.length <= 1
            guard inside || caretAfterEnd else {
                throw InvariantViolation(
                    "\(stage): \(diagnostic.kind) at column \(diagnostic.column), length \(diagnostic.length) lies "
                        + "outside the line of \(width) characters \(quoted(line)): \(diagnostic.message)")
            }
            if index < 4 { _ = diagnostic.caretDisplay(for: line) }
        }
    }

    private static func describe(_ call: ResolvedCall) -> String {
        "\(quoted(call.tool)) \(encoded(.object(call.arguments)))"
    }
}

/// Text shown inside a violation message, escaped so control characters stay visible.
func quoted(_ text: String) -> String {
    encoded(.string(text))
}

func encoded(_ value: Value) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(value) else { return String(describing: value) }
    return String(decoding: data, as: UTF8.self)
}
