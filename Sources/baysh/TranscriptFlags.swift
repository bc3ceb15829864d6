import ArgumentParser
import BayshCore

/// Recording and replaying transcripts: `--record`, `--record-raw`, `--replay`, `--check`, `--update`,
/// `--continue-on-error`, `--json`.
struct TranscriptFlags: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Record each command and its output to this transcript file (with --replay: a fresh transcript).",
        valueName: "file"))
    var record: String?

    @Flag(
        name: .customLong("record-raw"),
        help: "With --record: write workspace paths, ids, times and durations as they came instead of masked.")
    var recordRaw = false

    @Option(help: ArgumentHelp(
        "Run the commands of this transcript and exit; the status is 0 only when every command succeeded.",
        valueName: "file"))
    var replay: String?

    @Flag(help: "With --replay: compare each output with the recorded one; a diff for each difference, exit 1.")
    var check = false

    @Flag(help: "With --replay and --check: rewrite the recorded outputs that differ with the new ones.")
    var update = false

    @Flag(name: .customLong("continue-on-error"), help: "With --replay: go on after a command fails.")
    var continueOnError = false

    @Flag(help: "With --replay: print one JSON object per command instead of the output.")
    var json = false

    @Flag(help: "With --record: replace the file if it exists (a terminal asks; a script is refused without it).")
    var force = false

    func validate(commands: [String]) throws {
        if recordRaw, record == nil { throw ValidationError("--record-raw works with --record FILE") }
        if update, !check || replay == nil {
            throw ValidationError("--update works with --replay FILE --check (it rewrites the outputs that differ)")
        }
        if replay == nil {
            for (flag, set) in [("--check", check), ("--continue-on-error", continueOnError), ("--json", json)]
            where set {
                throw ValidationError("\(flag) works with --replay FILE")
            }
        } else if !commands.isEmpty {
            throw ValidationError("--replay and -c both give the lines to run; use one of them")
        }
    }

    var request: TranscriptRequest {
        TranscriptRequest(
            record: record, replay: replay,
            replayOptions: ReplayOptions(check: check, continueOnError: continueOnError, json: json, update: update),
            recordRaw: recordRaw, force: force)
    }
}
