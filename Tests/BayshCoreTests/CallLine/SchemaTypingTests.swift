import MCP
import Testing
@testable import BayshCore

@Suite struct SchemaTypingTests {
    private func typed(_ text: String, quoted: Bool = false, _ schema: Value?) -> Value? {
        try? ValueTyping.value(of: text, quoted: quoted, schema: schema.map(JSONSchema.init)).get()
    }

    @Test func stringsStayExactlyAsWritten() {
        #expect(arguments("t zip=012 n=5 b=true", objectSchema([
            "zip": ["type": "string"], "n": ["type": "string"], "b": ["type": "string"],
        ])) == ["zip": "012", "n": "5", "b": "true"])
    }

    @Test func integersAndNumbers() {
        let integer: Value = ["type": "integer"]
        #expect(typed("5", integer) == 5)
        #expect(typed("-3", integer) == -3)
        #expect(typed("007", integer) == 7)
        #expect(typed("5.0", integer) == 5)
        #expect(typed("1e3", integer) == 1000)
        #expect(typed("5.5", integer) == nil)
        #expect(typed("abc", integer) == nil)
        let number: Value = ["type": "number"]
        #expect(typed("5", number) == 5)
        #expect(typed("2.5", number) == 2.5)
        #expect(typed("-1e-3", number) == .double(-0.001))
        #expect(typed("nan", number) == nil)
        #expect(typed("1e999", number) == nil)
        #expect(typed("0x10", number) == nil)
    }

    @Test func booleansAcceptCommonWords() {
        let boolean: Value = ["type": "boolean"]
        for word in ["true", "TRUE", "yes", "Yes", "1"] { #expect(typed(word, boolean) == true) }
        for word in ["false", "False", "no", "NO", "0"] { #expect(typed(word, boolean) == false) }
        #expect(typed("maybe", boolean) == nil)
        // With a string allowed too, only true/false are booleans.
        let either: Value = ["type": ["boolean", "string"]]
        #expect(typed("true", either) == true)
        #expect(typed("yes", either) == "yes")
    }

    @Test func nullAndTypeArrays() {
        let nullable: Value = ["type": ["string", "null"]]
        #expect(typed("null", nullable) == .null)
        #expect(typed("null", quoted: true, nullable) == "null")
        #expect(typed("x", nullable) == "x")
        #expect(typed("null", ["type": "null"]) == .null)
        #expect(typed("5", ["type": ["integer", "string"]]) == 5)
        #expect(typed("5", quoted: true, ["type": ["integer", "string"]]) == "5")
        #expect(typed("five", ["type": ["integer", "string"]]) == "five")
    }

    @Test func enumAndConst() {
        let mode: Value = ["enum": ["r", "w", 3, true, nil]]
        #expect(typed("w", mode) == "w")
        #expect(typed("3", mode) == 3)
        #expect(typed("yes", mode) == true)
        #expect(typed("null", mode) == .null)
        #expect(typed("x", mode) == nil)
        let levels: Value = ["enum": [2, "2"]]
        #expect(typed("2", levels) == 2)
        #expect(typed("2", quoted: true, levels) == "2")
        #expect(typed("v1", ["const": "v1"]) == "v1")
        #expect(typed("v2", ["const": "v1"]) == nil)
    }

    @Test func referencesAndBranches() {
        let schema: Value = [
            "type": "object",
            "properties": [
                "size": ["$ref": "#/$defs/Size"],
                "when": ["anyOf": [["type": "integer", "minimum": 10], ["type": "string"]]],
                "pick": ["oneOf": [["type": "boolean"], ["type": "array", "items": ["type": "integer"]]]],
                "old": ["$ref": "#/definitions/Old"],
            ],
            "$defs": ["Size": ["type": "integer"]],
            "definitions": ["Old": ["type": "number"]],
        ]
        #expect(arguments("t size=3 when=12 pick=yes old=1.5", schema)
            == ["size": 3, "when": 12, "pick": true, "old": 1.5])
        // 5 fails the integer branch's minimum, so the string branch accepts it.
        #expect(arguments("t when=5 pick=[1,2]", schema) == ["when": "5", "pick": [1, 2]])
        #expect(arguments(#"t when="12""#, schema) == ["when": "12"])
    }

    @Test func arraysObjectsItemsAndAdditionalProperties() {
        let schema: Value = [
            "type": "object",
            "properties": [
                "tags": ["type": "array", "items": ["type": "integer"]],
                "meta": ["type": "object", "properties": ["depth": ["type": "integer"]],
                         "additionalProperties": ["type": "boolean"]],
            ],
        ]
        #expect(arguments(#"t meta='{"depth":1}'"#, schema) == ["meta": ["depth": 1]])
        #expect(arguments(#"t tags=[1,2] meta.depth=2 meta.flag=yes tags[]=3"#, schema)
            == ["tags": [1, 2, 3], "meta": ["depth": 2, "flag": true]])
        #expect(arguments("t meta:={\"depth\":1}", schema) == ["meta": ["depth": 1]])
        let notObject = diagnostics("t meta=[1]", schema)
        #expect(notObject.map(\.kind) == [.typeMismatch])
        let badItem = diagnostics("t tags[]=x", schema)
        #expect(badItem.map(\.kind) == [.typeMismatch])
    }

    @Test func withoutSchemaValuesAreTypedByLook() {
        #expect(arguments(#"t a=5 b=-2.5 c=true d=false e=null f=hello g="5" h='true' i=012 j=1e3 k=99999999999999999999"#)
            == ["a": 5, "b": -2.5, "c": true, "d": false, "e": nil, "f": "hello", "g": "5", "h": "true",
                "i": "012", "j": 1000.0, "k": "99999999999999999999"])
        #expect(arguments(#"t a=\5 b=[1] c={}"#) == ["a": "5", "b": "[1]", "c": "{}"])
    }

    @Test func unknownKeysAreTypedByAdditionalPropertiesOrByLook() {
        let open = objectSchema(["a": ["type": "string"]])
        let call = resolved("t a=1 b=2", open)
        #expect(call?.arguments == ["a": "1", "b": 2])
        #expect(call?.warnings.map(\.kind) == [.unknownKey])
        #expect(call?.warnings.first?.column == 6)
    }
}
