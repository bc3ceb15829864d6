import BayshTestSupport
import Foundation
import Testing

@testable import BayshCore

/// The real `baysh` binary in a pseudo-terminal (and on pipes) against the Python `mcp` 2.x server that talks
/// back (`rich_server.py`): questions answered at the prompt with completion and checks, progress on the spinner
/// line, log lines above the line being typed, a tool added at runtime, Ctrl-C cancelling the server's handler,
/// and a recorded elicitation that replays unattended.
@Suite("baysh conversation with an MCP server", .serialized, .timeLimit(.minutes(3)))
struct ConversationShellTests {
    static let prompt = "baysh mcp:rich> "

    /// The handshake era: the fixture's questions (`ctx.elicit`, sampling, roots) are requests on the connection,
    /// which the 2026 era has no back-channel for, and its late log line outlives its request.
    static func server(era: String = "2025") throws -> [String] {
        [
            "--mcp", "'\(try MCPFixtures.python)' '\(MCPFixtures.richServerScript)' stdio", "--server-stderr", "discard",
            "--protocol", era,
        ]
    }

    @Test("elicitation at the prompt, progress, logs, list_changed; the recording replays and checks unattended")
    func terminalSessionRecordsAndReplays() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let recording = baysh.root.appendingPathComponent("rich.txt").path
        let terminal = try baysh.terminal(try Self.server() + ["--record", recording])
        try terminal.waitFor(Self.prompt)

        terminal.type("confirm_delete a.txt\r")
        try terminal.waitFor("MCP server 'rich' asks: Delete a.txt?")
        try terminal.waitFor("confirm  boolean, required — really delete?")
        try terminal.waitFor("color    one of red, green, blue, optional")
        try terminal.waitFor("? ")
        // The same checks and carets as a call line.
        terminal.type("confirm=perhaps\r")
        try terminal.waitFor("error: ")
        try terminal.waitFor("^~~")
        try terminal.waitFor("? ")
        // Tab completes keys and enum members.
        terminal.type("conf\t")
        try terminal.waitFor("confirm=")
        terminal.type("yes reason='not now' color=gr\t")
        try terminal.waitFor("color=green")
        terminal.type("\r")
        try terminal.waitFor("accept confirm=True reason='not now' color=green")
        try terminal.waitFor(Self.prompt)

        terminal.type("slow_count n=8 delay=0.25\r")
        try terminal.waitFor("slow_count 3/8 · step 3 of 8 · ")
        try terminal.waitFor("counted to 8")
        try terminal.waitFor(Self.prompt)

        terminal.type("chatty\r")
        let chatty = try terminal.waitFor("said")
        #expect(chatty.contains("[info rich.core] info line"))
        #expect(chatty.contains("[warning] careful now"))
        #expect(chatty.contains(#"[error] {"code":7,"why":"bad"}"#))
        #expect(!chatty.contains("debug detail"))
        try terminal.waitFor(Self.prompt)
        terminal.type(":loglevel debug\r")
        try terminal.waitFor("log level debug")
        try terminal.waitFor(Self.prompt)
        terminal.type("chatty\r")
        try terminal.waitFor("[debug rich.core] debug detail")
        try terminal.waitFor(Self.prompt)

        try Self.growThenComplete(terminal, size: 2)

        terminal.type(":quit\r")
        #expect(try terminal.waitForExit() == 0)

        let recorded = try String(contentsOfFile: recording, encoding: .utf8)
        #expect(recorded.contains("> confirm_delete path=a.txt\n? confirm=yes reason='not now' color=green\n"))
        #expect(recorded.contains("! [info rich.core] info line\n"))
        #expect(recorded.contains("> grown size=2\ngrown 2\n"))

