import BayshTestSupport
import Foundation
import Testing

@testable import BayshCore

/// Through the binary: a transcript recorded with masks replays green on a fresh local session, over `baysh serve`
/// and a second later; one recorded over `baysh serve` replays green locally; a real change is still a diff; and
/// `--update` / `--record-raw` do what they say.
@Suite(.serialized) struct MaskedReplayTests {
    /// Every local tool once, a shell command that fails and one that succeeds.
    static let commands = #"""
        create_directory path=notes
        write_file path=notes/todo.txt content="buy milk\nwrite tests\n"
        read_file path=notes/todo.txt
        get_file_info path=notes/todo.txt
        list_directory path=notes
        search_files path=. pattern=todo
        edit_file path=notes/todo.txt edits:=[{"oldText":"buy milk","newText":"buy oat milk"}]
        read_multiple_files paths:=["notes/todo.txt"]
        move_file source=notes/todo.txt destination=notes/done.txt
        shell command='ls nope; exit 3'
        shell command='pwd; echo hello'
        delete_file path=notes/done.txt

        """#

    var serve: String { "--mcp=\(BayshProcess.binary) serve" }

    func expectGreen(_ outcome: BayshProcess.Outcome, _ what: String) {
        #expect(outcome.status == 0, "\(what)\nstdout:\n\(outcome.stdout)\nstderr:\n\(outcome.stderr)")
        #expect(outcome.stderr.contains("replayed 12 of 12 commands from rec.txt: 12 checked, all match"), "\(what)")
    }

    @Test func recordedLocallyReplaysLocallyOverServeAndLater() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let recording = try await baysh.run(["--yes", "--record", "rec.txt"], input: Self.commands)
        #expect(recording.status == 1, "the failing shell command fails the script")
        let text = try String(contentsOfFile: baysh.path("rec.txt"), encoding: .utf8)
        for placeholder in ["path: <workspace>/notes/todo.txt", "modified: <time>", "(trace id <trace-id>)\n", "\n<workspace>\nhello\n"] {
            #expect(text.contains(placeholder), "\(placeholder) in:\n\(text)")
        }
        #expect(!text.contains(baysh.root.path), "no raw path in:\n\(text)")

        expectGreen(try await baysh.run(["--replay", "rec.txt", "--check"]), "fresh local session")
        expectGreen(try await baysh.run([serve, "--replay", "rec.txt", "--check"]), "baysh serve over stdio")
        // File times are recorded to the second: a replay in a later second gets other times.
        try await Task.sleep(for: .milliseconds(1100))
        expectGreen(try await baysh.run(["--replay", "rec.txt", "--check"]), "later")
    }

    @Test func recordedOverServeReplaysLocally() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        _ = try await baysh.run(["--yes", serve, "--record", "rec.txt"], input: Self.commands)
        let text = try String(contentsOfFile: baysh.path("rec.txt"), encoding: .utf8)
        #expect(text.contains("path: <workspace>/notes/todo.txt"), "the server's workspace is masked:\n\(text)")
        expectGreen(try await baysh.run(["--replay", "rec.txt", "--check"]), "local after serve")
    }

    @Test func timingNotesAndJSONResultsAreMaskedToo() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let lines = [":timing on", "write_file path=a.txt content=hi", ":timing off", ":format json",
            "shell command='exit 2'", "get_file_info path=a.txt"]
        _ = try await baysh.run(["--yes", "--record", "rec.txt"], input: lines.joined(separator: "\n") + "\n")
        let text = try String(contentsOfFile: baysh.path("rec.txt"), encoding: .utf8)
        for placeholder in ["! took <duration>\n", #"\"traceId\":\"<trace-id>\""#, #"\npath: <workspace>/a.txt\n"#,
            #"modified: <time>\n"#]
        {
            #expect(text.contains(placeholder), "\(placeholder) in:\n\(text)")
        }
        for arguments in [["--replay", "rec.txt", "--check"], [serve, "--replay", "rec.txt", "--check"]] {
            let outcome = try await baysh.run(arguments)
            #expect(outcome.status == 0 && outcome.stderr.contains("6 checked, all match"), "\(outcome.stderr)")
        }
    }

    @Test func aRealChangeIsStillADiff() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        _ = try await baysh.run(["--yes", "--record", "rec.txt"], input: Self.commands)
        var text = try String(contentsOfFile: baysh.path("rec.txt"), encoding: .utf8)
        text = text.replacingOccurrences(of: "size: 21", with: "size: 22")
            .replacingOccurrences(of: "! exit code 3 (trace", with: "! exit code 4 (trace")
        try Data(text.utf8).write(to: URL(fileURLWithPath: baysh.path("rec.txt")))
        let outcome = try await baysh.run(["--replay", "rec.txt", "--check", "--continue-on-error"])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.contains("-size: 22\n+size: 21"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("-! exit code 4 (trace id <trace-id>)\n+! exit code 3 (trace id <trace-id>)"))
        #expect(outcome.stderr.contains("2 differ"), "\(outcome.stderr)")
    }

    @Test func recordRawKeepsTheValues() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        _ = try await baysh.run(["--yes", "--record", "raw.txt", "--record-raw"], input: Self.commands)
        let text = try String(contentsOfFile: baysh.path("raw.txt"), encoding: .utf8)
        #expect(text.contains("path: \(baysh.root.path)/"), "\(text)")
        #expect(!text.contains("<workspace>") && !text.contains("<time>") && !text.contains("<trace-id>"))
        let usage = try await baysh.run(["--record-raw", "-c", ":tools"])
        #expect(usage.status == 2 && usage.stderr.contains("--record-raw works with --record FILE"))
    }

    @Test func updateRewritesWhatDiffersAndSaysSo() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let original = """
            # baysh transcript v1
            # why: a stale recording
            > write_file path=a.txt content="one\\ntwo\\n"
            Successfully wrote 99 bytes to a.txt

            # the file back
            > read_file path=a.txt
            one
            TWO
            > get_file_info path=a.txt
            name: a.txt
            path: <workspace>/a.txt
            ...

            """
        try Data(original.utf8).write(to: URL(fileURLWithPath: baysh.path("t.txt")))
        let usage = try await baysh.run(["--replay", "t.txt", "--update"])
        #expect(usage.status == 2 && usage.stderr.contains("--update works with --replay FILE --check"))

        let outcome = try await baysh.run(["--replay", "t.txt", "--check", "--update"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("updated t.txt: rewrote the output of 2 commands (lines 3, 7)"), "\(outcome.stderr)")
        #expect(outcome.stdout.contains("-TWO\n+two"))
        let updated = try String(contentsOfFile: baysh.path("t.txt"), encoding: .utf8)
        #expect(updated == original.replacingOccurrences(of: "99 bytes", with: "8 bytes")
            .replacingOccurrences(of: "TWO", with: "two"))
        let again = try await baysh.run(["--replay", "t.txt", "--check"])
        #expect(again.status == 0 && again.stderr.contains("3 checked, all match"), "\(again.stderr)")
    }
}
