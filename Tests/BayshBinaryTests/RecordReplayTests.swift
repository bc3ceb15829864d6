import BayshTestSupport
import Foundation
import Testing

@testable import BayshCore

/// Record, replay and check through the real `baysh` binary and a real local session.
@Suite struct RecordReplayTests {
    static let commands = [
        "write_file path=a.txt content=\"first\\n\\nthird\"",
        "read_file a.txt",
        "shell command='echo out; echo err >&2'",
        ":explain read_file path=a.txt",
        "nope x=1",
    ]

    /// Records `commands` piped into baysh and gives the transcript's text.
    func record(_ baysh: BayshProcess, _ commands: [String] = commands, to name: String = "rec.txt") async throws
        -> String
    {
        let outcome = try await baysh.run(["--record", name], input: commands.joined(separator: "\n") + "\n")
        #expect(outcome.status == 1, "the last command fails: \(outcome.stderr)")
        return try String(contentsOfFile: baysh.path(name), encoding: .utf8)
    }

    @Test func recordThenReplayGivesNoDifference() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let text = try await record(baysh)
        #expect(text.hasPrefix("# baysh transcript v1\n# backend: local\n# image: linux_latest\n"))
        #expect(text.contains("""
            > read_file path=a.txt
            first

            third
            > shell command='echo out; echo err >&2'
            out
            ! err
            """))
        #expect(text.contains("> nope x=1\n! error: unknown tool 'nope'\n"))

        let replay = try await baysh.run(["--replay", "rec.txt", "--check"])
        #expect(replay.status == 0, "\(replay.stdout)\n\(replay.stderr)")
        #expect(replay.stdout.hasPrefix("> write_file path=a.txt content=\"first\\n\\nthird\"\nSuccessfully wrote"))
        #expect(!replay.stdout.contains("(recorded)"))
        #expect(replay.stderr.contains("replayed 5 of 5 commands from rec.txt: 5 checked, all match"))
    }

    @Test func aChangedResultGivesADiffAndStatusOne() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let text = try await record(baysh)
        let edited = text.replacingOccurrences(of: "first\n\nthird\n", with: "first\n\n3rd\n")
        try edited.write(toFile: baysh.path("rec.txt"), atomically: true, encoding: .utf8)
        let line = edited.components(separatedBy: "\n").firstIndex(of: "> read_file path=a.txt")! + 1

        let replay = try await baysh.run(["--replay", "rec.txt", "--check"])
        #expect(replay.status == 1)
        #expect(replay.stdout.contains("""
            --- rec.txt:\(line) (recorded)
            +++ rec.txt:\(line) (replayed)
            @@ -1,3 +1,3 @@
             first
             
