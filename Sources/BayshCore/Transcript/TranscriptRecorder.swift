import Synchronization

/// Records what the shell runs into a transcript file: the ``ShellObserver`` behind `--record FILE` and
/// `:record FILE` / `:record off`.
///
/// Each line and exactly what the shell printed for it become one entry, written the moment it completes (see
/// ``TranscriptWriter``). A call that was sent is written as the canonical line the shell's record carries
/// (``ShellRecord/canonicalLine``: `read_file a.txt` becomes `read_file path=a.txt`, `content@=draft.md` carries
/// the file's text), so the transcript replays the same arguments anywhere; meta commands and refused lines are
/// written as typed. Lines that only steer recording or replay other lines are left out, because replaying
/// them would run their lines twice: `:record`, `:source`, `:rerun` (the line it reruns is recorded as itself) and
/// `:quit`.
public final class TranscriptRecorder: ShellObserver {
    /// Meta commands (canonical names) that are not written to the transcript.
    static let unrecorded: Set<String> = ["record", "source", "rerun", "quit"]

    private let writer = Mutex<TranscriptWriter?>(nil)
    private let warn: @Sendable (String) -> Void

    /// `warn` prints the one warning given when a write fails (the shell passes its stderr).
    public init(warn: @escaping @Sendable (String) -> Void) {
        self.warn = warn
    }

    /// The file being recorded to, or nil.
    public var path: String? { writer.withLock { $0?.isRecording == true ? $0?.path : nil } }

    /// Starts recording to `path` under `header`, ending any recording in progress. An existing file is emptied
    /// only when `replacing`, else refused (see ``TranscriptWriter/init(path:header:masks:replacing:)``). Output
    /// lines are written through `masks` (the recording session's: see ``OutputMasks``); nil records them as they
    /// came.
    public func start(
        path: String, header: TranscriptHeader, masks: OutputMasks? = nil, replacing: Bool = false
    ) throws(TranscriptError) {
        let new = try TranscriptWriter(path: path, header: header, masks: masks, replacing: replacing)
        let old = writer.withLock { current in
            defer { current = new }
            return current
        }
        old?.close()
    }

    /// Ends the recording; gives the file it went to, or nil when none was in progress.
    @discardableResult
    public func stop() -> String? {
        let old = writer.withLock { current in
            defer { current = nil }
            return current
        }
        let path = old?.isRecording == true ? old?.path : nil
        old?.close()
        return path
    }

    public func shellDidRun(_ record: ShellRecord) async {
        if case .meta(let name) = record.kind, Self.unrecorded.contains(name) { return }
        guard let current = writer.withLock({ $0 }) else { return }
        if let failure = current.append(command: record.canonicalLine, output: record.output, answers: record.answers) {
            warn("warning: \(failure)")
        }
    }

    public func shellWillExit() async {
        stop()
    }
}
