import Foundation
import Testing

/// The real `baysh` binary started with an AgentBay API key in its environment (and in a `.env` file beside it),
/// run through a pseudo-terminal and through piped stdin, both recording a transcript: the key shows nowhere —
/// not in what it printed, the history file, the transcript or anything else under its state folder — and the
/// local session's `shell` tool does not hand it to the commands it runs.
@Suite("baysh binary keeps the API key to itself", .serialized)
struct BayshSecretEndToEndTests {
    static let lines = [
        ":session", ":info", ":tools", "shell command=\"echo key=$AGENTBAY_API_KEY.\"", "shell command=env",
        ":explain shell command=hi", ":labels a=b", "read_file path=/no/such/file", "shell command='exit 3'",
        ":history",
    ]

    static func process() throws -> (BayshProcess, key: String) {
        let key = "akm-" + SecretLeakTests.randomPart(32)
        var baysh = try BayshProcess()
        baysh.extraEnvironment = ["AGENTBAY_API_KEY": key]
        try "AGENTBAY_API_KEY=\(key)\n".write(toFile: baysh.path(".env"), atomically: true, encoding: .utf8)
        return (baysh, key)
    }

    /// Everything the run left: the given output, the transcript and the state folder (history, outputs).
    static func leaks(_ baysh: BayshProcess, key: String, output: [String: String]) -> [String] {
        let scan = SecretScan(secrets: ["API key": key])
        let transcript = (try? String(contentsOfFile: baysh.path("session.transcript"), encoding: .utf8)) ?? ""
        #expect(transcript.hasPrefix("# baysh transcript"), "the transcript was written")
        var leaks = scan.leaks(in: transcript, place: "transcript")
        for (place, text) in output { leaks += scan.leaks(in: text, place: place) }
        return leaks + scan.leaks(underFolder: baysh.root.appendingPathComponent("state"))
    }

    @Test func pipedStdin() async throws {
        let (baysh, key) = try Self.process()
        defer { baysh.removeFolders() }
        let outcome = try await baysh.run(
            ["--yes", "--record", baysh.path("session.transcript")], input: Self.lines.joined(separator: "\n") + "\n")
        #expect(outcome.status == 1, "the failing lines fail the run")
        // The command ran and its environment had no key: `key=.` is what echo gives for an unset variable.
        #expect(outcome.stdout.contains("key=."), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("PWD="), "env ran")
        let leaks = Self.leaks(baysh, key: key, output: ["stdout": outcome.stdout, "stderr": outcome.stderr])
        #expect(leaks.isEmpty, "\(leaks)")
    }

    @Test func terminal() throws {
        let (baysh, key) = try Self.process()
        defer { baysh.removeFolders() }
        let terminal = try baysh.terminal(["--yes", "--record", baysh.path("session.transcript")])
        try terminal.waitForPrompt(after: "Ctrl-D exits\n")
        for line in Self.lines {
            terminal.type(line + "\r")
            try terminal.waitForPrompt(timeout: .seconds(30))
        }
        terminal.type("\u{4}")
        _ = try terminal.waitForExit(timeout: .seconds(30))
        #expect(terminal.visible.contains("key=."))
        let leaks = Self.leaks(baysh, key: key, output: ["terminal": terminal.visible])
        #expect(leaks.isEmpty, "\(leaks)")
        let history = SecretScan.files(under: baysh.root.appendingPathComponent("state"))
        #expect(history.contains { $0.contains("history-") }, "a history file was written: \(history)")
    }
}
