import BayshTestSupport
import Foundation
import Testing

@testable import BayshCore

/// A shell over a real session in process, the way `baysh --record FILE` runs it at a terminal: lines are kept in
/// the history file as typed, the transcript commands are installed and recording runs from the first line, and
/// what the shell prints is collected per stream. Its state folder (history, output folders) and the transcript
/// live in a scratch folder of its own, removed with it.
final class RecordedShell {
    let scratch: TemporaryDirectory
    let shell: Shell
    private let printed = ShellHarness.Collector()

    var stateFolder: URL { URL(fileURLWithPath: scratch.path("state")) }
    var transcriptPath: String { scratch.path("session.transcript") }
    var stdout: String { printed.text(of: .standardOutput) }
    var stderr: String { printed.text(of: .standardError) }

    init(session: any Session) async throws {
        scratch = try TemporaryDirectory()
        let printed = self.printed
        shell = Shell(
            session: session, editor: PlainLineReader { nil },
            writer: TerminalWriter { text, stream in printed.add(stream, text) },
            options: Shell.Options(statePaths: StatePaths(root: URL(fileURLWithPath: scratch.path("state"))), interrupts: InterruptSignal()))
        let commands = TranscriptCommands(recorder: TranscriptRecorder { message in
            printed.add(.standardError, message + "\n")
        })
        commands.install(in: shell)
        await shell.loadTools()
        await lines([":record \(transcriptPath)"])
    }

    /// Runs each line as typed at the prompt, history included.
    func lines(_ lines: [String]) async {
        for line in lines {
            _ = shell.history.record(line)
            await shell.execute(line)
        }
    }

    /// Ends the shell as end of input does: recording stops, a session the shell created is deleted.
    func finish() async {
        _ = await shell.run(lines: [])
    }

    /// Every leak in what the run printed and left on disk; records a failure when there was nothing to search.
    func leaks(_ scan: SecretScan) -> [String] {
        let transcript = (try? String(contentsOfFile: transcriptPath, encoding: .utf8)) ?? ""
        #expect(transcript.hasPrefix("# baysh transcript"),
            "the transcript was written: \(transcript.prefix(200))")
        #expect(SecretScan.files(under: stateFolder).contains { $0.hasPrefix("history-") }, "a history file was written")
        return scan.leaks(in: stdout, place: "stdout") + scan.leaks(in: stderr, place: "stderr")
            + scan.leaks(in: transcript, place: "transcript") + scan.leaks(underFolder: stateFolder)
    }
}
