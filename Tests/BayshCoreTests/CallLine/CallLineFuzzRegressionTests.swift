import MCP
import Testing

@testable import BayshCore

/// Lines the fuzzer (Fuzz/run.sh callline) found breaking a promise of the parser, resolver or renderer, one test
/// each.
@Suite struct CallLineFuzzRegressionTests {
    /// The canonical line of `tool` and `arguments`, parsed and resolved again.
    private func readBack(_ tool: String, _ arguments: [String: Value], schema: Value? = nil) throws -> ResolvedCall {
        let line = CallLineRenderer.render(tool: tool, arguments: arguments, schema: schema)
        return try ArgumentResolver(schema: schema).resolve(try CallLine.parse(line))
    }

    @Test func toolNameWithAnEscapeBeforeAnEmojiModifierReadsBack() throws {
        // The unassigned scalar is written as `\\ud8bd\\udc4d`; the skin-tone modifier after it would join the
        // escape's last digit into one Character.
        let tool = "x\u{3F44D}\u{1F3FD}"
        let back = try readBack(tool, ["path": "p"])
        #expect(back.tool == tool)
        #expect(back.arguments == ["path": "p"])
        #expect(try readBack(tool, [:]).tool == tool)
    }

    @Test func toolNameEndingInAPrependLetterKeepsTheSpaceAfterIt() throws {
        // U+0D4E joins the character after it, here the space before the first argument.
        let tool = "a\u{0D4E}"
        let back = try readBack(tool, ["count": 1])
        #expect(back.tool == tool)
        #expect(back.arguments == ["count": 1])
    }
}
