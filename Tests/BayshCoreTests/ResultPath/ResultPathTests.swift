import MCP
import Testing

@testable import BayshCore

@Suite struct ResultPathTests {
    static let document: Value = [
        "items": [["id": 7, "name": "bolt"], ["id": 8, "name": "nut"], ["id": 9, "name": "gear"]],
        "odd key": "yes", "meta": ["count": 3, "tags": []],
    ]

    func pick(_ path: String, from value: Value = document) throws(ResultPathError) -> [Value] {
        try ResultPath.parse(path).apply(to: value)
    }

    @Test func stepsPickValues() throws {
        #expect(try pick(".meta.count") == [3])
        #expect(try pick(".items[0].id") == [7])
        #expect(try pick(".items[-1].name") == ["gear"])
        #expect(try pick(".items[].id") == [7, 8, 9])
        #expect(try pick(#".["odd key"]"#) == ["yes"])
        #expect(try pick(#"["odd key"]"#) == ["yes"])
        #expect(try pick(".") == [Self.document])
        #expect(try pick("keys") == [["items", "meta", "odd key"]])
        #expect(try pick(".items | length") == [3])
        #expect(try pick(".items length") == [3])
        #expect(try pick(".meta.tags[]") == [])
        #expect(try pick(".items[0] keys") == [["id", "name"]])
    }

    @Test func errorsNameTheFailingStepAndWhereItIs() {
        func failure(_ path: String) -> ResultPathError? {
            do throws(ResultPathError) { _ = try pick(path) } catch { return error }
            return nil
        }
        let missing = failure(".items[0].nmae")
        #expect(missing?.message.contains("no key 'nmae'") == true)
        #expect(missing?.message.contains("did you mean 'name'") == true)
        #expect(missing?.column == 9)
        #expect(missing?.length == 5)
        let range = failure(".items[5]")
        #expect(range?.message == "index 5 is out of range: the array has 3 elements")
        #expect(range?.column == 6)
        #expect(failure(".meta.count.x")?.message == ".x needs an object, but the value here is a number")
        #expect(failure(".items[").map { $0.message.contains("never closed") } == true)
        #expect(failure(".items[x]")?.message.contains("not an index or a key") == true)
        #expect(failure("size")?.message.contains("unknown word 'size'") == true)
        #expect(failure("")?.message.contains("empty path") == true)
        #expect(failure(".items @")?.column == 7)
    }

    @Test func resultJSONPrefersStructuredContentThenText() throws {
        let structured = ToolResult(content: [.text("not json")], structuredContent: ["a": 1])
        #expect(try ResultJSON.value(of: structured).get() == ["a": 1])
        let text = ToolResult(content: [.text(#" {"b": [1, 2]} "#)])
        #expect(try ResultJSON.value(of: text).get() == ["b": [1, 2]])
        let plain = ToolResult(content: [.text("hello there, this is not JSON at all")])
        guard case .failure(.notJSON(let preview)) = ResultJSON.value(of: plain) else {
            Issue.record("plain text read as JSON")
            return
        }
        #expect(preview == #""hello there, this is not"…"#)
        #expect(ResultJSON.captured(plain) == .string("hello there, this is not JSON at all"))
    }

    @Test func printedOneValueIndentedSeveralOnePerLine() {
        #expect(ResultPathOutput.text(["bolt"]) == "bolt")
        #expect(ResultPathOutput.text([7, "nut", ["a": 1]]) == "7\nnut\n{\"a\":1}")
        #expect(ResultPathOutput.text([["a": 1]]) == "{\n  \"a\" : 1\n}")
    }

    @Test func completionOffersTheNextSteps() {
        let top = ResultPathCompletion.complete(" ", in: Self.document)
        #expect(top.candidates.map(\.insertion) == [".items", ".meta", #".["odd key"]"#, "keys", "length"])
        let nested = ResultPathCompletion.complete(" .items[0].n", in: Self.document)
        #expect(nested.start == 10)
        #expect(nested.candidates.map(\.insertion) == [".name"])
        let array = ResultPathCompletion.complete(" .items", in: Self.document)
        #expect(array.candidates.map(\.insertion) == [".items"])
        let inside = ResultPathCompletion.complete(" .items[", in: Self.document)
        #expect(inside.candidates.map(\.insertion) == ["[]", "[0]", "[-1]"])
        let tools = ToolIndex([ToolInfo(name: "read_file", inputSchema: [
            "type": "object", "properties": ["path": ["type": "string"]],
        ])])
        let capture = Completer.complete(line: "x = read_f", cursor: 10, tools: tools)
        #expect(capture.replaceStart == 4)
        #expect(capture.candidates.map(\.insertion) == ["read_file"])
        let piped = Completer.complete(line: "read_file a | .me", cursor: 17, tools: tools, lastResult: Self.document)
        #expect(piped.replaceStart == 14)
        #expect(piped.candidates.map(\.insertion) == [".meta"])
        #expect(ResultPathCompletion.pathStart(in: #"echo text="a | b" | .x"#) == 19)
        #expect(ResultPathCompletion.pathStart(in: #"echo text="a | b""#) == nil)
    }
}

@Suite struct ToolSearchTests {
    @Test func nameOutranksArgumentsOutranksDescription() {
        let name = ToolSearch.score(["read"], name: "read_file", description: "Opens a file", arguments: ["path"])
        let argument = ToolSearch.score(["read"], name: "cat", description: "Prints", arguments: ["read"])
        let description = ToolSearch.score(["read"], name: "cat", description: "Read it", arguments: [])
        let none = ToolSearch.score(["read"], name: "cat", description: "Prints", arguments: ["path"])
        #expect(name!.score > argument!.score)
        #expect(argument!.score > description!.score)
        #expect(none == nil)
    }

    @Test func moreWordsMatchedRanksFirst() {
        let index = ToolIndex([
            ToolInfo(name: "write_file", description: "Writes a file", inputSchema: ["type": "object"]),
            ToolInfo(name: "read", description: "Reads anything", inputSchema: ["type": "object"]),
            ToolInfo(
                name: "read_file", description: "Reads a file",
                inputSchema: ["type": "object", "properties": ["path": ["type": "string"]]]),
            ToolInfo(name: "shell", description: "Runs a command", inputSchema: ["type": "object"]),
        ])
        let ranked = ToolSearch.rank(ToolSearch.words("Read FILE"), in: index).map(\.name)
        #expect(ranked == ["read_file", "read", "write_file"])
        #expect(ToolSearch.rank(ToolSearch.words("path"), in: index).map(\.name) == ["read_file"])
    }
}

@Suite struct NaturalOrderTests {
    @Test func digitsCompareByValue() {
        let names = ["p10", "p2", "p1", "p19", "a", "p01", "b2c10", "b2c9"]
        #expect(names.sorted(by: NaturalOrder.precedes) == ["a", "b2c9", "b2c10", "p01", "p1", "p2", "p10", "p19"])
        let schema = JSONSchema([
            "type": "object", "properties": ["p10": ["type": "string"], "p2": ["type": "string"], "q": [:]],
        ])
        #expect(schema.propertyNames == ["p2", "p10", "q"])
    }
}
