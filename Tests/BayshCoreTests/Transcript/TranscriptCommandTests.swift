import BayshTestSupport
import Foundation
import Testing

@testable import BayshCore

/// A shell over a real local session in process, with the transcript commands installed and output collected.
/// The session's data folder (and so its workspace) lives in the scratch folder and goes with it.
final class TranscriptShell {
    let scratch: TemporaryDirectory
    let session: LocalSession
    let shell: Shell
    let commands: TranscriptCommands
    private let printed = ShellHarness.Collector()

    init() async throws {
        scratch = try TemporaryDirectory()
        session = try LocalSession.create(dataHome: URL(fileURLWithPath: scratch.path("data")))
        let printed = self.printed
        shell = Shell(
            session: session, editor: PlainLineReader { nil },
            writer: TerminalWriter { text, stream in printed.add(stream, text) },
            options: Shell.Options(historyEnabled: false, statePaths: StatePaths(root: URL(fileURLWithPath: scratch.path("state"))),
                interrupts: InterruptSignal()))
        commands = TranscriptCommands(recorder: TranscriptRecorder { message in
            printed.add(.standardError, message + "\n")
        })
        commands.install(in: shell)
        await shell.loadTools()
    }

    /// Runs `line` as typed at the prompt (history included) and gives what it printed on stdout and stderr.
    @discardableResult
    func run(_ line: String) async -> (outcome: CommandOutcome, stdout: String, stderr: String) {
        printed.clear()
        _ = shell.history.record(line)
        let outcome = await shell.execute(line)
        return (outcome, printed.text(of: .standardOutput), printed.text(of: .standardError))
    }

    func file(_ name: String) throws -> String {
        try String(contentsOfFile: scratch.path(name), encoding: .utf8)
    }
}

