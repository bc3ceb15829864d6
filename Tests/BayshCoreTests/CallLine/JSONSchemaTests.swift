import MCP
import Testing
@testable import BayshCore

@Suite struct JSONSchemaTests {
    static let schema: Value = [
        "type": "object",
        "required": ["path", "mode"],
        "properties": [
            "path": ["type": "string", "description": "File to read", "minLength": 1, "maxLength": 10,
                     "pattern": "^/"],
            "mode": ["enum": ["r", "w"]],
            "count": ["type": "integer", "minimum": 1, "maximum": 9, "default": 3],
            "ratio": ["type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1],
            "old": ["type": "number", "minimum": 0, "exclusiveMinimum": true],
            "note": ["type": ["string", "null"]],
            "tags": ["type": "array", "items": ["type": "string"], "minItems": 1, "maxItems": 3],
            "filter": ["$ref": "#/$defs/Filter", "description": "How to filter"],
            "legacy": ["$ref": "#/definitions/Legacy"],
            "either": ["anyOf": [["type": "integer"], ["type": "string"]]],
            "one": ["oneOf": [["const": "x"], ["type": "boolean"]]],
            "loop": ["$ref": "#/$defs/Loop"],
        ],
        "additionalProperties": false,
        "$defs": [
            "Filter": ["type": "object", "description": "A filter", "properties": ["limit": ["type": "integer"]]],
            "Loop": ["$ref": "#/$defs/Loop"],
        ],
        "definitions": ["Legacy": ["const": 7]],
    ]

    @Test func propertiesAreOrderedRequiredFirst() {
        let view = JSONSchema(Self.schema)
        #expect(view.required == ["path", "mode"])
        #expect(view.propertyNames.prefix(3) == ["path", "mode", "count"])
        #expect(view.propertyNames.count == 12)
        #expect(view.properties.map(\.name) == view.propertyNames)
    }

    @Test func keywordsAreRead() {
        let view = JSONSchema(Self.schema)
        let path = view.property("path")
        #expect(path?.types == ["string"])
        #expect(path?.minLength == 1)
        #expect(path?.maxLength == 10)
        #expect(path?.pattern == "^/")
        #expect(path?.description == "File to read")
        #expect(view.property("count")?.defaultValue == 3)
        #expect(view.property("count")?.minimum == 1)
        #expect(view.property("count")?.maximum == 9)
        #expect(view.property("ratio")?.exclusiveMinimum == 0)
        #expect(view.property("ratio")?.exclusiveMaximum == 1)
        #expect(view.property("old")?.exclusiveMinimum == 0)
        #expect(view.property("note")?.types == ["string", "null"])
        #expect(view.property("mode")?.enumValues == ["r", "w"])
        #expect(view.property("tags")?.items?.types == ["string"])
        #expect(view.property("tags")?.minItems == 1)
        #expect(view.property("tags")?.maxItems == 3)
        #expect(view.property("either")?.anyOf.count == 2)
        #expect(view.property("one")?.oneOf.first?.constValue == "x")
        if case .forbidden = view.additionalProperties {} else { Issue.record("additionalProperties") }
    }

    @Test func referencesResolveAndCyclesStop() {
        let view = JSONSchema(Self.schema)
        let filter = view.property("filter")
        #expect(filter?.types == ["object"])
        #expect(filter?.description == "How to filter")
        #expect(filter?.property("limit")?.types == ["integer"])
        #expect(view.schema(at: ["filter", "limit"])?.types == ["integer"])
        #expect(view.property("legacy")?.constValue == 7)
        #expect(view.property("loop")?.constrainsType == false)
        #expect(view.property("loop")?.typeLabel == "any")
    }

    @Test func typeLabels() {
        let view = JSONSchema(Self.schema)
        let labels = ["path", "mode", "count", "note", "tags", "filter", "either", "one", "legacy"]
            .map { view.property($0)?.typeLabel }
        #expect(labels == ["string", #""r"|"w""#, "integer", "string|null", "array<string>", "object",
                           "integer|string", #""x"|boolean"#, "7"])
    }

    @Test func additionalPropertiesSchemaLeadsUnknownKeys() {
        let view = JSONSchema(["type": "object", "additionalProperties": ["type": "integer"]])
        #expect(view.schema(at: ["anything"])?.types == ["integer"])
        #expect(JSONSchema(["type": "object"]).schema(at: ["x"])?.node == nil)
    }
}
