import MCP
import Testing

@testable import BayshCore

@Suite struct CompactSignaturesTests {
    /// The shortcut `:tools` takes gives what each tool's full signature gives, shared pieces or not.
    @Test func sameAsTheFullSignature() {
        let shared: Value = ["type": "string", "description": "shared"]
        let tools = [
            ToolInfo(name: "a", inputSchema: [
                "type": "object", "required": ["p2", "p10"],
                "properties": ["p10": shared, "p2": ["type": "integer"], "p1": shared, "p19": ["enum": ["x", "y"]]],
            ]),
            ToolInfo(name: "b", inputSchema: [
                "type": "object", "required": ["p2", "p10"],
                "properties": ["p10": shared, "p2": ["type": "integer"], "p1": shared, "p19": ["enum": ["x", "y"]]],
            ]),
            ToolInfo(name: "c", inputSchema: [
                "type": "object", "$defs": ["F": ["type": "object"]],
                "properties": ["f": ["$ref": "#/$defs/F"], "g": ["type": "array", "items": ["type": "number"]]],
            ]),
            ToolInfo(name: "d", inputSchema: ["type": "object"]),
            ToolInfo(name: "e", inputSchema: [
                "type": "object", "required": ["missing", "q"], "properties": ["q": ["type": ["string", "null"]]],
            ]),
        ]
        var signatures = CompactSignatures()
        for tool in tools + tools {
            #expect(signatures.compact(of: tool) == ToolSignature(tool).compact, "\(tool.name)")
        }
        #expect(signatures.compact(of: tools[0]) == "p2:integer p10:string [p1:string] [p19:\"x\"|\"y\"]")
    }
}
