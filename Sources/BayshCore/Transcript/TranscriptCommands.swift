import Foundation
import Synchronization

/// The transcript meta commands of one shell, `:record`, `:source` and `:save`, and the recorder they share.
public final class TranscriptCommands: Sendable {
    public let recorder: TranscriptRecorder
    /// Transcripts being replayed right now (standardized paths), so one that sources itself is refused.
    private let activeSources = Mutex<[String]>([])

    public init(recorder: TranscriptRecorder) {
        self.recorder = recorder
    }

    /// Registers the commands on `shell` and makes the recorder its observer.
    public func install(in shell: Shell) {
        shell.observer = recorder
        for command in [record, source, save] { shell.register(command) }
    }

    /// The reader every replay uses: a bare command with an open quote or bracket goes on on the next line, as at
    /// the prompt.
    public static let reader = TranscriptReader(isIncomplete: CallLine.needsContinuation)

    /// Runs `body` with `path` marked as being replayed; nil when it already is (a transcript that sources itself).
    func replaying<T>(_ path: String, _ body: () async -> T) async -> T? {
        let key = URL(fileURLWithPath: path).standardizedFileURL.path
        let fresh = activeSources.withLock { active in
            guard !active.contains(key) else { return false }
            active.append(key)
            return true
        }
        guard fresh else { return nil }
        let result = await body()
        activeSources.withLock { active in active.removeAll { $0 == key } }
        return result
    }

    var record: MetaCommand {
        MetaCommand(
            name: "record", synopsis: "FILE [--raw]|off", summary: "record commands and their output to a transcript",
            help: """
                :record FILE writes each command you run and what it printed to FILE (emptied first), the moment
                it completes; secrets are masked, and so are values that change from run to run (workspace path,
                ids, times: <workspace>, <trace-id>, <time>...), so a replay can match; --raw keeps those as they
                came. :record off stops; :record alone says whether it is recording.
                Replay the file with :source FILE or baysh --replay FILE (--check compares the output).
                """
        ) { [recorder] shell, invocation in
            guard let argument = invocation.arguments.first else {
                return .lines(recorder.path.map { "recording to \($0)" } ?? "not recording")
            }
            let raw = invocation.arguments.dropFirst() == ["--raw"]
            guard invocation.arguments.count == 1 || raw, argument != "--raw" else {
                return .failure("usage: :record FILE [--raw]|off")
            }
            if argument == "off" {
                guard !raw else { return .failure("usage: :record FILE [--raw]|off") }
                guard let path = recorder.stop() else { return .failure("not recording (:record FILE starts)") }
                return .note("recording to \(path) stopped")
            }
            let path = Self.expand(argument)
            do {
                try recorder.start(
                    path: path, header: TranscriptHeader(recording: shell.session.descriptor),
                    masks: raw ? nil : OutputMasks(shell: shell))
            } catch {
                return .failure("\(error)")
            }
            return .note("recording to \(path)" + (raw ? " (values as they come, unmasked)" : ""))
        }
    }

    var source: MetaCommand {
        MetaCommand(
            name: "source", synopsis: "FILE [--check] [--continue-on-error]",
            summary: "run the commands of a transcript in this session",
            help: """
                Runs the commands of transcript FILE in order in this session, printing each as > COMMAND before
                its output, and stops at the first one that fails unless --continue-on-error. --check compares
                each output with the recorded one and prints a unified diff for each difference. FILE may also be
                a plain list of commands, one per line.
                """
        ) { [self] shell, invocation in
            var file: String?
            var options = ReplayOptions()
            for argument in invocation.arguments {
                switch argument {
                case "--check": options.check = true
                case "--continue-on-error": options.continueOnError = true
                default:
                    guard file == nil, !argument.hasPrefix("--") else {
                        return .failure("usage: :source FILE [--check] [--continue-on-error]")
                    }
                    file = argument
                }
            }
            guard let file else { return .failure("usage: :source FILE [--check] [--continue-on-error]") }
            let transcript: Transcript
            do {
                transcript = try Self.reader.read(path: Self.expand(file))
            } catch {
                return .failure("\(error)")
            }
            let replay = TranscriptReplay(transcript: transcript, file: file, options: options)
            guard let summary = await replaying(Self.expand(file), { await replay.run(in: shell) }) else {
                return .failure("\(file) is already being replayed; a transcript cannot source itself")
            }
            return CommandOutcome(failed: summary.status != 0)
        }
    }

    var save: MetaCommand {
        MetaCommand(
            name: "save", synopsis: "N|FROM-TO FILE", summary: "write history lines to a transcript file",
            help: """
                Writes history lines (numbered as :history shows them) to FILE as a transcript of commands only:
                :save 5 FILE the last 5, :save 10-20 FILE lines 10 to 20. Lines that steer the shell (:record,
                :rerun, :save, :quit) are left out. Replay it with :source FILE; baysh --replay FILE --record OUT
                turns it into a transcript with output.
                """
        ) { shell, invocation in
            let usage = "usage: :save N|FROM-TO FILE (numbers as :history shows them)"
            guard invocation.arguments.count == 2 else { return .failure(usage) }
            var entries = shell.history.entries
            // Interactively the :save line itself is already the last entry.
            if let last = entries.last, Self.metaName(of: last, in: shell) == "save" { entries.removeLast() }
            let range: Range<Int>
            let spec = invocation.arguments[0]
            if let count = Int(spec), count > 0 {
                range = max(entries.count - count, 0)..<entries.count
            } else if let bounds = MetaCommand.rangeBounds(spec), bounds.lower <= bounds.upper {
                guard bounds.lower <= entries.count else {
                    return .failure("no history lines \(spec): there are \(entries.count)")
                }
                range = (bounds.lower - 1)..<min(bounds.upper, entries.count)
            } else {
                return .failure(usage)
            }
            let skipped: Set<String> = ["record", "rerun", "save", "quit"]
            let commands = entries[range].filter { line in
                Self.metaName(of: line, in: shell).map { !skipped.contains($0) } ?? true
            }
            var header = TranscriptHeader(recording: shell.session.descriptor, event: "saved")
            header.fields.append(TranscriptHeader.Field("from", "history \(range.lowerBound + 1)-\(range.upperBound)"))
            let path = Self.expand(invocation.arguments[1])
            do {
                try TranscriptWriter.save(commands: commands, header: header, to: path)
            } catch {
                return .failure("\(error)")
            }
            return .note("saved \(commands.count) command\(commands.count == 1 ? "" : "s") to \(path)")
        }
    }

    /// The canonical name of the meta command `line` runs (`rerun` for `:r 3`), or nil for a call line.
    static func metaName(of line: String, in shell: Shell) -> String? {
        let text = line.drop(while: \.isWhitespace)
        guard text.hasPrefix(":") else { return nil }
        let word = String(text.dropFirst().prefix { !$0.isWhitespace })
        return shell.metaCommands.first { $0.name == word || $0.aliases.contains(word) }?.name ?? word
    }

    /// `~/x` as a full path; other paths as given (relative to the current directory).
    static func expand(_ path: String) -> String {
        (path as NSString).expandingTildeInPath
    }
}
