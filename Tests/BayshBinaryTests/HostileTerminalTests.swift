import BayshCore
import BayshTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What a hostile server's escape sequences must never do: reach the terminal as sequences. The fixture
/// (`hostile_server.py`) puts OSC 52 (clipboard), OSC 0 (window title), clear-screen, a C1 CSI and a bidi
/// override in its name, tool names, descriptions, argument names, results, error texts and stderr.
@Suite("Hostile peers: terminal injection", .serialized)
struct HostileTerminalTests {
    // MARK: - The one place text is made visible

    @Test func controlCharactersAreSpelledOutAndContentKept() {
        #expect(TerminalText.visible("a\u{1B}]52;c;eA==\u{7}b") == "a\\x1b]52;c;eA==\\x07b")
        #expect(TerminalText.visible("\u{9B}2J \u{202E}x \u{7F} \u{0}") == "\\x9b2J \\u{202e}x \\x7f \\x00")
        // Tabs, newlines and CRLF line ends are content; a lone CR would move the cursor back over the line.
        #expect(TerminalText.visible("a\tb\nc\r\nd") == "a\tb\nc\r\nd")
        #expect(TerminalText.visible("safe\rrm -rf ~") == "safe\\rrm -rf ~")
        #expect(TerminalText.visible("ends in\r") == "ends in\\r")
        // Ordinary text (accents, CJK, emoji, U+00A0, right-to-left letters) is untouched.
        let plain = "é 日本 🙂 \u{A0} שלום — “quotes” \u{2028}"
        #expect(TerminalText.visible(plain) == plain)
        #expect(!TerminalText.hasControls(plain))
        // JSON output keeps valid JSON escapes.
        #expect(TerminalText.visible("\"\u{9B}\u{202E}\"", spelling: .json) == "\"\\u009b\\u202e\"")
    }

    @Test func streamedTextIsSpelledOutAcrossPieceBoundaries() {
        var stream = VisibleTextStream()
        var out: [UInt8] = []
        // U+009B split between its two bytes, a CR separated from its LF, an escape in its own piece.
        let pieces: [[UInt8]] = [[0x61, 0xC2], [0x9B, 0x62, 0x0D], [0x0A, 0x1B], [0x5B, 0x32, 0x4A, 0x0D]]
        for piece in pieces { out += piece.withUnsafeBytes { stream.feed($0) } }
        out += stream.finish()
        #expect(String(decoding: out, as: UTF8.self) == "a\\x9bb\r\n\\x1b[2J\\r")
        // A byte that is not UTF-8 (0x9B alone is CSI to a terminal in an 8-bit mode) becomes U+FFFD.
        var lone = VisibleTextStream()
        let shown = [UInt8(0x9B), 0x41].withUnsafeBytes { lone.feed($0) } + lone.finish()
        #expect(String(decoding: shown, as: UTF8.self) == "\u{FFFD}A")
    }

    @Test func theWriterSpellsOutEverythingButRawResults() {
        let collected = Collected()
        let writer = TerminalWriter { text, _ in collected.append(text) }
        var output = RenderedOutput()
        output.line("result \u{1B}[2J")
        output.errorLine("error \u{1B}]0;t\u{7}")
        output.verbatim("raw \u{1B}[2J")
        writer.write(output)
        #expect(collected.text == "result \\x1b[2J\nerror \\x1b]0;t\\x07\nraw \u{1B}[2J")
    }

    // MARK: - Through the binary, on a terminal

    /// The shell on a pty against the hostile server: its prompt, `:tools`, `:describe`, Tab's listing, the hint,
    /// results, error results and its stderr (`--server-stderr terminal`) are all shown spelled out, and no
    /// escape sequence the server sent reaches the terminal.
    @Test func noServerSequenceReachesTheTerminal() throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let server = try MCPFixtures.hostileServerCommand
        let terminal = try baysh.terminal(["--mcp", server, "--server-stderr", "terminal", "--yes"])
        try terminal.waitFor("baysh mcp:evil\\x1b]0;PWNED\\x07srv> ")
        terminal.type(":tools\r")
        try terminal.waitFor("pwn\\x1b[2J\\x1b[H")
        terminal.type("\t\t")
        try terminal.waitFor("Echoes text\\x1b]52;")
        terminal.type("\u{3}")
        terminal.type("attack\r")
        try terminal.waitFor("before\\x1b[2J\\x1b[H\\x1b]52;c;cm0gLXJmIH4=\\x07\\x1b]0;PWNED\\x07\\x9b2J\\u{202e}after")
        terminal.type("fail\r")
        try terminal.waitFor("failed\\x1b]0;PWNED\\x07")
        terminal.type("rpc_error code=-32000\r")
        try terminal.waitFor("JSON-RPC error -32000: database is locked\\x1b[2J")
        terminal.type("log\r")
        // The server's stderr line and the result race each other.
        try terminal.waitForAll(["server log\\x1b]52;c;cm0gLXJmIH4=\\x07\\x1b]0;PWNED\\x07", "logged\n"])
        // Ctrl-D only once the editor is back: typed while the call runs, the terminal's line discipline eats it.
        try terminal.waitFor("srv> ")
        terminal.type("\u{4}")
        _ = try terminal.waitForExit(timeout: .seconds(30))

