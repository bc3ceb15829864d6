import MCP
import PropertyBased
import Testing
@testable import BayshCore

/// One parameter of a random schema and a value it accepts.
private struct Field: Sendable {
    var schema: Value
    var value: Value
}

@Suite struct CallLinePropertyTests {
    /// Characters that stress quoting: quotes, backslashes, markers, brackets, whitespace, wide and joining text.
    private static let awkward: [Character] = Array(#"aZ09 _-.=:@[]{},'"\/$~#"#)
        + ["\n", "\t", "\u{0}", "é", "日", "😀", "\u{301}", "\u{200D}", "\u{600}", "\u{D4E}", "\r\n", "👍🏽"]

    private static let text = Gen<Character?>.element(of: awkward).map { $0 ?? "a" }.string(of: 0...10)
    private static let digits = Gen.number.string(of: 1...4)

    private static let field0: Generator<Field, AnySequence<Any>> = text.map { Field(schema: ["type": "string"], value: .string($0)) }
        .eraseToAny()
    private static let field1: Generator<Field, AnySequence<Any>> = text.map { Field(schema: [:], value: .string($0)) }
        .eraseToAny()
    private static let field2: Generator<Field, AnySequence<Any>> = digits.map { Field(schema: [:], value: .string($0)) }
        .eraseToAny()
    private static let field3: Generator<Field, AnySequence<Any>> = Gen.int(in: -1_000_000...1_000_000).map { Field(schema: ["type": "integer"], value: .int($0)) }
        .eraseToAny()
    private static let field4: Generator<Field, AnySequence<Any>> = Gen.int().map { Field(schema: [:], value: .int($0)) }
        .eraseToAny()
    private static let field5: Generator<Field, AnySequence<Any>> = Gen.double(in: -1e6...1e6).map { Field(schema: ["type": "number"], value: .double($0)) }
        .eraseToAny()
    private static let field6: Generator<Field, AnySequence<Any>> = Gen.double(in: -1e3...1e3).map { Field(schema: [:], value: .double($0)) }
        .eraseToAny()
    private static let field7: Generator<Field, AnySequence<Any>> = Gen.bool().map { Field(schema: ["type": "boolean"], value: .bool($0)) }
        .eraseToAny()
    private static let field8: Generator<Field, AnySequence<Any>> = text.optional().map { Field(schema: ["type": ["string", "null"]], value: $0.map(Value.string) ?? .null) }
        .eraseToAny()
    private static let field9: Generator<Field, AnySequence<Any>> = digits.map { Field(schema: ["anyOf": [["type": "integer"], ["type": "string"]]], value: .string($0)) }
        .eraseToAny()
    private static let field10: Generator<Field, AnySequence<Any>> = Gen<String?>.element(of: ["a b", "5", "x", "true"]).map {
            Field(schema: ["enum": ["a b", "5", "x", "true", 5]], value: .string($0 ?? "x"))
        }
        .eraseToAny()
    private static let field11: Generator<Field, AnySequence<Any>> = text.array(of: 0...3).map {
            Field(schema: ["type": "array", "items": ["type": "string"]], value: .array($0.map(Value.string)))
        }
        .eraseToAny()
    private static let field12: Generator<Field, AnySequence<Any>> = zip(text, Gen.int(in: -5...5), text).map { parts in
            Field(
                schema: ["$ref": "#/$defs/Filter"],
                value: ["name": .string(parts.0), "limit": .int(parts.1), "extra": ["k" + parts.2: .string(parts.2)]])
        }
        .eraseToAny()

    private static let field = Gen<Field>.oneOf(
        field0, field1, field2, field3, field4, field5, field6, field7, field8, field9, field10, field11, field12)

    private static let fields = field.array(of: 0...6)
    private static let keys = text.array(of: 6)

    /// Keys are mostly plain, sometimes awkward text; the index keeps them unique.
    private static func schemaAndArguments(_ fields: [Field], _ keys: [String]) -> (Value, [String: Value]) {
        var properties: [String: Value] = [:]
        var arguments: [String: Value] = [:]
        var required: [Value] = []
        for (index, field) in fields.enumerated() {
            let key = index.isMultiple(of: 2) ? "k\(index)" : keys[index] + "\(index)"
            properties[key] = field.schema
            arguments[key] = field.value
            if index.isMultiple(of: 3) { required.append(.string(key)) }
        }
        let schema: Value = [
            "type": "object", "properties": .object(properties), "required": .array(required),
            "$defs": ["Filter": [
                "type": "object", "required": ["name"],
                "properties": ["name": ["type": "string"], "limit": ["type": "integer"], "extra": ["type": "object"]],
            ]],
        ]
        return (schema, arguments)
    }

    @Test func renderedLinesResolveToTheSameArguments() async {
        await propertyCheck(count: 1500, input: Self.fields, Self.keys) { fields, keys in
            let (schema, arguments) = Self.schemaAndArguments(fields, keys)
            for schema in [schema, nil] {
                let line = CallLineRenderer.render(tool: "tool", arguments: arguments, schema: schema)
                do {
                    let call = try ArgumentResolver(schema: schema).resolve(try CallLine.parse(line))
                    #expect(call.tool == "tool")
                    #expect(call.arguments == arguments, "\(line)")
                } catch {
                    Issue.record("\(line): \(error)")
                }
            }
        }
    }

    private static let fragments: [String] = [
        "t", " ", "  ", "a", "key", "=", ":=", "@=", "[]", ".", "'", "\"", "\\", "\\u", "\\uD83D", "\\uDE00",
        "{", "}", "[", "]", ",", ":", "5", "-1.5e3", "true", "null", "\n", "\t", "é", "😀", "\u{301}", "\u{600}",
        "x.y.z", "tags", "filter", "limit", "mode", #"{"a":1}"#, "\\n", "0041",
    ]

    private static let nested: Value = [
        "type": "object", "required": ["mode"],
        "properties": [
            "mode": ["enum": ["r", "w"]], "tags": ["type": "array", "items": ["type": "string"]],
            "filter": ["$ref": "#/$defs/F"], "key": ["anyOf": [["type": "integer"], ["type": "string", "pattern": "("]]],
            "a": ["$ref": "#/$defs/Loop"], "t": false,
        ],
        "$defs": ["F": ["type": "object", "properties": ["limit": ["type": "integer", "minimum": 0]],
                        "additionalProperties": false],
                  "Loop": ["anyOf": [["$ref": "#/$defs/Loop"]]]],
    ]

    @Test func randomLinesNeverCrash() async {
        let lines = Gen<String?>.element(of: Self.fragments).map { $0 ?? "" }.array(of: 0...24).map { $0.joined() }
        await propertyCheck(count: 5000, input: lines) { line in
            let tokenized = CallLineTokenizer.tokenize(line)
            let length = line.count
            #expect(tokenized.tokens.allSatisfy { $0.range.upperBound <= length })
            _ = CallLine.needsContinuation(line)
            for diagnostic in tokenized.diagnostics { _ = diagnostic.caretDisplay(for: line) }
            guard let call = try? CallLine.parse(line) else { return }
            for schema in [Self.nested, nil] {
                let resolver = ArgumentResolver(schema: schema) { _ in throw FileReadError("no files here") }
                do throws(CallLineError) {
                    let resolved = try resolver.resolve(call)
                    let rendered = CallLineRenderer.render(
                        tool: resolved.tool, arguments: resolved.arguments, schema: schema)
                    let again = try? resolver.resolve(try CallLine.parse(rendered))
                    #expect(again?.arguments == resolved.arguments, "\(line) -> \(rendered)")
                } catch {
                    for diagnostic in error.diagnostics {
                        #expect(diagnostic.column >= 0 && diagnostic.column <= length, "\(line): \(diagnostic)")
                        _ = diagnostic.caretDisplay(for: line)
                    }
                }
            }
        }
    }
}
