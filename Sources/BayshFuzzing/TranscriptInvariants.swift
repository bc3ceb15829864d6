import BayshCore
import Foundation
import Synchronization

/// What must hold for any transcript file, whatever its bytes, read both as the shell reads it (a bare command
/// continues while a quote or bracket is open) and line by line:
///
/// - reading never crashes or hangs; entries come in file order, each at a line of the file;
/// - writing the entries with ``TranscriptWriter`` and reading the file back gives the same header, style and
///   entries. The writer drops terminal escape sequences from output, so when the input holds ESC bytes the
///   promise is the weaker one: after one write, writing and reading change nothing;
/// - each entry's output matches itself (``OutputMatcher``) and has an empty diff with itself (``UnifiedDiff``).
public final class TranscriptInvariants: Sendable {
    /// Where the round-trip files go (each is removed after its check).
    public let scratchDirectory: String
    private let counter = Atomic<Int>(0)

    /// Checks with round-trip files in the system's temporary directory.
    public static let shared = TranscriptInvariants(scratchDirectory: NSTemporaryDirectory())

    public init(scratchDirectory: String) {
        self.scratchDirectory = scratchDirectory
    }

    static let readers = [
        ("line by line", TranscriptReader()),
        ("with continuation", TranscriptReader(isIncomplete: { CallLine.needsContinuation($0) })),
    ]

    /// Checks the bytes as a transcript file.
    public func check(_ bytes: [UInt8]) throws(InvariantViolation) {
        let lineCount = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).count
        let normalizes = bytes.contains(0x1B)
        for (name, reader) in Self.readers {
            let first = reader.parse(bytes)
            try Self.checkOrder(first, lineCount: lineCount, reader: name)
            try Self.checkOutputs(first)
            let second = try reader.parse(roundTrip(first))
            if !normalizes {
                try Self.expectSame(first, second, what: "written and read again (\(name))")
                continue
            }
            let third = try reader.parse(roundTrip(second))
            try Self.expectSame(second, third, what: "written and read a second time (\(name))")
        }
    }

    private static func checkOrder(_ transcript: Transcript, lineCount: Int, reader: String)
        throws(InvariantViolation)
    {
        var previous = 0
        for entry in transcript.entries {
            guard entry.line > previous, entry.line <= lineCount else {
                throw InvariantViolation(
                    "\(reader): entry \(quoted(entry.command)) at line \(entry.line) after line \(previous), in a "
                        + "file of \(lineCount) lines")
            }
            previous = entry.line
        }
        for warning in transcript.warnings where warning.line < 1 || warning.line > lineCount {
            throw InvariantViolation("\(reader): warning outside the file of \(lineCount) lines: \(warning)")
        }
    }

    private static func checkOutputs(_ transcript: Transcript) throws(InvariantViolation) {
        var previous: [OutputLine] = []
        for entry in transcript.entries {
            let output = entry.output ?? []
            guard OutputMatcher.matches(expected: output, actual: output) else {
                throw InvariantViolation("the output of \(quoted(entry.command)) does not match itself")
            }
            let diff = UnifiedDiff(expected: output, actual: output).render(file: "fuzz", line: entry.line)
            guard diff.isEmpty else {
                throw InvariantViolation("the output of \(quoted(entry.command)) differs from itself:\n\(diff)")
            }
            // Only for crashes and hangs: two unrelated outputs.
            _ = UnifiedDiff(expected: previous, actual: output).render(file: "fuzz", line: entry.line)
            _ = OutputMatcher.matches(expected: previous, actual: output)
            previous = output
        }
    }

    /// The transcript as the writer writes it: recorded entries with ``TranscriptWriter/append(_:)``, bare ones
    /// with ``TranscriptWriter/save(commands:header:to:)``.
    private func roundTrip(_ transcript: Transcript) throws(InvariantViolation) -> [UInt8] {
        let path = scratchDirectory + "/baysh-fuzz-\(getpid())-\(counter.add(1, ordering: .relaxed).newValue).txt"
        defer { unlink(path) }
        do {
            switch transcript.style {
            case .recorded:
                let writer = try TranscriptWriter(path: path, header: transcript.header)
                for entry in transcript.entries {
                    if let failure = writer.append(entry) { throw failure }
                }
                writer.close()
            case .bare:
                try TranscriptWriter.save(
                    commands: transcript.entries.map(\.command), header: transcript.header, to: path)
            }
            return try Self.contents(of: path)
        } catch {
            throw InvariantViolation("writing the transcript to \(path) failed: \(error)")
        }
    }

    /// The file's bytes. Read with read(2): Foundation's `Data(contentsOf:)` leaks a buffer for an empty file,
    /// which the fuzzer's leak checker would report on every empty transcript.
    private static func contents(of path: String) throws(InvariantViolation) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw InvariantViolation("cannot open \(path): errno \(errno)") }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw InvariantViolation("cannot read \(path): errno \(errno)") }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
        }
    }

    private static func expectSame(_ expected: Transcript, _ actual: Transcript, what: String)
        throws(InvariantViolation)
    {
        guard actual.header == expected.header else {
            throw InvariantViolation(
                "\(what): header \(describe(expected.header)) became \(describe(actual.header))")
        }
        // A recorded transcript without entries is written as a header alone, which reads as a bare one.
        if !expected.entries.isEmpty, actual.style != expected.style {
            throw InvariantViolation("\(what): a \(expected.style) transcript became \(actual.style)")
        }
        guard actual.entries.count == expected.entries.count else {
            throw InvariantViolation(
                "\(what): \(expected.entries.count) entries became \(actual.entries.count): "
                    + "\(expected.entries.map { quoted($0.command) }) → \(actual.entries.map { quoted($0.command) })")
        }
        for (before, after) in zip(expected.entries, actual.entries) {
            guard before.command == after.command, before.output == after.output else {
                throw InvariantViolation(
                    "\(what): the entry at line \(before.line), \(describe(before)), became \(describe(after))")
            }
        }
    }

    private static func describe(_ header: TranscriptHeader) -> String {
        "v\(header.version.map(String.init) ?? "none") \(header.fields.map { quoted($0.key + ": " + $0.value) })"
    }

    private static func describe(_ entry: TranscriptEntry) -> String {
        let output = entry.output.map { lines in lines.map { ($0.isError ? "! " : "") + quoted($0.text) } }
        return "\(quoted(entry.command)) with output \(output.map { "\($0)" } ?? "none")"
    }
}
