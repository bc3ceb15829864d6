import MCP
import Synchronization

/// How a transcript is replayed: `--check`, `--continue-on-error`, `--json`, `--update`.
public struct ReplayOptions: Sendable, Equatable {
    /// Compare each result with the recorded one and print a unified diff for each difference.
    public var check: Bool
    /// Run every command even after one failed.
    public var continueOnError: Bool
    /// Print one JSON object per command (``CommandReport``) instead of the commands and their output.
    public var json: Bool
    /// With ``check``: rewrite the recorded outputs that differ with the new ones (``TranscriptUpdate``).
    public var update: Bool

    public init(check: Bool = false, continueOnError: Bool = false, json: Bool = false, update: Bool = false) {
        self.check = check
        self.continueOnError = continueOnError
        self.json = json
        self.update = update
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
    /// Under `--update`: the lines of the commands whose recorded output was rewritten.
    public var updatedLines: [Int] = []

    public init() {}

    /// 0 when every command succeeded (and, under `--check`, matched its recording, or `--update` rewrote the
    /// recording to what it printed); 1 otherwise.
    public var status: Int32 { failed == 0 && differed == updatedLines.count ? 0 : 1 }
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

    /// Runs the commands in order. `json` receives one JSON line per command when ``ReplayOptions/json`` is set;
    /// `report` receives every command's report (a fan-out keeps the first failure of each session).
    public func run(
        in shell: Shell, json: @Sendable (String) -> Void = { _ in }, report: (CommandReport) -> Void = { _ in }
    ) async -> ReplaySummary {
        var summary = ReplaySummary()
        for warning in transcript.warnings {
            shell.writer.write(Self.note("warning: \(file): \(warning)", style: .warning))
        }
        // The replay sees each line's record (for the arguments) and passes it on to the shell's own observer.
        let capture = RecordCapture(next: shell.observer)
        shell.observer = capture
        defer { shell.observer = capture.next }
        let masks = OutputMasks(shell: shell)
        var changes: [TranscriptUpdate.Change] = []

        for (index, entry) in transcript.entries.enumerated() {
            // A cancelled replay (a fan-out being stopped) runs nothing more, even with --continue-on-error.
            if Task.isCancelled {
                summary.stoppedAtLine = entry.line
                break
            }
            let step = await replay(entry, in: shell, capture: capture, masks: masks)
            if step.matched == false, let printed = step.printed {
                changes.append(TranscriptUpdate.Change(entry: entry, printed: printed))
            }
            summary.run += 1
            if step.matched != nil { summary.checked += 1 }
            if step.matched == false { summary.differed += 1 }
            if step.failedUnexpectedly { summary.failed += 1 }
            report(step.report)
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
        if options.update, options.check { update(with: changes, masks: masks, into: &summary, shell: shell) }
        if !options.json { shell.writer.write(Self.note(describe(summary), style: .dim)) }
        return summary
    }

    /// Rewrites the outputs that differed (`--update`) and says which.
    private func update(
        with changes: [TranscriptUpdate.Change], masks: OutputMasks, into summary: inout ReplaySummary, shell: Shell
    ) {
        guard !changes.isEmpty else {
            shell.writer.write(Self.note("\(file): nothing to update", style: .dim))
            return
        }
        do {
            summary.updatedLines = try TranscriptUpdate(changes: changes, masks: masks)
                .apply(to: TranscriptCommands.expand(file))
        } catch {
            shell.writer.write(Self.note("baysh: \(error); the transcript is unchanged", style: .error))
            return
        }
        let count = summary.updatedLines.count
        let lines = summary.updatedLines.map(String.init).joined(separator: ", ")
        shell.writer.write(Self.note(
            "updated \(file): rewrote the output of \(count) command\(count == 1 ? "" : "s") (line\(count == 1 ? "" : "s") \(lines))",
            style: .dim))
    }

    /// What one command did on replay.
    private struct Step {
        var report: CommandReport
        /// Under `--check` with recorded output: whether the output matched.
        var matched: Bool?
        /// It failed and the recording does not show that failure.
        var failedUnexpectedly: Bool
        /// What it printed, kept only when `--update` needs it.
        var printed: [OutputLine]?
    }

    /// Prints the command (text mode), runs it as if typed, and compares its output with the recording.
    private func replay(
        _ entry: TranscriptEntry, in shell: Shell, capture: RecordCapture, masks: OutputMasks
    ) async -> Step {
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
            matched = OutputMatcher.matches(expected: expected, actual: actual, masks: masks)
            if matched == false {
                diff = UnifiedDiff(expected: expected, actual: actual, masks: masks).render(file: file, line: entry.line)
            }
        }
        let report = CommandReport(
            command: entry.command, line: entry.line == 0 ? nil : entry.line,
            // Only `--json` prints the result; joining a huge output's lines would copy it once more for nothing.
            arguments: record.flatMap(Self.arguments), result: options.json ? OutputLine.plainText(actual) : "",
            isError: outcome.failed,
            elapsed: record?.elapsed ?? .zero, ok: matched ?? !outcome.failed, diff: diff)
        // A failure the recording shows (same output) is what the transcript expects.
        return Step(
            report: report, matched: matched, failedUnexpectedly: outcome.failed && matched != true,
            printed: options.update && matched == false ? actual : nil)
    }

    /// `replayed 12 commands from demo.txt: 1 failed, 2 differ`.
    func describe(_ summary: ReplaySummary) -> String {
        var text = "replayed \(summary.run) of \(transcript.entries.count) commands from \(file)"
        var facts: [String] = []
        if summary.failed > 0 { facts.append("\(summary.failed) failed") }
        if options.check {
            facts.append(summary.differed == 0 ? "\(summary.checked) checked, all match" : "\(summary.differed) differ")
            if !summary.updatedLines.isEmpty { facts.append("\(summary.updatedLines.count) updated") }
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