        // On pipes, nobody could answer: the recorded answer is given back and every output matches.
        let replay = try await baysh.run(try Self.server() + ["--replay", recording, "--check"])
        #expect(replay.status == 0, "\(replay.stdout)\n\(replay.stderr)")
        #expect(replay.stderr.contains("all match"))
    }

    /// A tool added during a call is known before the next prompt: completion and the call check use it.
    static func growThenComplete(_ terminal: PseudoTerminal, size: Int) throws {
        terminal.type("grow\r")
        try terminal.waitFor("grew")
        try terminal.waitFor(Self.prompt)
        terminal.type("grown si\t")
        try terminal.waitFor("size=")
        terminal.type("\(size)\r")
        try terminal.waitFor("grown \(size)")
        try terminal.waitFor(Self.prompt)
    }

    @Test("a log line that comes while the user types prints above the line, which is drawn again")
    func logAboveTheEditedLine() throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let terminal = try baysh.terminal(try Self.server())
        try terminal.waitFor(Self.prompt)
        terminal.type("log_later seconds=1\r")
        try terminal.waitFor("scheduled")
        try terminal.waitFor(Self.prompt)
        terminal.type("chatty half-typ")
        try terminal.waitFor("[warning rich.later] late news\n")
        // The prompt and the half-typed line come back below the message, and typing goes on.
        try terminal.waitFor(Self.prompt + "chatty half-typ")
        terminal.type("\u{15}:quit\r")
        #expect(try terminal.waitForExit() == 0)
    }

    @Test("sampling typed at the prompt; roots from --root; cancel, decline and URL questions; Ctrl-C cancels the server's handler")
    func samplingRootsAndCtrlC() throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let marker = baysh.root.appendingPathComponent("cancelled").path
        let terminal = try baysh.terminal(try Self.server() + ["--root", baysh.root.path, "--root", "/tmp"])
        try terminal.waitFor(Self.prompt)
        terminal.type("ask_model question='what is six times seven?'\r")
        try terminal.waitFor("MCP server 'rich' asks for a model's reply (sampling), at most 50 tokens:")
        try terminal.waitFor("user: what is six times seven?")
        try terminal.waitFor("? ")
        terminal.type("forty-two\r")
        try terminal.waitFor("model said: forty-two")
        try terminal.waitFor(Self.prompt)

        terminal.type("roots\r")
        try terminal.waitFor("\(URL(fileURLWithPath: baysh.root.path).absoluteString) file:///tmp")
        try terminal.waitFor(Self.prompt)

        // Ctrl-C cancels a question, an empty line declines it; a URL question takes accept or decline.
        terminal.type("confirm_delete b.txt\r")
        try terminal.waitFor("asks: Delete b.txt?")
        try terminal.waitFor("? ")
        terminal.type("\u{3}")
        try terminal.waitFor("cancel")
        try terminal.waitFor(Self.prompt)
        terminal.type("confirm_delete c.txt\r")
        try terminal.waitFor("asks: Delete c.txt?")
        try terminal.waitFor("? ")
        terminal.type("\r")
        try terminal.waitFor("decline")
        try terminal.waitFor(Self.prompt)
        terminal.type("sign_in\r")
        try terminal.waitFor("asks: Sign in to continue")
        try terminal.waitFor("open: https://example.invalid/login")
        try terminal.waitFor("? ")
        terminal.type("a\r")
        try terminal.waitFor("accept")
        try terminal.waitFor(Self.prompt)

        terminal.type("sleepy marker='\(marker)'\r")
        try terminal.waitFor("sleepy")
        Thread.sleep(forTimeInterval: 1)
        terminal.type("\u{3}")
        try terminal.waitFor("sleepy cancelled")
        try terminal.waitFor(Self.prompt)
        let deadline = Date().addingTimeInterval(5)
        while !FileManager.default.fileExists(atPath: marker), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect((try? String(contentsOfFile: marker, encoding: .utf8)) == "cancelled")
        terminal.type(":quit\r")
        #expect(try terminal.waitForExit() == 0)
    }

    @Test("over streamable HTTP: a question on the call's SSE stream, answered by a POST; logs; progress")
    func overHTTP() async throws {
        try await withLoopbackServer(script: MCPFixtures.richServerScript, arguments: ["http"]) { url in
            let baysh = try BayshProcess()
            defer { baysh.removeFolders() }
            let terminal = try baysh.terminal(["--url", url.absoluteString, "--protocol", "2025"])
            try terminal.waitFor(Self.prompt)
            terminal.type("confirm_delete a.txt\r")
            try terminal.waitFor("MCP server 'rich' asks: Delete a.txt?")
            try terminal.waitFor("? ")
            terminal.type("confirm=no\r")
            try terminal.waitFor("accept confirm=False reason='' color=red")
            try terminal.waitFor(Self.prompt)
            terminal.type("chatty\r")
            try terminal.waitFor("[warning] careful now")
            try terminal.waitFor(Self.prompt)
            terminal.type("slow_count n=6 delay=0.3\r")
            try terminal.waitFor("slow_count 3/6 · step 3 of 6 · ")
            try terminal.waitFor("counted to 6")
            terminal.type(":quit\r")
            #expect(try terminal.waitForExit() == 0)
        }
    }

    @Test("2026 era: a tool added during a call is known at the next prompt through subscriptions/listen", arguments: ["stdio", "http"])
    func listenAtThePrompt(transport: String) async throws {
        let run = { (arguments: [String]) in
            let baysh = try BayshProcess()
            defer { baysh.removeFolders() }
            let terminal = try baysh.terminal(arguments)
            try terminal.waitFor(Self.prompt)
            terminal.type(":session\r")
            try terminal.waitFor("protocol:   2026-07-28")
            try terminal.waitFor("changes:    subscriptions/listen (tools, prompts, resources)")
            try terminal.waitFor(Self.prompt)
            try Self.growThenComplete(terminal, size: 3)
            // A tool added without a word: Tab after its name asks the server once more.
            terminal.type("grow_quietly\r")
            try terminal.waitFor("grew quietly")
            try terminal.waitFor(Self.prompt)
            terminal.type("quiet vo\t")
            try terminal.waitFor("quiet volume=")
            terminal.type("\u{15}")
            terminal.type(":quit\r")
            #expect(try terminal.waitForExit() == 0)
        }
        if transport == "stdio" {
            try run(try Self.server(era: "auto"))
        } else {
            try await withLoopbackServer(script: MCPFixtures.richServerScript, arguments: ["http"]) { url in
                try run(["--url", url.absoluteString])
            }
        }
    }

    @Test("2026 era: a tool that asks the handshake way gets the server's own error and the way out", arguments: ["stdio", "http"])
    func handshakeQuestionInTheModernEra(transport: String) async throws {
        let run = { (arguments: [String]) in
            let baysh = try BayshProcess()
            defer { baysh.removeFolders() }
            let run = try await baysh.run(arguments + ["-c", "confirm_delete a.txt"])
            #expect(run.status == 1)
            #expect(run.stderr.contains("MCP server 'rich' answered with JSON-RPC error -32600: Cannot send 'elicitation/create'"), "\(run.stderr)")
            #expect(run.stderr.contains("(the server asks its questions the handshake way: try --protocol 2025)"))
        }
        if transport == "stdio" {
            try await run(try Self.server(era: "auto"))
        } else {
            try await withLoopbackServer(script: MCPFixtures.richServerScript, arguments: ["http"]) { url in
                try await run(["--url", url.absoluteString])
            }
        }
    }

    @Test("in a script a question is declined and stderr says so")
    func scriptDeclines() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let run = try await baysh.run(
            try Self.server() + [
                "-c", "confirm_delete a.txt", "-c", "ask_model question=hi", "-c", "sign_in",
                // A tool added without list_changed: the unknown name is looked up once more before refusing.
                "-c", "grow_quietly", "-c", "quiet",
            ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "decline\ndeclined: the user declined the sampling request\ndecline\ngrew quietly\nquiet!\n")
        #expect(run.stderr.contains("MCP server 'rich' asked: Delete a.txt?; declined: no terminal to ask at"))
        #expect(run.stderr.contains("asked for a model's reply (sampling); declined: no terminal to ask at"))
    }
}
