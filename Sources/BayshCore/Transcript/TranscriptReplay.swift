import MCP
import Synchronization

/// How a transcript is replayed: `--check`, `--continue-on-error`, `--json`.
public struct ReplayOptions: Sendable, Equatable {
    /// Compare each result with the recorded one and print a unified diff for each difference.
    public var check: Bool
    /// Run every command even after one failed.
    public var continueOnError: Bool
    /// Print one JSON object per command (``CommandReport``) instead of the commands and their output.
    public var json: Bool

    public init(check: Bool = false, continueOnError: Bool = false, json: Bool = false) {
        self.check = check
        self.continueOnError = continueOnError
        self.json = json
    }
}

/// What a replay did.
public struct ReplaySummary: Sendable, Equatable {
    /// Commands run.
    public var run = 0
    /// Commands that failed. Under `--check`, a command whose failure the transcript recorded (its output matches)
    /// is not counted: it behaved as recorded.
    public var failed = 0
    /// Commands whose output differed from the recording (`--check`).
    public var differed = 0
    /// Commands with recorded output that were compared (`--check`).
    public var checked = 0
    /// The transcript line of the command the replay stopped after, when it stopped early.
    public var stoppedAtLine: Int?

    public init() {}

    /// 0 when every command succeeded (and, under `--check`, matched its recording); 1 otherwise.
    public var status: Int32 { failed == 0 && differed == 0 ? 0 : 1 }
}

/// Replays a ``Transcript`` against a running ``Shell``: `baysh --replay FILE` and `:source FILE`.
///
/// Each command goes through ``Shell/execute(_:)`` exactly as if typed, so the shell prints its output and its
/// observer (a recorder for `--record OUT`) sees it. In text mode each command is printed as `> command` first,
/// so the replay reads like the transcript.
public struct TranscriptReplay: Sendable {
    public let transcript: Transcript
    /// The file's name as the user gave it, for diff headers and messages.
    public let file: String
    public let options: ReplayOptions

    public init(transcript: Transcript, file: String, options: ReplayOptions) {
        self.transcript = transcript
        self.file = file
        self.options = options
    }

    /// Runs the commands in order. `json` receives one JSON line per command when ``ReplayOptions/json`` is set.
    public func run(in shell: Shell, json: @Sendable (String) -> Void = { _ in }) async -> ReplaySummary {
        var summary = ReplaySummary()
        for warning in transcript.warnings {
            shell.writer.write(Self.note("warning: \(file): \(warning)", style: .warning))
        }
        // The replay sees each line's record (for the arguments) and passes it on to the shell's own observer.
        let capture = RecordCapture(next: shell.observer)
        shell.observer = capture
        defer { shell.observer = capture.next }

        for (index, entry) in transcript.entries.enumerated() {
            let step = await replay(entry, in: shell, capture: capture)
            summary.run += 1
            if step.matched != nil { summary.checked += 1 }
            if step.matched == false { summary.differed += 1 }
            if step.failedUnexpectedly { summary.failed += 1 }
            if options.json {
                json(step.report.jsonLine)
            } else if let diff = step.report.diff {
                var output = RenderedOutput()
                output.line(diff)
                shell.writer.write(output)
            }
            if step.failedUnexpectedly, !options.continueOnError, index < transcript.entries.count - 1 {
                summary.stoppedAtLine = entry.line
                shell.writer.write(Self.note(
                    "\(file):\(entry.line): stopped after this command failed; --continue-on-error runs the rest",
                    style: .error))
                break
            }
        }
        if !options.json { shell.writer.write(Self.note(describe(summary), style: .dim)) }
        return summary
    }

    /// What one command did on replay.
    private struct Step {
        var report: CommandReport
        /// Under `--check` with recorded output: whether the output matched.
        var matched: Bool?
        /// It failed and the recording does not show that failure.
        var failedUnexpectedly: Bool
    }

    /// Prints the command (text mode), runs it as if typed, and compares its output with the recording.
    private func replay(_ entry: TranscriptEntry, in shell: Shell, capture: RecordCapture) async -> Step {
        if !options.json {
            var echo = RenderedOutput()
            echo.line(TranscriptSyntax.commandLines(entry.command).joined(separator: "\n"))
            shell.writer.write(echo)
        }
        // Questions the server asks get the recorded answers, so the replay runs unattended.
        shell.conversation.answerFromScript(entry.answers)
        let outcome = await shell.execute(entry.command)
        let record = capture.take()
        let actual = outcome.output.transcriptLines
        var matched: Bool?
        var diff: String?
        if options.check, let expected = entry.output {
            matched = OutputMatcher.matches(expected: expected, actual: actual)
            if matched == false {
                diff = UnifiedDiff(expected: expected, actual: actual).render(file: file, line: entry.line)
            }
        }
        let report = CommandReport(
            command: entry.command, line: entry.line == 0 ? nil : entry.line,
            // Only `--json` prints the result; joining a huge output's lines would copy it once more for nothing.
            arguments: record.flatMap(Self.arguments), result: options.json ? OutputLine.plainText(actual) : "",
            isError: outcome.failed,
            elapsed: record?.elapsed ?? .zero, ok: matched ?? !outcome.failed, diff: diff)
        // A failure the recording shows (same output) is what the transcript expects.
        return Step(report: report, matched: matched, failedUnexpectedly: outcome.failed && matched != true)
    }

    /// `replayed 12 commands from demo.txt: 1 failed, 2 differ`.
    func describe(_ summary: ReplaySummary) -> String {
        var text = "replayed \(summary.run) of \(transcript.entries.count) commands from \(file)"
        var facts: [String] = []
        if summary.failed > 0 { facts.append("\(summary.failed) failed") }
        if options.check {
            facts.append(summary.differed == 0 ? "\(summary.checked) checked, all match" : "\(summary.differed) differ")
        }
        if !facts.isEmpty { text += ": " + facts.joined(separator: ", ") }
        return text
    }

    private static func arguments(_ record: ShellRecord) -> Value? {
        if case .call(_, let arguments, _) = record.kind { return .object(arguments) }
        return nil
    }

    private static func note(_ text: String, style: RenderedOutput.Style) -> RenderedOutput {
        var output = RenderedOutput()
        output.errorLine(text, style: style)
        return output
    }
}

/// Keeps the last record the shell reported and hands every record on to the observer that was there before.
private final class RecordCapture: ShellObserver {
    let next: (any ShellObserver)?
    private let last = Mutex<ShellRecord?>(nil)

    init(next: (any ShellObserver)?) {
        self.next = next
    }

    func take() -> ShellRecord? {
        last.withLock { record in
            defer { record = nil }
            return record
        }
    }

    func shellDidRun(_ record: ShellRecord) async {
        last.withLock { $0 = record }
        await next?.shellDidRun(record)
    }

    func shellWillExit() async {
        await next?.shellWillExit()
    }
}