        let raw = terminal.rawOutput
        for (sequence, what) in [
            ("\u{1B}]52", "OSC 52 (clipboard)"), ("\u{1B}]0;", "OSC 0 (title)"), ("\u{1B}[2J", "clear screen"),
            ("\u{9B}", "C1 CSI"), ("\u{202E}", "bidi override"), ("\u{7}", "bell"),
        ] {
            #expect(!Self.contains(raw, sequence), "\(what) reached the terminal")
        }
    }

    /// `:describe` shows argument names and descriptions from the schema spelled out.
    @Test func describeSpellsOutSchemaText() throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let server = try MCPFixtures.hostileServerCommand
        let run = try baysh.pipedWithin(["--mcp", server, "-c", ":describe pwn\u{1B}[2J\u{1B}[H"])
        #expect(run.stdout.contains("arg\\x1b]0;PWNED\\x07"), "\(run)")
        #expect(run.stdout.contains("evil\\x1b]52;c;cm0gLXJmIH4=\\x07"), "\(run)")
        #expect(!run.stdout.contains("\u{1B}") && !run.stderr.contains("\u{1B}"))
        // `:tools` pads names as they show, spelled out, so the signatures still line up.
        let tools = try baysh.pipedWithin(["--mcp", server, "-c", ":tools"]).stdout.split(separator: "\n")
        #expect(tools.contains("pwn\\x1b[2J\\x1b[H  arg\\x1b]0;PWNED\\x07:string"), "\(tools)")
        #expect(tools.contains("echo" + String(repeating: " ", count: 14) + "[text:string]"), "\(tools)")
    }

    /// `--format raw` is the one way to get the bytes as sent; text and json spell them out.
    @Test func onlyRawFormatPrintsBytesAsSent() throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let server = try MCPFixtures.hostileServerCommand
        let text = try baysh.pipedWithin(["--mcp", server, "-c", "attack"])
        #expect(text.stdout.hasPrefix("before\\x1b[2J"))
        #expect(!text.stdout.contains("\u{1B}"))
        let json = try baysh.pipedWithin(["--mcp", server, "--format", "json", "-c", "attack"])
        #expect(json.stdout.contains("\\u001b[2J") && json.stdout.contains("\\u009b2J"))
        #expect(!json.stdout.contains("\u{1B}") && !json.stdout.contains("\u{9B}"))
        #expect((try? JSONSerialization.jsonObject(with: Data(json.stdout.utf8))) != nil)
        let raw = try baysh.pipedWithin(["--mcp", server, "--format", "raw", "-c", "attack"])
        #expect(raw.stdout.hasPrefix("before\u{1B}[2J\u{1B}[H\u{1B}]52;"))
    }

    static func contains(_ bytes: [UInt8], _ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard needle.count <= bytes.count else { return false }
        return (0...(bytes.count - needle.count)).contains { start in
            bytes[start] == needle[0] && bytes[start..<start + needle.count].elementsEqual(needle)
        }
    }
}

/// Text a test writer collected.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [String] = []
    func append(_ text: String) { lock.withLock { parts.append(text) } }
    var text: String { lock.withLock { parts.joined() } }
}

extension BayshProcess {
    /// ``piped(_:input:)`` that cannot hang: the process is killed after `seconds`.
    func pipedWithin(_ arguments: [String], input: String = "", seconds: Int = 60) throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        let (process, stdin, stdout, stderr) = try started(arguments)
        let watchdog = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(seconds), execute: watchdog)
        defer { watchdog.cancel() }
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        // Both pipes are drained at once, so a big stderr cannot block the process while stdout is read.
        let errorData = Collected()
        let errorDone = DispatchSemaphore(value: 0)
        Thread {
            errorData.append(String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
            errorDone.signal()
        }.start()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errorDone.wait()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), errorData.text)
    }
}
