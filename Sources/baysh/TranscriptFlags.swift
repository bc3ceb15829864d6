import ArgumentParser
import BayshCore

/// Recording and replaying transcripts: `--record`, `--replay`, `--check`, `--continue-on-error`, `--json`.
struct TranscriptFlags: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Record each command and its output to this transcript file (with --replay: a fresh transcript).",
        valueName: "file"))
    var record: String?

    @Option(help: ArgumentHelp(
        "Run the commands of this transcript and exit; the status is 0 only when every command succeeded.",
        valueName: "file"))
    var replay: String?

    @Flag(help: "With --replay: compare each output with the recorded one; a diff for each difference, exit 1.")
    var check = false

    @Flag(name: .customLong("continue-on-error"), help: "With --replay: go on after a command fails.")
    var continueOnError = false

    @Flag(help: "With --replay: print one JSON object per command instead of the output.")
    var json = false

    @Flag(help: "With --record: replace the file if it exists (a terminal asks; a script is refused without it).")
    var force = false

    func validate(commands: [String]) throws {
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
            replayOptions: ReplayOptions(check: check, continueOnError: continueOnError, json: json), force: force)
    }
}
