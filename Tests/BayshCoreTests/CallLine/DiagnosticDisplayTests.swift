import MCP
import Testing
@testable import BayshCore

@Suite struct DiagnosticDisplayTests {
    @Test func caretUnderTheBadToken() {
        let line = "read_file path=/etc count=abc"
        let found = diagnostics(line, objectSchema(["path": ["type": "string"], "count": ["type": "integer"]]))
        #expect(found.first?.caretDisplay(for: line) == """
            read_file path=/etc count=abc
                                ^~~~~~~~~
            """)
    }

    @Test func caretKeepsTabsAndWideCharacters() {
        let diagnostic = CallLineDiagnostic(kind: .typeMismatch, message: "m", column: 4, length: 2)
        #expect(diagnostic.caretDisplay(for: "\t日本 x=yy") == "\t日本 x=yy\n\t     ^~")
        let wide = CallLineDiagnostic(kind: .typeMismatch, message: "m", column: 2, length: 1)
        #expect(wide.caretDisplay(for: "t 日") == "t 日\n  ^~")
    }

    @Test func caretOnTheRightPhysicalLineAndPastTheEnd() {
        let diagnostic = CallLineDiagnostic(kind: .invalidJSON, message: "m", column: 9, length: 1)
        #expect(diagnostic.caretDisplay(for: "tool {\n\"a\": ]\n}") == "\"a\": ]\n  ^")
        let end = CallLineDiagnostic(kind: .missingRequired, message: "m", column: 9, length: 1)
        #expect(end.caretDisplay(for: "read_file") == "read_file\n         ^")
        let wild = CallLineDiagnostic(kind: .missingRequired, message: "m", column: 400, length: -3)
        #expect(wild.caretDisplay(for: "ab") == "ab\n  ^")
    }

    @Test func errorDescriptionListsEveryMessage() {
        let line = "t 'a"
        do {
            _ = try CallLine.parse(line)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("unterminated ' quote"))
            #expect(error.caretDisplay(for: line).hasSuffix("t 'a\n  ^~"))
        }
    }

    @Test func didYouMean() {
        #expect(Suggestion.closest(to: "pth", among: ["path", "mode"]) == "path")
        #expect(Suggestion.closest(to: "shel", among: ["shell", "read_file"]) == "shell")
        #expect(Suggestion.closest(to: "Path", among: ["path"]) == "path")
        #expect(Suggestion.closest(to: "raed_flie", among: ["read_file", "write_file"]) == "read_file")
        #expect(Suggestion.closest(to: "cmd", among: ["cmd_line", "other"]) == "cmd_line")
        #expect(Suggestion.closest(to: "xyz", among: ["path", "mode"]) == nil)
        #expect(Suggestion.closest(to: "", among: ["path"]) == nil)
        #expect(Suggestion.closest(to: "a", among: []) == nil)
        #expect(Suggestion.closest(to: "moda", among: ["mode", "modb"]) == "mode")
    }

    @Test func unknownToolDiagnostic() {
        let diagnostic = CallLineDiagnostic.unknownTool("shel", column: 0, tools: ["shell", "read_file"])
        #expect(diagnostic.kind == .unknownTool)
        #expect(diagnostic.suggestion == "shell")
        #expect(diagnostic.message == "unknown tool 'shel'; did you mean 'shell'?")
        #expect(diagnostic.length == 4)
        #expect(CallLineDiagnostic.unknownTool("zzz", tools: ["shell"]).suggestion == nil)
    }

    @Test func messagesNameParameterAndColumn() {
        let found = diagnostics("t count=abc", objectSchema(["count": ["type": "integer"]]))
        #expect(found.first?.message == #"count: expected integer, got "abc" (column 3)"#)
    }
}
