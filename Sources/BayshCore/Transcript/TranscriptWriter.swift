#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import Synchronization

/// Records a session into a transcript file as it happens.
///
/// Each entry (command and output) goes to the file the moment it completes, with nothing left in a buffer after
/// it, so a crash or kill -9 loses nothing completed; an entry under 4 MB goes in one `write(2)`, so it is never
/// left half written (a bigger one is written in pieces as it is walked: see ``EntryBuffer``). Everything written
/// passes through ``Redactor/shared``: secrets reach the file masked. When a write fails (disk full, read-only file
/// system) ``append(_:)`` reports it once and recording stops; the caller prints the warning and goes on.
/// With ``masks``, the output lines ``append(command:output:)`` writes have their volatile values masked.
public final class TranscriptWriter: Sendable {
    /// The file being written.
    public let path: String
    /// What run-to-run values are written as placeholders; nil records them as they came (`--record-raw`).
    public let masks: OutputMasks?
    private let state: Mutex<State>

    private struct State {
        var descriptor: Int32
        var stopped: Bool
    }

    /// Creates the file at `path` and writes `header`; output lines go through `masks` (nil: as they came). An existing file is emptied only when `replacing` (the
    /// user said so: asked, or `--force`); a symlink is never followed, so a link planted where a transcript
    /// goes cannot make baysh overwrite the file it points to.
    public init(
        path: String, header: TranscriptHeader, masks: OutputMasks? = nil, replacing: Bool = false
    ) throws(TranscriptError) {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (replacing ? O_TRUNC : O_EXCL)
        let descriptor = open(path, flags, 0o644)
        guard descriptor >= 0 else {
            let code = errno
            var info = stat()
            let isLink = lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
            let reason: String =
                switch code {
                case _ where isLink: "it is a symlink, which baysh does not write through; give the real path"
                case EEXIST: "it already exists (add --force to replace it)"
                default: Self.reason(code)
                }
            throw .cannotRecord(path: path, reason: reason)
        }
        self.path = path
        self.masks = masks
        self.state = Mutex(State(descriptor: descriptor, stopped: false))
        if let failure = Self.write(header.text, to: descriptor) {
            close()
            throw .cannotRecord(path: path, reason: failure)
        }
    }

    /// Records on an already open file; for tests that need a descriptor which fails to write.
    init(descriptor: Int32, path: String) {
        self.path = path
        self.masks = nil
        self.state = Mutex(State(descriptor: descriptor, stopped: false))
    }

    deinit { close() }

    /// False once recording has stopped, by ``close()`` or a failed write.
    public var isRecording: Bool { state.withLock { !$0.stopped } }

    /// Writes one entry. Returns an error only for the first failed write; from then on entries are dropped and
    /// nil is returned, so the user sees one warning.
    public func append(_ entry: TranscriptEntry) -> TranscriptError? {
        let text = Self.text(of: entry)
        return state.withLock { state -> TranscriptError? in
            guard !state.stopped else { return nil }
            guard let failure = Self.write(text, to: state.descriptor) else { return nil }
            state.stopped = true
            systemClose(state.descriptor)
            return .recordingStopped(path: path, reason: failure)
        }
    }

    /// Writes one entry straight from what the command printed: the output's bytes are walked once and written in
    /// pieces (``EntryBuffer``), so a huge result is recorded without a second copy of it or a string per line. The
    /// file holds the same text as ``append(_:)`` with the output's ``RenderedOutput/transcriptLines``. An entry
    /// under ``EntryBuffer/capacity`` still goes out in one write; when a write fails, what the file got of the
    /// entry is cut off again. Errors as for ``append(_:)``.
    public func append(command: String, output: RenderedOutput, answers: [String] = []) -> TranscriptError? {
        state.withLock { state -> TranscriptError? in
            guard !state.stopped else { return nil }
            let start = lseek(state.descriptor, 0, SEEK_CUR)
            var buffer = EntryBuffer(descriptor: state.descriptor)
            for line in TranscriptSyntax.commandLines(command, answers: answers) {
                buffer.append(line + "\n")
            }
            Self.writeOutput(output, masks: masks, to: &buffer)
            guard let failure = buffer.finish() else { return nil }
            if start >= 0 { _ = ftruncate(state.descriptor, start) }
            state.stopped = true
            systemClose(state.descriptor)
            return .recordingStopped(path: path, reason: failure)
        }
    }

