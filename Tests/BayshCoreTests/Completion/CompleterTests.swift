import BayshCore
import MCP
import Testing

@Suite("Completer")
struct CompleterTests {
    let index = ToolIndex(ScriptedSession.sampleTools)
    let meta = [
        MetaCommandEntry(name: "describe", summary: "show a tool", arguments: .toolName),
        MetaCommandEntry(name: "delete", summary: "delete the session", arguments: .words([["--sync"]])),
        MetaCommandEntry(name: "help", summary: "help", arguments: .metaCommandName),
        MetaCommandEntry(name: "set", summary: "settings", arguments: .words([["hints"], ["on", "off"]])),
        MetaCommandEntry(name: "explain", summary: "explain", arguments: .callLine),
    ]

    func complete(_ line: String, cursor: Int? = nil, files: [String: [PathEntry]] = [:]) -> CompletionResult {
        Completer.complete(
            line: line, cursor: cursor ?? line.count, tools: index, metaCommands: meta,
            listDirectory: { files[$0] ?? [] })
    }

    func insertions(_ result: CompletionResult) -> [String] { result.candidates.map(\.insertion) }

    @Test func toolNamesAtLineStart() {
        let result = complete("rea")
        #expect(insertions(result) == ["read_file", "read_multiple_files"])
        #expect(result.replaceStart == 0 && result.replaced == "rea")
        #expect(result.immediateInsertion == "read_")
        #expect(result.candidates[0].detail == "Read a file")
        let single = complete("sh")
        #expect(single.immediateInsertion == "shell ")
        #expect(insertions(complete("")).count == 4)
        #expect(insertions(complete("zz")).isEmpty)
        #expect(insertions(complete("  wri")) == ["write_file"])
        #expect(complete("  wri").replaceStart == 2)
    }

    @Test func keysNotYetGivenRequiredFirst() {
        let result = complete("write_file ")
        #expect(insertions(result) == ["path=", "content=", "create=", "kind=", "mode="])
        #expect(result.candidates.allSatisfy { !$0.isComplete })
        #expect(result.candidates[0].detail == "string, required")
        #expect(result.candidates[4].detail.hasPrefix(#""overwrite"|"append"|"two words""#))
        #expect(insertions(complete("write_file path=a ")) == ["content=", "create=", "kind=", "mode="])
        #expect(insertions(complete("write_file path=a c")) == ["content=", "create="])
        #expect(complete("write_file path=a co").immediateInsertion == "content=")
        // Bare values fill the required keys in order.
        #expect(insertions(complete("write_file a b ")) == ["create=", "kind=", "mode="])
        #expect(insertions(complete("shell command=ls ")) == ["cwd=", "timeout_ms="])
        #expect(insertions(complete("shell {\"command\":\"ls\"} ")).isEmpty)
        #expect(insertions(complete("nosuchtool ")).isEmpty)
    }

    @Test func nestedKeys() {
        let result = complete("read_file filter.l")
        #expect(insertions(result) == ["filter.level=", "filter.limit="])
        #expect(result.replaced == "filter.l")
    }

    @Test func enumBooleanAndConstValues() {
        let mode = complete("write_file mode=")
        #expect(insertions(mode) == ["overwrite", "append", "'two words'"])
        #expect(mode.candidates.allSatisfy { $0.isComplete })
        #expect(mode.replaceStart == "write_file mode=".count && mode.replaced == "")
        #expect(complete("write_file mode=ov").immediateInsertion == "overwrite ")
        #expect(insertions(complete("write_file create=")) == ["true", "false"])
        #expect(insertions(complete("write_file create=t")) == ["true"])
        #expect(insertions(complete("write_file kind=")) == ["text"])
        #expect(insertions(complete("write_file create:=")) == ["true", "false"])
        #expect(insertions(complete("write_file mode:=\"a")) == ["\"append\""])
        #expect(insertions(complete("read_file filter.level=")) == ["a", "b"])
        #expect(insertions(complete("shell command=")).isEmpty)
    }

    @Test func quotingInsideValues() {
        // An opened quote is part of what is replaced, and the value is re-quoted as needed.
        let quoted = complete("write_file mode=\"tw")
        #expect(insertions(quoted) == ["'two words'"])
        #expect(quoted.replaced == "\"tw")
        #expect(quoted.replaceStart == "write_file mode=".count)
        let single = complete("write_file mode='ap")
        #expect(single.immediateInsertion == "append ")
        // A quoted key is not completed as a key.
        #expect(insertions(complete("write_file \"pa")).isEmpty)
    }

