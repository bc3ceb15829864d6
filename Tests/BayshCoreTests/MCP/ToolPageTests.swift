import BayshTestSupport
import Foundation
import MCP
import Testing

@testable import BayshCore

/// Tool lists made one tool at a time as the answer is read (``ToolPage``), through a real stdio server
/// (`Fixtures/tool_pages.py`) that answers tools/list with pages this test writes byte for byte.
@Suite("Tool lists read tool by tool", .timeLimit(.minutes(2)))
struct ToolPageTests {
    /// One answer line: `result` with `"id"` before it (as servers write it) or after it.
    private static func answer(_ result: Value, idFirst: Bool = true) -> String {
        idFirst
            ? #"{"jsonrpc":"2.0","id":"@ID@","result":"# + JSONText.encode(result) + "}"
            : #"{"jsonrpc":"2.0","result":"# + JSONText.encode(result) + #","id":"@ID@"}"#
    }

    private static func tool(_ name: String, _ properties: [String: Value] = [:]) -> Value {
        ["name": .string(name), "inputSchema": ["type": "object", "properties": .object(properties)]]
    }

    /// Serves `pages` (answer lines) in turn and lists the tools with them.
    private func listTools(_ pages: [String]) async throws -> Result<[ToolInfo], Swift.Error> {
        let directory = try TemporaryDirectory()
        var files: [String] = []
        for (index, page) in pages.enumerated() {
            let file = directory.url.appendingPathComponent("page\(index).json")
            try Data(page.utf8).write(to: file)
            files.append(file.path)
        }
        let command = [try MCPFixtures.python, MCPFixtures.script("tool_pages.py")]
        var result: Result<[ToolInfo], Swift.Error> = .success([])
        try await withMCPSession(.stdio(command: command + files, stderr: .discard)) { session in
            do {
                result = .success(try await session.listTools(imageId: nil, refresh: true))
            } catch {
                result = .failure(error)
            }
        }
        return result
    }

    @Test("a list over three pages keeps the server's order and duplicates, also with the id after the result")
    func paginated() async throws {
        let pages = [
            Self.answer(["tools": [Self.tool("a"), Self.tool("b")], "nextCursor": "p2"]),
            Self.answer(["tools": [Self.tool("c"), Self.tool("a", ["x": ["type": "string"]])], "nextCursor": "p3"],
                idFirst: false),
            Self.answer(["tools": [Self.tool("d")], "nextCursor": .null]),
        ]
        let tools = try await listTools(pages).get()
        #expect(tools.map(\.name) == ["a", "b", "c", "a", "d"])
        #expect(tools.allSatisfy { $0.server == "pages" })
        #expect(tools[3].inputSchema == ["type": "object", "properties": ["x": ["type": "string"]]])
    }

    @Test("a tool without a name in the middle of a list fails it, naming the tool's place")
    func unnamedInTheMiddle() async throws {
        let page = Self.answer(["tools": [Self.tool("a"), ["description": "nameless"], Self.tool("c")]])
        let result = try await listTools([page])
        #expect(throws: SessionError.protocolViolation(
            "MCP server 'pages' answered tools/list with something that is not a tool list: tool 2 has no name")
        ) { try result.get() }
    }

    @Test("a repeated cursor and a tools member that is not an array are clear errors")
    func malformedPages() async throws {
        let looping = try await listTools([Self.answer(["tools": [Self.tool("a")], "nextCursor": "again"])])
        #expect(throws: SessionError.protocolViolation("MCP server 'pages' repeated the tools/list cursor 'again'")) {
            try looping.get()
        }
        let notArray = try await listTools([Self.answer(["tools": ["name": "a"]])])
        #expect(throws: SessionError.protocolViolation(
            "MCP server 'pages' answered tools/list with something that is not a tool list: no tools array")
        ) { try notArray.get() }
    }

    @Test("5,000 varied tools in a 1.7 MB line through a real pipe come out as the whole list would make them")
    func bigList() async throws {
        let items: [Value] = (0..<5000).map { index in
            var properties: [String: Value] = [
                "path": ["type": "string", "description": "The file to read, relative to the workspace."],
                "limit_\(index % 37)": ["type": "integer", "minimum": .int(index % 5), "maximum": .int(100 + index)],
            ]
            if index % 3 == 0 { properties["mode"] = ["enum": ["fast", "safe", .string("m\(index % 11)")]] }
            return [
                "name": .string("tool_\(index)"), "description": .string("Tool number \(index) does its thing."),
                "title": .string("Tool \(index)"),
                "inputSchema": ["type": "object", "properties": .object(properties), "required": ["path"]],
                "annotations": ["readOnlyHint": .bool(index % 2 == 0)],
            ]
        }
        let line = Self.answer(["tools": .array(items)])
        #expect(line.utf8.count > 1024 * 1024)
        let tools = try await listTools([line]).get()
        let expected = items.compactMap { ToolContent.toolInfo(listed: $0, server: "pages") }
        #expect(expected.count == 5000)
        #expect(tools == expected)
    }
}