    /// The output lines as ``TranscriptSyntax/outputLine(_:)`` writes them. Blank lines wait until a line that is
    /// not blank follows, since blank lines at the end of an output are left out. With `masks`, each line up to
    /// ``maskedLineLimit`` bytes is masked (a placeholder never makes a line blank or a marker).
    private static func writeOutput(_ output: RenderedOutput, masks: OutputMasks?, to buffer: inout EntryBuffer) {
        var blanks: [UInt8] = []
        PrintedLines(output: output).forEach { line in
            let start = line.prefix(2)
            let marker = TranscriptSyntax.outputPrefix(
                isError: line.isError, first: start.first, second: start.dropFirst().first)
            guard !line.isBlank else {
                blanks += marker.utf8
                line.forEachBuffer { blanks += $0 }
                blanks.append(0x0A)
                return
            }
            if !blanks.isEmpty {
                blanks.withUnsafeBufferPointer { buffer.append($0) }
                blanks.removeAll()
            }
            if let masks, let text = masked(line, masks) {
                text.withUnsafeBufferPointer { bytes in
                    buffer.append(TranscriptSyntax.outputPrefix(
                        isError: line.isError, first: bytes.first, second: bytes.dropFirst().first))
                    buffer.append(bytes)
                }
                buffer.append("\n")
                return
            }
            buffer.append(marker)
            line.forEachBuffer { buffer.append($0) }
            buffer.append("\n")
        }
    }

    /// Lines longer than this are recorded as they came: a huge line (a whole file on one line) is data, not a
    /// note with an id or a time in it, and masking it would copy it.
    static let maskedLineLimit = 1 << 20

    /// The line's bytes masked, or nil when it has nothing to mask or is too long to mask.
    private static func masked(_ line: PrintedLines.Line, _ masks: OutputMasks) -> [UInt8]? {
        guard line.pieces.reduce(0, { $0 + $1.bytes.count }) <= maskedLineLimit else { return nil }
        if line.pieces.count == 1 {
            var result: [UInt8]?
            line.forEachBuffer { result = masks.masked($0, isError: line.isError) }
            return result
        }
        var bytes: [UInt8] = []
        line.forEachBuffer { bytes += $0 }
        return bytes.withUnsafeBufferPointer { masks.masked($0, isError: line.isError) }
    }

    /// Stops recording and closes the file. Safe to call twice.
    public func close() {
        state.withLock { state in
            guard !state.stopped else { return }
            state.stopped = true
            systemClose(state.descriptor)
        }
    }

    /// Writes `commands` as a bare transcript (commands only, no output) after `header`: what `:save` does with
    /// history entries. Replaying it runs the commands; `--replay FILE --record OUT` turns it into a recorded one.
    public static func save(commands: [String], header: TranscriptHeader, to path: String, replacing: Bool = false)
        throws(TranscriptError)
    {
        let writer = try TranscriptWriter(path: path, header: header, replacing: replacing)
        defer { writer.close() }
        var text = commands.flatMap { TranscriptSyntax.commandLines($0, bare: true) }.map { $0 + "\n" }.joined()
        // Readers drop a byte order mark opening a file, so a first command that starts with U+FEFF keeps its own
        // behind one.
        if header.text.isEmpty, text.unicodeScalars.first == "\u{FEFF}" { text = "\u{FEFF}" + text }
        if let failure = writer.state.withLock({ Self.write(Redactor.shared.redact(text), to: $0.descriptor) }) {
            throw .cannotRecord(path: path, reason: failure)
        }
    }

    /// The entry as file text: command lines, then output lines, masked.
    static func text(of entry: TranscriptEntry) -> String {
        var lines = TranscriptSyntax.commandLines(entry.command, answers: entry.answers)
        for line in OutputLine.trimmingTrailingBlankLines(entry.output ?? []) {
            // A line given with breaks inside still becomes lines of its own, so it cannot fake a command line.
            let parts = OutputLine.lines(of: line.text, isError: line.isError)
            lines += (parts.isEmpty ? [line] : parts).map(TranscriptSyntax.outputLine)
        }
        return Redactor.shared.redact(lines.map { $0 + "\n" }.joined())
    }

    /// Writes all of `text`, retrying after signals and short writes; the failure's reason, or nil.
    private static func write(_ text: String, to descriptor: Int32) -> String? {
        TerminalText.withUTF8(text) { EntryBuffer.writeAll($0, to: descriptor) }
    }

    private static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}

// At file scope `close` names the C function, not the writer's method.
private func systemClose(_ descriptor: Int32) {
    _ = close(descriptor)
}
