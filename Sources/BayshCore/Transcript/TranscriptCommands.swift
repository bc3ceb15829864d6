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
            name: "record", synopsis: "FILE [--raw] [--force]|off",
            summary: "record commands and their output to a transcript",
            help: """
                :record FILE writes each command you run and what it printed to FILE, the moment it completes;
                secrets are masked, and so are values that change from run to run (workspace path, ids, times:
                <workspace>, <trace-id>, <time>...), so a replay can match; --raw keeps those as they came. An
                existing FILE is replaced only once you say so (in a script: --force); a symlink is never written
                through. :record off stops; :record alone says whether it is recording.
                Replay the file with :source FILE or baysh --replay FILE (--check compares the output).
                """
        ) { [recorder] shell, invocation in
            let force = invocation.arguments.contains("--force")
            let arguments = invocation.arguments.filter { $0 != "--force" }
            guard let argument = arguments.first else {
                return .lines(recorder.path.map { "recording to \($0)" } ?? "not recording")
            }
            let raw = arguments.dropFirst() == ["--raw"]
            guard arguments.count == 1 || raw, argument != "--raw" else {
                return .failure("usage: :record FILE [--raw] [--force]|off")
            }
            if argument == "off" {
                guard !raw else { return .failure("usage: :record FILE [--raw] [--force]|off") }
                guard let path = recorder.stop() else { return .failure("not recording (:record FILE starts)") }
                return .note("recording to \(path) stopped")
            }
            let path = Self.expand(argument)
            let replacing: Bool
            switch await Self.mayReplace(path, force: force, in: shell) {
            case .success(let answer): replacing = answer
            case .failure(let refusal): return .failure(refusal.message)
            }
            do {
                try recorder.start(
                    path: path, header: TranscriptHeader(recording: shell.session.descriptor),
                    masks: raw ? nil : OutputMasks(shell: shell), replacing: replacing)
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
            name: "save", synopsis: "N|FROM-TO FILE [--force]", summary: "write history lines to a transcript file",
            help: """
                Writes history lines (numbered as :history shows them) to FILE as a transcript of commands only:
                :save 5 FILE the last 5, :save 10-20 FILE lines 10 to 20. Lines that steer the shell (:record,
                :rerun, :save, :quit) are left out. An existing FILE is replaced only once you say so (in a
                script: --force). Replay it with :source FILE; baysh --replay FILE --record OUT turns it into a
                transcript with output.
                """
        ) { shell, invocation in
            let usage = "usage: :save N|FROM-TO FILE [--force] (numbers as :history shows them)"
            let force = invocation.arguments.contains("--force")
            let arguments = invocation.arguments.filter { $0 != "--force" }
            guard arguments.count == 2 else { return .failure(usage) }
            var entries = shell.history.entries
            // Interactively the :save line itself is already the last entry.
            if let last = entries.last, Self.metaName(of: last, in: shell) == "save" { entries.removeLast() }
            let range: Range<Int>
            let spec = arguments[0]
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
            let path = Self.expand(arguments[1])
            let replacing: Bool
            switch await Self.mayReplace(path, force: force, in: shell) {
            case .success(let answer): replacing = answer
            case .failure(let refusal): return .failure(refusal.message)
            }
            do {
                try TranscriptWriter.save(commands: commands, header: header, to: path, replacing: replacing)
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
    /// Why a transcript file is not written.
    struct Refusal: Error {
        var message: String
    }

    /// Whether writing `path` replaces a file: false when there is none (the writer then refuses one that
    /// appears meanwhile); for an existing file, true with `--force` or the user's yes, a refusal otherwise
    /// (a script cannot answer). A symlink is refused whatever the answer.
    static func mayReplace(_ path: String, force: Bool, in shell: Shell) async -> Result<Bool, Refusal> {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .success(false) }
        if info.st_mode & S_IFMT == S_IFLNK {
            return .failure(Refusal(
                message: "\(path) is a symlink, which baysh does not write through; give the real path"))
        }
        if force { return .success(true) }
        guard shell.editor.isInteractive else {
            return .failure(Refusal(message: "\(path) already exists; add --force to replace it"))
        }
        guard case .line(let answer) = await shell.read(prompt: "\(path) already exists. Replace it? [y/N] "),
            ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
        else { return .failure(Refusal(message: "\(path) left as it was")) }
        return .success(true)
    }

    static func expand(_ path: String) -> String {
        (path as NSString).expandingTildeInPath
    }
}
