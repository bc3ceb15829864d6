import MCP
import Testing
@testable import BayshCore

@Suite struct CallLineRendererTests {
    static let schema = objectSchema([
        "path": ["type": "string"],
        "count": ["type": "integer"],
        "flag": ["type": "boolean"],
        "zip": ["type": "string"],
        "tags": ["type": "array", "items": ["type": "string"]],
        "filter": objectSchema(["limit": ["type": "integer"], "name": ["type": "string"]], required: ["name"]),
        "either": ["anyOf": [["type": "integer"], ["type": "string"]]],
    ], required: ["path", "count"])

    private func render(_ arguments: [String: Value], _ schema: Value? = schema) -> String {
        CallLineRenderer.render(tool: "t", arguments: arguments, schema: schema)
    }

    @Test func requiredFirstThenSorted() {
        #expect(render(["flag": true, "count": 3, "path": "/etc/hosts", "zip": "012"])
            == "t path=/etc/hosts count=3 flag=true zip=012")
        #expect(render([:]) == "t")
    }

    @Test func quotesOnlyWhatNeedsIt() {
        #expect(render(["path": "two words", "zip": "it's", "count": 1])
            == #"t path='two words' count=1 zip="it's""#)
        #expect(render(["path": "", "count": 1]) == "t path='' count=1")
        #expect(render(["path": "a\nb\\c", "count": 1]) == #"t path="a\nb\\c" count=1"#)
        #expect(render(["path": "a=b", "count": 1]) == "t path=a=b count=1")
    }

    @Test func valuesTheSchemaWouldRetypeAreQuotedOrJSON() {
        #expect(render(["either": "5"]) == #"t either:="5""#)
        #expect(render(["either": "five"]) == "t either=five")
        #expect(render(["either": 5]) == "t either=5")
        #expect(render(["x": "5", "y": "true", "z": "null", "n": 5, "d": 2.0], nil)
            == #"t d=2.0 n=5 x:="5" y:="true" z:="null""#)
        #expect(render(["count": "5", "path": "p"]) == #"t path=p count:="5""#)
        #expect(render(["count": 2.5, "path": "p"]) == "t path=p count:=2.5")
    }

    @Test func objectsAndArrays() {
        #expect(render(["filter": ["limit": 5, "name": "x y"]]) == "t filter.name='x y' filter.limit=5")
        #expect(render(["tags": ["a b", "c"], "e": .object([:])]) == #"t e:={} tags:=["a b","c"]"#)
        #expect(render(["odd key": 1, "a.b": 2], nil) == "t 'a.b'=2 'odd key'=1")
    }

    @Test func fallsBackToAWholeJSONObject() {
        let prepend: [String: Value] = ["k": "\u{D4E}x"]
        let line = render(prepend, nil)
        #expect(arguments(line) == ["k": "\u{D4E}x"])
    }

    @Test func renderedLinesResolveBack() {
        let cases: [[String: Value]] = [
            ["path": "/a b/'c'\"d\"", "count": -4, "filter": ["name": "é😀", "limit": 0], "tags": []],
            ["path": "{not json", "count": 0, "either": "-1.5", "zip": "\u{301}accent"],
            ["path": "\\", "count": 1, "flag": false, "extra": nil, "more": [1, "x", ["y": nil]]],
        ]
        for arguments in cases {
            let line = render(arguments)
            #expect(resolved(line, Self.schema)?.arguments == arguments, "\(line)")
        }
    }
}
