import Foundation
import MCP
import Testing

@testable import BayshCore

@Suite("ToolIndex: lookups and recent signatures")
struct ToolIndexTests {
    static func tool(_ name: String, _ property: String, description: String = "") -> ToolInfo {
        ToolInfo(name: name, description: description, inputSchema: .object([
            "type": "object", "required": .array([.string(property)]),
            "properties": .object([property: .object(["type": "string"])]),
        ]))
    }

    @Test func firstOfDuplicateNamesWinsAndLookupsFindEveryName() {
        let tools = [Self.tool("b", "first"), Self.tool("a", "x"), Self.tool("b", "second"), Self.tool("c d", "y")]
        let index = ToolIndex(tools)
        #expect(index.count == 3)
        #expect(index.names == ["a", "b", "c d"])
        #expect(index.tools.map(\.name) == ["a", "b", "c d"])
        #expect(index.tool(named: "b") == tools[0])
        #expect(index.tool(named: "bb") == nil)
        #expect(index.tool(named: "") == nil)
        #expect(index.signature(for: "b")?.compact == "first:string")
        #expect(index.insertion(at: 2) == "'c d'")
        #expect(ToolIndex.empty.tool(named: "a") == nil)
        #expect(ToolIndex.empty.names(withPrefix: "").isEmpty)
    }

    @Test func summaryIsTheFirstDescriptionLineCut() {
        let long = String(repeating: "word ", count: 30)
        let index = ToolIndex([Self.tool("a", "x", description: "  First line  \nsecond"), Self.tool("b", "x",
            description: long), Self.tool("c", "x")])
        #expect(index.summary(at: 0) == "First line")
        #expect(index.summary(at: 1) == TerminalText.truncated(long.trimmingCharacters(in: .whitespaces), toWidth: 72))
        #expect(index.summary(at: 2) == "")
    }

    /// Plain ASCII lines take a shortcut; every description must still read as the first line, trimmed and cut.
    @Test(arguments: [
        "", "   ", "plain", "  padded  \nsecond", "\n\n\r\nafter blank lines", "crlf\r\nsecond", "   \nfoo",
        "tab\tinside", "\tleading tab", "ünïcode first line", "ascii then\u{2028}separator", "wide 名前 text",
        String(repeating: "x", count: 72), String(repeating: "y", count: 73), " " + String(repeating: "z", count: 80),
        String(repeating: "é", count: 80), "form\u{0C}feed", "vertical\u{0B}tab", "nel\u{85}next",
    ])
    func summaryMatchesTheFirstLineTrimmedAndCut(description: String) {
        let index = ToolIndex([ToolInfo(name: "t", description: description)])
        let line = description.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        #expect(index.summary(at: 0) == TerminalText.truncated(line.trimmingCharacters(in: .whitespaces), toWidth: 72))
    }

    @Test func onlyTheLastFewSignaturesAreKept() {
        let count = ToolIndex.recentSignatures + 3
        // Two-digit names keep positions in the sorted order equal to the numbers.
        func name(_ number: Int) -> String { String(format: "tool_%02d", number) }
        let index = ToolIndex((0..<count).map { Self.tool(name($0), "p\($0)") })
        for number in 0..<count { _ = index.signature(for: name(number)) }
        #expect(index.keptSignatures == Array((3..<count).reversed()))
        // Using a kept one makes it the most recent; an evicted one is derived again, the same.
        _ = index.signature(for: name(5))
        #expect(index.keptSignatures.first == 5)
        #expect(index.signature(for: name(0))?.compact == "p0:string")
        #expect(index.keptSignatures.first == 0)
        #expect(index.keptSignatures.count == ToolIndex.recentSignatures)
        #expect(!index.keptSignatures.contains(3))
    }

    @Test func completionAndHintsFollowARefreshedList() async {
        let session = ScriptedSession(tools: [Self.tool("grep", "pattern")])
        let harness = ShellHarness(session: session)
        let status = await harness.shell.run(script: { shell in
            #expect(Hinter.hint(line: "grep ", tools: shell.tools) == "pattern:string")
            let before = Completer.complete(line: "grep ", cursor: 5, tools: shell.tools)
            #expect(before.candidates.map(\.insertion) == ["pattern="])
            session.replaceTools([Self.tool("grep", "regex")])
            #expect(Hinter.hint(line: "grep ", tools: shell.tools) == "pattern:string")
            _ = await shell.execute(":refresh")
            #expect(Hinter.hint(line: "grep ", tools: shell.tools) == "regex:string")
            let after = Completer.complete(line: "grep ", cursor: 5, tools: shell.tools)
            #expect(after.candidates.map(\.insertion) == ["regex="])
            return 0
        })
        #expect(status == 0)
    }

    @Test func toolsListingLinesUpLikeATable() {
        let tools = [Self.tool("ä_wide_名", "p"), ToolInfo(name: "bare"), Self.tool("x", "q")]
        let rows = tools.map { [$0.name, ToolSignature($0).compact] }
        #expect(ToolListing.text(tools) == TextTable.lines(rows).joined(separator: "\n") + "\n")
        #expect(ToolListing.text([ToolInfo]()) == "")
    }
}
