/// Why a transcript could not be read, recorded or replayed; written for the person at the terminal.
public enum TranscriptError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The transcript file could not be read (missing, a directory, no permission).
    case unreadable(path: String, reason: String)
    /// The file to record into could not be created or its header not written.
    case cannotRecord(path: String, reason: String)
    /// Writing an entry failed (disk full, file system read-only); recording has stopped.
    case recordingStopped(path: String, reason: String)
    /// The file says `# baysh transcript vN` with an N this baysh does not know.
    case unsupportedVersion(path: String, version: Int)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read transcript '\(path)': \(reason)"
        case .cannotRecord(let path, let reason):
            return "cannot record to '\(path)': \(reason); choose a writable file"
        case .recordingStopped(let path, let reason):
            return "recording to '\(path)' stopped: \(reason); the entries before this one are saved, "
                + "the shell goes on without recording"
        case .unsupportedVersion(let path, let version):
            return "'\(path)' is a baysh transcript v\(version), but this baysh \(BayshVersion.current) reads "
                + "v\(TranscriptHeader.currentVersion) only; use a newer baysh"
        }
    }
}
