import BayshTestSupport
import Foundation
import PropertyBased
import Testing

@testable import BayshCore

@Suite("Server-sent events parser")
struct ServerSentEventsTests {
    private func parse(_ chunks: [String]) -> [ServerSentEvents.Event] {
        var parser = ServerSentEvents()
        var events: [ServerSentEvents.Event] = []
        for chunk in chunks { events += parser.feed(Array(chunk.utf8)) }
        return events + parser.finish()
    }

    @Test("multi-line data, event type, id, comments and retry")
    func fields() {
        let events = parse([": hello\nevent: message\nid: 7\nretry: 10\ndata: {\"a\":\ndata:1}\n\nevent: ping\ndata:x\n\n"])
        #expect(events.count == 2)
        #expect(events[0] == .init(type: "message", data: Data("{\"a\":\n1}".utf8), lastEventId: "7"))
        #expect(events[1].type == "ping")
        #expect(events[1].lastEventId == "7")
    }

    @Test("CRLF, lone CR and LF line ends, split anywhere, give the same events")
    func lineEnds() async {
        let text = "data: one\r\n\r\ndata: two\r\rdata: three\n\n"
        let whole = parse([text])
        #expect(whole.map { String(decoding: $0.data, as: UTF8.self) } == ["one", "two", "three"])
        let bytes = Array(text.utf8)
        await propertyCheck(input: Gen.int(in: 0...bytes.count), Gen.int(in: 0...bytes.count)) { a, b in
            let (first, second) = (min(a, b), max(a, b))
            var parser = ServerSentEvents()
            var events = parser.feed(bytes[0..<first])
            events += parser.feed(bytes[first..<second])
            events += parser.feed(bytes[second...])
            events += parser.finish()
            #expect(events == whole)
        }
    }

    @Test("an event without its blank line is still dispatched at the end; empty data dispatches nothing")
    func endOfStream() {
        #expect(parse(["data: last"]).map(\.data) == [Data("last".utf8)])
        #expect(parse(["event: x\n\n: only a comment\n\n"]).isEmpty)
    }
}

@Suite("Command words")
struct CommandWordsTests {
    @Test("quotes and escapes as a POSIX shell splits them")
    func splitting() throws {
        #expect(try CommandWords.split("uvx  mcp-server-fetch") == ["uvx", "mcp-server-fetch"])
        #expect(try CommandWords.split(#"run --ua "baysh 1.0" 'it''s' a\ b"#) == ["run", "--ua", "baysh 1.0", "its", "a b"])
        #expect(try CommandWords.split(#"echo "a \"q\" \$HOME \n" ''"#) == ["echo", #"a "q" $HOME \n"#, ""])
        #expect(try CommandWords.split("   ") == [])
    }

    @Test("an unclosed quote or a trailing backslash is a clear error")
    func errors() {
        #expect(throws: SessionError.invalidArgument(#"the command line has an unclosed " quote: a "b"#)) {
            try CommandWords.split(#"a "b"#)
        }
        #expect(throws: SessionError.self) { try CommandWords.split(#"a b\"#) }
    }
}