    @Test func pathsAfterFileForm() {
        let files: [String: [PathEntry]] = [
            ".": [.init(name: "src", isDirectory: true), .init(name: "notes.txt", isDirectory: false),
                  .init(name: ".hidden", isDirectory: false), .init(name: "my file", isDirectory: false)],
            "src/": [.init(name: "main.swift", isDirectory: false), .init(name: "more", isDirectory: true)],
        ]
        let top = complete("write_file content@=", files: files)
        #expect(insertions(top) == ["'my file'", "notes.txt", "src/"])
        #expect(top.candidates.map(\.isComplete) == [true, true, false])
        #expect(complete("write_file content@=s", files: files).immediateInsertion == "src/")
        let inner = complete("write_file content@=src/m", files: files)
        #expect(insertions(inner) == ["src/main.swift", "src/more/"])
        #expect(inner.replaced == "src/m")
        #expect(insertions(complete("write_file content@=.h", files: files)) == [".hidden"])
    }

    @Test func cursorMidLine() {
        let line = "write_file mo path=a"
        let result = complete(line, cursor: "write_file mo".count)
        #expect(insertions(result) == ["mode="])
        #expect(result.replaceStart == 11 && result.replaced == "mo")
        let toolMid = complete("wri path=a", cursor: 3)
        #expect(insertions(toolMid) == ["write_file"])
    }

    @Test func metaCommands() {
        #expect(insertions(complete(":de")) == [":describe", ":delete"])
        #expect(complete(":des").immediateInsertion == ":describe ")
        #expect(complete(":de").candidates[0].detail == "show a tool")
        let tool = complete(":describe wr")
        #expect(insertions(tool) == ["write_file"])
        #expect(tool.replaceStart == ":describe ".count)
        #expect(insertions(complete(":describe shell ")).isEmpty)
        #expect(insertions(complete(":help s")) == ["set"])
        #expect(insertions(complete(":set ")) == ["hints"])
        #expect(insertions(complete(":set hints o")) == ["on", "off"])
        #expect(insertions(complete(":delete --")) == ["--sync"])
        #expect(insertions(complete(":unknown x")).isEmpty)
        let explained = complete(":explain write_file mode=ap")
        #expect(insertions(explained) == ["append"])
        #expect(explained.replaceStart == ":explain write_file mode=".count)
        #expect(insertions(complete(":explain sh")) == ["shell"])
    }
}

@Suite("ToolIndex and Hinter")
struct HinterTests {
    let index = ToolIndex(ScriptedSession.sampleTools)

    @Test func signatureShrinksAsArgumentsAreTyped() {
        #expect(Hinter.hint(line: "shell", tools: index) == " command:string [cwd:string] [timeout_ms:integer]")
        #expect(Hinter.hint(line: "shell ", tools: index) == "command:string [cwd:string] [timeout_ms:integer]")
        #expect(Hinter.hint(line: "shell command=ls ", tools: index) == "[cwd:string] [timeout_ms:integer]")
        #expect(Hinter.hint(line: "shell ls ", tools: index) == "[cwd:string] [timeout_ms:integer]")
        #expect(Hinter.hint(line: "shell ls cwd=/ timeout_ms=5 ", tools: index) == nil)
        #expect(Hinter.hint(line: "shell com", tools: index) == nil)
        #expect(Hinter.hint(line: "shell command=\"ls ", tools: index) == nil)
        #expect(Hinter.hint(line: "nosuch ", tools: index) == nil)
        #expect(Hinter.hint(line: "", tools: index) == nil)
        #expect(Hinter.hint(line: "write_file ", tools: index)
            == #"path:string content:string [create:boolean] [kind:"text"] [mode:"overwrite"|"append"|"two words"]"#)
    }

    @Test func prefixSearchOverManyTools() {
        let tools = (0..<5000).map { ToolInfo(name: String(format: "tool_%05d", $0 * 7 % 5000)) }
            + [ToolInfo(name: "tool"), ToolInfo(name: "toolz"), ToolInfo(name: "tool_00001")]
        let big = ToolIndex(tools)
        #expect(big.tools.count == 5002)
        #expect(big.names(withPrefix: "tool_0000") == (0..<10).map { "tool_0000\($0)" })
        #expect(big.names(withPrefix: "toolz") == ["toolz"])
        #expect(big.names(withPrefix: "tool").count == 5002)
        #expect(big.names(withPrefix: "u").isEmpty)
        #expect(big.names(withPrefix: "").count == 5002)
        #expect(big.signature(for: "tool_04999")?.parameters.isEmpty == true)
        #expect(big.signature(for: "missing") == nil)
    }

    @Test func listingShowsDetailsOrColumns() {
        let withDetails = CompletionListing.format(
            [.init(insertion: "command=", display: "command", detail: "string, required", isComplete: false),
             .init(insertion: "cwd=", display: "cwd", detail: "string", isComplete: false)], width: 80)
        #expect(withDetails == "  command  string, required\n  cwd      string\n")
        let columns = CompletionListing.format(
            ["a", "bb", "ccc", "dd", "e"].map { CompletionCandidate(insertion: $0, isComplete: true) }, width: 12)
        #expect(columns == "a    dd\nbb   e\nccc\n")
        let many = CompletionListing.format(
            (0..<150).map { CompletionCandidate(insertion: "t\($0)", isComplete: true) }, width: 80)
        #expect(many.hasSuffix("… and 50 more: type more letters to narrow the list\n"))
    }
}