            -3rd
            +third
            """))
        #expect(replay.stderr.contains("replayed 5 of 5 commands from rec.txt: 1 differ"))

        let json = try await baysh.run(["--replay", "rec.txt", "--check", "--json"])
        #expect(json.status == 1)
        let reports = try json.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        #expect(reports.count == 5)
        #expect(reports.map { $0["ok"] as? Bool } == [true, false, true, true, true])
        #expect((reports[1]["diff"] as? String)?.contains("+third") == true)
        #expect(reports[1]["arguments"] as? [String: String] == ["path": "a.txt"])
        #expect(reports[3]["arguments"] is NSNull)
        #expect(reports[4]["isError"] as? Bool == true)
        #expect(reports[2]["result"] as? String == "out\nerr")
        #expect(reports.allSatisfy { $0["elapsedMs"] is Double || $0["elapsedMs"] is Int })
    }

    @Test func aRecordingCutByKillMinusNineReplaysEveryCompletedCommand() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let workspace = baysh.path("ws")
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        let (process, stdin) = try baysh.start(["--workspace", workspace, "--record", "cut.txt"], output: "cut")
        let completed = ["write_file path=a.txt content=one", "read_file path=a.txt", "shell command='echo two'"]
        for (index, command) in completed.enumerated() {
            stdin.fileHandleForWriting.write(Data((command + "\n").utf8))
            try await BayshProcess.waitUntil("entry \(index + 1) is on disk") {
                let text = (try? String(contentsOfFile: baysh.path("cut.txt"), encoding: .utf8)) ?? ""
                return text.components(separatedBy: "\n> ").count == index + 2
            }
        }
        // A call still running when the kill comes; its process group id is written first so it can be ended.
        stdin.fileHandleForWriting.write(Data("shell command='echo $$ > group.pid; sleep 30'\n".utf8))
        try await BayshProcess.waitUntil("the slow call started") {
            FileManager.default.fileExists(atPath: workspace + "/group.pid")
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        if let group = try? String(contentsOfFile: workspace + "/group.pid", encoding: .utf8),
            let id = Int32(group.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            kill(-id, SIGKILL)
        }
        #expect(process.terminationReason == .uncaughtSignal)

        let text = try String(contentsOfFile: baysh.path("cut.txt"), encoding: .utf8)
        let transcript = TranscriptReader().parse(text)
        #expect(transcript.entries.map(\.command) == completed)
        #expect(transcript.warnings.isEmpty)

        // A disk that filled up mid-write leaves half a line; the entries before it still replay.
        try (text + "> read_file path=a.t").write(toFile: baysh.path("cut.txt"), atomically: true, encoding: .utf8)
        let replay = try await baysh.run(["--replay", "cut.txt", "--check"])
        #expect(replay.status == 0, "\(replay.stdout)\n\(replay.stderr)")
        #expect(replay.stderr.contains("the file ends in the middle of this line"))
        #expect(replay.stderr.contains("replayed 3 of 3 commands from cut.txt: 3 checked, all match"))
    }

    @Test func bareCommandsReplayAndARecordingOfTheReplayChecksClean() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        try """
            # setup
            write_file path=b.txt content="x
            y"

            read_file path=b.txt
            shell command='cat b.txt | wc -l'
            """.write(toFile: baysh.path("bare.txt"), atomically: true, encoding: .utf8)
        let first = try await baysh.run(["--replay", "bare.txt", "--check", "--record", "fresh.txt"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("> write_file path=b.txt content=\"x\n. y\"\nSuccessfully wrote 3 bytes"))
        let fresh = try String(contentsOfFile: baysh.path("fresh.txt"), encoding: .utf8)
        #expect(fresh.contains("> write_file path=b.txt content=\"x\\ny\"\nSuccessfully wrote 3 bytes to b.txt\n"))
        #expect(fresh.contains("> read_file path=b.txt\nx\ny\n"))

        let again = try await baysh.run(["--replay", "fresh.txt", "--check"])
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        #expect(again.stderr.contains("3 checked, all match"))
    }

    @Test func replayStopsAtTheFirstFailureUnlessToldToGoOn() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        try "shell command='echo a'\nshell command='exit 4'\nshell command='echo c'\n"
            .write(toFile: baysh.path("three.txt"), atomically: true, encoding: .utf8)

        let stopped = try await baysh.run(["--replay", "three.txt"])
        #expect(stopped.status == 1)
        #expect(stopped.stdout == "> shell command='echo a'\na\n> shell command='exit 4'\n")
        #expect(stopped.stderr.contains("three.txt:2: stopped after this command failed; --continue-on-error runs the rest"))
        #expect(stopped.stderr.contains("replayed 2 of 3 commands from three.txt: 1 failed"))

        let all = try await baysh.run(["--replay", "three.txt", "--continue-on-error"])
        #expect(all.status == 1)
        #expect(all.stdout.hasSuffix("> shell command='echo c'\nc\n"))
        #expect(all.stderr.contains("replayed 3 of 3 commands from three.txt: 1 failed"))
    }

    @Test func badFlagsAndMissingFilesAreRefusedBeforeASessionIsMade() async throws {
        let baysh = try BayshProcess()
        defer { baysh.removeFolders() }
        let missing = try await baysh.run(["--replay", "nothing.txt"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "baysh: cannot read transcript 'nothing.txt': no such file\n")
        #expect(!FileManager.default.fileExists(atPath: baysh.path("data/baysh/sessions")))

        let check = try await baysh.run(["--check"])
        #expect(check.status != 0)
        #expect(check.stderr.contains("--check works with --replay FILE"))
    }
}