@Suite("mcpServers configuration")
struct MCPServerConfigTests {
    private func file(_ json: String) throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent("mcp.json").path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return (directory, path)
    }

    @Test("reads Claude/Cursor mcpServers and VS Code servers, expanding variables")
    func reading() throws {
        let (keep, path) = try file(
            #"""
            {"servers": {
              "fs": {"type": "stdio", "command": "npx", "args": ["-y", "server-fs", "${env:HOME_DIR}"],
                     "env": {"TOKEN": "${TOKEN}", "LEVEL": 3}, "cwd": "/tmp"},
              "web": {"type": "http", "url": "https://example.test/mcp", "headers": {"X-Key": "k-${TOKEN}"}}}}
            """#)
        _ = keep
        let environment = ["HOME_DIR": "/home/me", "TOKEN": "abc"]
        let fs = try MCPServerConfig.load(file: path, server: "fs", environment: environment)
        #expect(fs.target() == .stdio(
            command: ["npx", "-y", "server-fs", "/home/me"], environment: ["TOKEN": "abc", "LEVEL": "3"],
            workingDirectory: "/tmp"))
        let web = try MCPServerConfig.load(file: path, server: "web", environment: environment)
        let bearer = Secret("bearer-token-value")
        #expect(web.target(bearer: bearer) == .http(
            url: URL(string: "https://example.test/mcp")!, headers: ["X-Key": "k-abc"], bearer: bearer))
    }

    @Test("VS Code's JSONC: comments and trailing commas are accepted, strings keep // and /* */")
    func commentsAndTrailingCommas() throws {
        let (keep, path) = try file(
            #"""
            // Workspace MCP servers
            {
              "servers": {
                /* the file server */
                "fs": {
                  "command": "npx", // runs the package
                  "args": ["-y", "http://example.test/a//b", "/* not a comment */", "quote \" // still text",],
                },
              },
            }
            """#)
        _ = keep
        let fs = try MCPServerConfig.load(file: path, server: "fs", environment: [:])
        #expect(fs.target() == .stdio(
            command: ["npx", "-y", "http://example.test/a//b", "/* not a comment */", #"quote " // still text"#],
            environment: [:], workingDirectory: nil))
    }

    @Test("a syntax error after a comment keeps its line; an unclosed /* is named with its position")
    func commentErrors() throws {
        let (keep1, broken) = try file("// one\n/* two\n three */ {\"mcpServers\": {\n \"a\": {\"command\": }}}")
        _ = keep1
        let error = #expect(throws: SessionError.self) { try MCPServerConfig.load(file: broken, server: "a") }
        #expect(error?.description.contains("line 4") == true, "\(String(describing: error))")
        let (keep2, open) = try file("{\"mcpServers\": {}}\n  /* forgotten")
        _ = keep2
        #expect(throws: SessionError.configuration(
            "MCP configuration file '\(open)' has a /* comment that is never closed (opened at line 2, column 3): "
                + "add the closing */")) { try MCPServerConfig.load(file: open, server: "a") }
        #expect(try JSONWithComments.blanked(Array("[1,\n// x\n]".utf8)) == Array("[1 \n    \n]".utf8))
    }

    @Test("missing file, bad JSON with its position, unknown server with a suggestion, bad entries")
    func errors() throws {
        #expect(throws: SessionError.configuration("MCP configuration file '/no/such/mcp.json' does not exist")) {
            try MCPServerConfig.load(file: "/no/such/mcp.json", server: "x")
        }
        let (keep1, broken) = try file("{\n  \"mcpServers\": {\n    \"a\": { \"command\": }\n}")
        _ = keep1
        do {
            _ = try MCPServerConfig.load(file: broken, server: "a")
            Issue.record("bad JSON was accepted")
        } catch let error as SessionError {
            #expect(error.description.contains("is not valid JSON"))
            #expect(error.description.contains("line 3"))
        }
        let (keep2, good) = try file(#"{"mcpServers": {"github": {"command": "gh-mcp"}, "fetch": {"command": "f"}}}"#)
        _ = keep2
        #expect(throws: SessionError.configuration(
            "\(good) has no MCP server named 'gihub'; did you mean 'github'? (it lists: fetch, github)"
        )) { try MCPServerConfig.load(file: good, server: "gihub") }
        let (keep3, bad) = try file(
            #"{"mcpServers": {"a": {"args": ["x"]}, "b": {"type": "http"}, "c": {"command": "x", "env": {"K": "${NOPE}"}}, "d": {"type": "ws", "command": "x"}}}"#)
        _ = keep3
        for (name, fragment) in [
            ("a", "has no \"command\""), ("b", "has no \"url\""), ("c", "NOPE is not set"), ("d", "unknown \"type\""),
        ] {
            do {
                _ = try MCPServerConfig.load(file: bad, server: name, environment: [:])
                Issue.record("entry \(name) was accepted")
            } catch let error as SessionError {
                #expect(error.description.contains(fragment), "\(name): \(error)")
            }
        }
    }
}
