import BayshCore
import BayshTestSupport
import Foundation
import Testing
@Suite("baysh end to end", .serialized)
struct EndToEndTests {
    static let prompt = "baysh local:"

    @Test func tabCompletesToolNamesAndOffersKeys() throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let terminal = try baysh.terminal()
        try terminal.waitForPrompt(after: "Ctrl-D exits\n")
        terminal.type("read_f\t")
        try terminal.waitFor("read_file")
        // The hint after a complete tool name shows the signature.
        try terminal.waitFor("path:string [format:")
        terminal.type("\t")
        try terminal.waitFor("path    string, required")
        try terminal.waitFor("length  integer")
        terminal.type("pa\t")
        try terminal.waitFor("path=")
        terminal.type("missing.txt fo\t")
        try terminal.waitFor("format=")
        terminal.type("b\t\r")
        try terminal.waitFor("binary")
        try terminal.waitFor("missing.txt")
        try terminal.waitForPrompt()
        let history = baysh.root.appendingPathComponent("state/baysh/history-local")
        #expect(try String(contentsOf: history, encoding: .utf8) == "read_file path=missing.txt format=binary \n")
        terminal.type(":q\r")
        #expect(try terminal.waitForExit() == 0)
    }

    @Test func ctrlCDuringASlowCallReturnsToAWorkingPrompt() throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let terminal = try baysh.terminal()
        try terminal.waitForPrompt(after: "Ctrl-D exits\n")
        terminal.type("shell command=\"sleep 30\" timeout_ms=60000\r")
        // The shell tool is destructive, so baysh asks first.
        try terminal.waitFor("Call it? [y/N/a=always]")
        terminal.type("y\r")
        try terminal.waitFor("(Ctrl-C cancels)", timeout: .seconds(20))
        let pressed = ContinuousClock.now
        terminal.type("\u{3}")
        try terminal.waitFor("shell cancelled", timeout: .seconds(15))
        #expect(ContinuousClock.now - pressed < .seconds(15))
        try terminal.waitForPrompt()
        terminal.type("shell command=\"echo still-here\"\r")
        try terminal.waitFor("Call it? [y/N/a=always]")
        terminal.type("\r")
        try terminal.waitForPrompt(after: "not called\n")
        terminal.type("shell command=\"echo still-here\"\r")
        try terminal.waitFor("Call it? [y/N/a=always]")
        terminal.type("a\r")
        try terminal.waitForPrompt(after: "still-here\n")
        // After "a" (always) the same tool is called without asking again.
        terminal.type("shell command=\"echo again\"\r")
        try terminal.waitForPrompt(after: "again\n")
        // Ctrl-C at the prompt abandons the line being typed.
        terminal.type("shell command=\"echo never\"\u{3}")
        try terminal.waitForPrompt(after: "^C\n")
        terminal.type("\u{4}")
        #expect(try terminal.waitForExit() == 0)
        #expect(!terminal.visible.contains("never\n"))
        // Ctrl-D deleted the session baysh created.
        #expect(baysh.sessionRecords.isEmpty)
    }

    @Test func historySurvivesARestart() throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let first = try baysh.terminal(["--yes"])
        try first.waitForPrompt(after: "Ctrl-D exits\n")
        first.type("shell command=\"echo hist-one\"\r")
        try first.waitForPrompt(after: "hist-one\n")
        first.type(" shell command=\"echo private\"\r")
        try first.waitForPrompt(after: "private\n")
        first.type(":quit\r")
        #expect(try first.waitForExit() == 0)
        let file = baysh.root.appendingPathComponent("state/baysh/history-local")
        #expect(try String(contentsOf: file, encoding: .utf8) == "shell command=\"echo hist-one\"\n:quit\n")

        let second = try baysh.terminal(["--yes"])
        try second.waitForPrompt(after: "Ctrl-D exits\n")
        second.type("\u{1B}[A\u{1B}[A\r")
        try second.waitForPrompt(after: "hist-one\n")
        second.type("\u{4}")
        #expect(try second.waitForExit() == 0)
    }

    @Test func describeShowsTheArgumentTable() throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let terminal = try baysh.terminal(["--keep"])
        try terminal.waitForPrompt(after: "Ctrl-D exits\n")
        terminal.type(":describe write_file\r")
        try terminal.waitFor("write_file — ")
        try terminal.waitFor("argument  type")
        try terminal.waitFor("mode      \"overwrite\"|\"append\"")
        try terminal.waitForPrompt(after: "example:\n  write_file path=PATH content=CONTENT\n")
        terminal.type("\u{4}")
        #expect(try terminal.waitForExit() == 0)
        // --keep left the session in place.
        #expect(baysh.sessionRecords.count == 1)
    }

    @Test func pipedStdinRunsLinesQuietlyAndReportsFailure() throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let good = try baysh.piped([], input: "shell command=\"echo one\"\nshell command=\"echo two\"\n")
        #expect(good.status == 0)
        #expect(good.stdout == "one\ntwo\n")
        #expect(good.stderr == "")
        let bad = try baysh.piped([], input: "read_file path=missing.txt\nshell command=\"echo after\"\n")
        #expect(bad.status == 1)
        #expect(bad.stdout == "after\n")
        #expect(bad.stderr.contains("missing.txt"))
        #expect(baysh.sessionRecords.isEmpty)
    }

    @Test func dashCRunsEachLineAndExits() throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let good = try baysh.piped(["-c", "write_file path=a.txt content=hello", "-c", "read_file a.txt"])
        #expect(good.status == 0)
        #expect(good.stdout.hasSuffix("hello\n"))
        let bad = try baysh.piped(["-c", "shell command=\"exit 3\"", "-c", ":nosuch"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("exit code 3"))
        #expect(bad.stderr.contains("unknown command ':nosuch'"))
        let json = try baysh.piped(["--format", "json", "-c", "shell command=\"echo j\""])
        #expect(json.stdout.contains("\"isError\" : false"))
        let usage = try baysh.piped(["--history-size", "0"])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("--history-size must be at least 1"))
    }
}