@Suite struct TranscriptCommandTests {
    @Test func recordWritesEachCommandAndLeavesOutTheOnesThatSteerRecording() async throws {
        let t = try await TranscriptShell()
        let path = t.scratch.path("rec.txt")
        #expect(await t.run(":record").stdout == "not recording\n")
        #expect(await t.run(":record \(path)").stderr == "recording to \(path)\n")
        #expect(await t.run(":record").stdout == "recording to \(path)\n")
        await t.run("write_file a.txt \"hello\"")
        await t.run("read_file path=nope.txt")
        await t.run(":rerun -1")
        #expect(await t.run(":record off").stderr == "recording to \(path) stopped\n")
        await t.run("read_file path=a.txt")
        #expect(await t.run(":record off").outcome.failed)

        let transcript = TranscriptReader().parse(try t.file("rec.txt"))
        #expect(transcript.header["backend"] == "local")
        #expect(transcript.header["session"] == t.session.descriptor.promptName)
        #expect(transcript.entries.map(\.command) == [
            "write_file path=a.txt content=hello", "read_file path=nope.txt", "read_file path=nope.txt",
        ])
        #expect(transcript.entries[0].output == [OutputLine("Successfully wrote 5 bytes to a.txt")])
        #expect(transcript.entries[1].output == [OutputLine("'nope.txt' does not exist in the workspace", isError: true)])
    }

    @Test func recordReportsAFileItCannotWrite() async throws {
        let t = try await TranscriptShell()
        // /dev/full exists: a script must say --force to replace it.
        #expect(await t.run(":record /dev/full").stderr == "/dev/full already exists; add --force to replace it\n")
        let result = await t.run(":record /dev/full --force")
        #expect(result.outcome.failed)
        #expect(result.stderr == "cannot record to '/dev/full': No space left on device; choose a writable file\n")
        #expect(await t.run(":record a b").stderr == "usage: :record FILE [--raw] [--force]|off\n")
    }

    @Test func recordMasksTheWorkspaceAndRawKeepsIt() async throws {
        let t = try await TranscriptShell()
        let workspace = try #require(t.session.workspacePath)
        await t.run(":record \(t.scratch.path("masked.txt"))")
        await t.run("shell command=pwd")
        let raw = await t.run(":record \(t.scratch.path("raw.txt")) --raw")
        #expect(raw.stderr.hasSuffix("(values as they come, unmasked)\n"))
        await t.run("shell command=pwd")
        await t.run(":record off")
        #expect(try t.file("masked.txt").hasSuffix("> shell command=pwd\n<workspace>\n"))
        #expect(try t.file("raw.txt").hasSuffix("> shell command=pwd\n\(workspace)\n"))
        #expect(await t.run(":record --raw").stderr == "usage: :record FILE [--raw] [--force]|off\n")
        #expect(await t.run(":record off --raw").stderr == "usage: :record FILE [--raw] [--force]|off\n")
    }

    @Test func secretsNeverReachTheTranscript() async throws {
        let t = try await TranscriptShell()
        let secret = Secret("akm-transcript-e2e-secret-5678")
        await t.run(":record \(t.scratch.path("rec.txt"))")
        await t.run("shell command='echo \(secret.revealed)'")
        await t.run(":explain write_file path=k.txt content=\(secret.revealed)")
        await t.run(":record off")
        let text = try t.file("rec.txt")
        #expect(!text.contains(secret.revealed))
        #expect(text.contains("> shell command='echo \(secret.masked)'\n\(secret.masked)\n"))
        #expect(text.components(separatedBy: secret.masked).count == 5)
    }

    @Test func sourceReplaysInThisSessionAndChecks() async throws {
        let t = try await TranscriptShell()
        try """
            > write_file path=s.txt content=one
            Successfully wrote 3 bytes to s.txt
            > read_file path=s.txt
            two
            > shell command='echo ...; exit 1'
            ...
            ! exit code 1 (trace id ...)

            """.write(toFile: t.scratch.path("s.txt"), atomically: true, encoding: .utf8)
        // Without --check the last command's exit code 1 is a failure like any other.
        let plain = await t.run(":source \(t.scratch.path("s.txt"))")
        #expect(plain.outcome.failed)
        #expect(plain.stdout.hasPrefix("> write_file path=s.txt content=one\nSuccessfully wrote 3 bytes to s.txt\n"))
        #expect(plain.stderr.hasSuffix("replayed 3 of 3 commands from \(t.scratch.path("s.txt")): 1 failed\n"))

        let checked = await t.run(":source \(t.scratch.path("s.txt")) --check --continue-on-error")
        #expect(checked.outcome.failed)
        #expect(checked.stdout.contains("@@ -1,1 +1,1 @@\n-two\n+one\n"))
        #expect(checked.stderr.contains("replayed 3 of 3 commands from \(t.scratch.path("s.txt")): 1 differ"))

        #expect(await t.run(":source").stderr == "usage: :source FILE [--check] [--continue-on-error]\n")
        #expect(await t.run(":source \(t.scratch.path("none.txt"))").stderr
            == "cannot read transcript '\(t.scratch.path("none.txt"))': no such file\n")
    }

    @Test func aTranscriptThatSourcesItselfIsRefused() async throws {
        let t = try await TranscriptShell()
        let path = t.scratch.path("loop.txt")
        try ":source \(path)\nshell command='echo after'\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = await t.run(":source \(path)")
        #expect(result.outcome.failed)
        #expect(result.stderr.contains("\(path) is already being replayed; a transcript cannot source itself"))
        #expect(!result.stdout.contains("after"))
    }

    @Test func saveWritesHistoryLinesAsABareTranscript() async throws {
        let t = try await TranscriptShell()
        await t.run("write_file path=h.txt content=\"a\nb\"")
        await t.run(":timing on")
        await t.run("read_file path=h.txt")
        await t.run(":rerun 3")
        let path = t.scratch.path("saved.txt")
        // History: the four lines, then the line :rerun ran again; the :rerun line itself is left out.
        #expect(await t.run(":save 5 \(path)").stderr == "saved 4 commands to \(path)\n")
        let saved = try TranscriptReader().read(path: path)
        #expect(saved.style == .bare)
        #expect(saved.header["from"] == "history 1-5")
        #expect(saved.header["saved"] != nil)
        #expect(saved.entries.map(\.command) == [
            "write_file path=h.txt content=\"a\nb\"", ":timing on", "read_file path=h.txt", "read_file path=h.txt",
        ])

        // The file exists now: a script is refused without --force, and the file is left as it was.
        let refused = await t.run(":save 2-3 \(path)")
        #expect(refused.outcome.failed)
        #expect(refused.stderr == "\(path) already exists; add --force to replace it\n")
        #expect(try TranscriptReader().read(path: path).entries.count == 4)
        await t.run(":save 2-3 \(path) --force")
        #expect(try TranscriptReader().read(path: path).entries.map(\.command) == [":timing on", "read_file path=h.txt"])
        let beyond = await t.run(":save 9-12 \(path)")
        #expect(beyond.stderr == "no history lines 9-12: there are 8\n", "\(t.shell.history.entries)")
        #expect(
            await t.run(":save x \(path)").stderr
                == "usage: :save N|FROM-TO FILE [--force] (numbers as :history shows them)\n")

        // The saved file replays: its continued command keeps its newline.
        let replay = await t.run(":source \(path)")
        #expect(!replay.outcome.failed)
        #expect(replay.stdout.contains("> read_file path=h.txt\na\nb\n"))
    }
}
