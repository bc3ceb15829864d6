import Foundation
import MCP
import Testing

@testable import BayshCore

@Suite("ToolInfo's compact schema")
struct CompactSchemaTests {
    static let schemas: [Value] = [
        .object(["type": "object"]),
        .object([
            "type": "object", "required": ["path"], "additionalProperties": false,
            "properties": .object([
                "path": .object(["type": "string", "description": "Wo liegt's? – «Pfad» ✓"]),
                "limit": .object(["type": "integer", "minimum": 1, "maximum": 1.5e3, "default": 100]),
                "ratio": .object(["type": "number", "default": 1.0, "multipleOf": 0.25]),
                "filter": .object([
                    "$ref": "#/$defs/Filter", "description": "which",
                ]),
                "": .object(["const": .null]),
                "tags": .object(["type": "array", "items": .object(["enum": ["a", "b\"c", "d\\e"]])]),
            ]),
            "$defs": .object(["Filter": .object(["type": "object", "properties": .object([
                "kind": .object(["enum": [1, 2.5, true, .null]]),
            ])])]),
        ]),
        .object(["type": "object", "properties": .array([])]),
        .object(["properties": .object([:])]),
        .bool(true),
        .array([.int(1), .string("x")]),
        .string("data:text/plain;base64,aGk="),
    ]

    @Test(arguments: schemas)
    func schemaReadsBackAsGiven(schema: Value) {
        let tool = ToolInfo(name: "t", inputSchema: schema)
        #expect(tool.inputSchema == schema)
        #expect(tool == ToolInfo(name: "t", inputSchema: schema))
    }

    @Test func schemaNestedBeyondTheReaderIsKeptAsItCame() {
        var deep: Value = .object(["type": "string"])
        for _ in 0..<600 { deep = .object(["type": "object", "properties": .object(["next": deep])]) }
        let tool = ToolInfo(name: "deep", inputSchema: deep)
        #expect(tool.inputSchema == deep)
    }

    @Test func settingTheSchemaReplacesIt() {
        var tool = ToolInfo(name: "t", inputSchema: Self.schemas[1])
        let before = tool
        tool.inputSchema = .object(["type": "object", "properties": .object(["x": .object(["type": "integer"])])])
        #expect(tool.inputSchema.objectValue?["properties"]?.objectValue?["x"] == .object(["type": "integer"]))
        #expect(tool != before)
        tool.inputSchema = Self.schemas[1]
        #expect(tool == before)
    }

    @Test func equalPiecesAreStoredOnce() throws {
        let shared: Value = .object(["type": "string", "description": "Shared by both tools \(UUID())"])
        let first = ToolInfo(name: "a", inputSchema: .object(["type": "object", "properties": .object([
            "path": shared, "mode": .object(["enum": ["x"]]),
        ])]))
        let second = ToolInfo(name: "b", inputSchema: .object(["type": "object", "properties": .object([
            "path": shared, "size": .object(["type": "integer"]),
        ])]))
        let firstPath = try #require(first.schema.members?.first { $0.text.hasPrefix("\"path\":") })
        let secondPath = try #require(second.schema.members?.first { $0.text.hasPrefix("\"path\":") })
        #expect(firstPath === secondPath)
        #expect(first.schema.frame === second.schema.frame)
        #expect(first.schema != second.schema)
    }

    @Test func piecesNoToolHoldsAreDropped() {
        let pool = SchemaFragments()
        let kept = pool.fragment("{\"kept\":true}")
        for number in 0..<100 { _ = pool.fragment("{\"dropped\":\(number)}") }
        #expect(pool.count == 101)
        pool.sweep()
        #expect(pool.count == 1)
        #expect(pool.fragment("{\"kept\":true}") === kept)
    }

    @Test func thePoolSweepsItselfWhenItDoubles() {
        let pool = SchemaFragments()
        var held: [SchemaFragment] = []
        for number in 0..<5000 {
            let fragment = pool.fragment("\(number)")
            if number.isMultiple(of: 10) { held.append(fragment) }
        }
        // The sweep at 4,096 pieces kept the 410 held ones; 904 more came after it.
        #expect(pool.count == 410 + 904)
        #expect(held.allSatisfy { pool.fragment($0.text) === $0 })
    }
}
