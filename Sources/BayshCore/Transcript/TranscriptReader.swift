import Foundation

/// Reads transcript files. Tolerant by design: any bytes give a ``Transcript`` (never a crash); a file cut in the
/// middle of a line, as after a kill -9 or a full disk while recording, still gives every entry before the cut.
///
/// - Lines end in `\n` or `\r\n` (carriage returns ending a line are dropped); a leading byte order mark is
///   skipped; invalid UTF-8 becomes U+FFFD.
/// - In a recorded transcript an unterminated last line means the file was cut: that line's entry is dropped
///   (with a warning). In a bare transcript the last line is a command even without a line break, as people write
///   such files by hand.
public struct TranscriptReader: Sendable {
    /// Tells whether a bare command is still open (an unclosed quote or brace), so the next line continues it, as
    /// the shell's continuation prompt does. Nil: every bare line is a whole command.
    public var isIncomplete: (@Sendable (String) -> Bool)?

    /// The most lines an open bare command takes in before the reader gives up on it.
    public static let maximumContinuationLines = 1000

    public init(isIncomplete: (@Sendable (String) -> Bool)? = nil) {
        self.isIncomplete = isIncomplete
    }

    /// The largest transcript read: parsing takes several times the file's size in memory, and a 100 MB file
    /// took a gigabyte.
    public static let sizeLimit = 32_000_000

    /// Reads and parses the file at `path`.
    public func read(path: String) throws(TranscriptError) -> Transcript {
        let data: Data
        do {
            data = try FileReadError.readBytes(path, limit: Self.sizeLimit, what: "transcripts")
        } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
        let transcript = parse(data)
        if let version = transcript.header.version, version > TranscriptHeader.currentVersion {
            throw .unsupportedVersion(path: path, version: version)
        }
        return transcript
    }

    /// Parses transcript text.
    public func parse(_ text: String) -> Transcript { parse(Array(text.utf8)) }

    /// Parses transcript bytes.
    public func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Transcript {
        let (lines, lastIsCut) = Self.splitLines(bytes)
        let kinds = lines.map(TranscriptSyntax.classify)
        var parser = Parser(kinds: kinds, lines: lines, lastIsCut: lastIsCut)
        parser.readHeader()
        if kinds.contains(where: { if case .command = $0 { true } else { false } }) {
            parser.readRecorded()
        } else {
            parser.readBare(isIncomplete: isIncomplete)
        }
        return parser.transcript
    }

    /// Lines without their breaks, and whether the last one had none.
    static func splitLines<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> ([String], Bool) {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        var lines: [String] = []
        var start = body.startIndex
        var index = start
        while index != body.endIndex {
            if body[index] == 0x0A {
                lines.append(Self.decode(body[start..<index]))
                start = body.index(after: index)
            }
            index = body.index(after: index)
        }
        guard start != body.endIndex else { return (lines, false) }
        lines.append(Self.decode(body[start...]))
        return (lines, true)
    }

    private static func decode(_ line: some Collection<UInt8>) -> String {
        var text = String(decoding: line, as: UTF8.self)
        // Every carriage return before the break goes, not only the one of `\r\n`: the format cannot keep a line
        // ending in `\r` (it would come back without it), so reading drops them all at once.
        while text.unicodeScalars.last == "\r" { text.unicodeScalars.removeLast() }
        return text
    }
}

/// One pass over a file's classified lines.
private struct Parser {
    let kinds: [TranscriptSyntax.Line]
    let lines: [String]
    let lastIsCut: Bool
    var transcript = Transcript()
    var position = 0

    init(kinds: [TranscriptSyntax.Line], lines: [String], lastIsCut: Bool) {
        self.kinds = kinds
        self.lines = lines
        self.lastIsCut = lastIsCut
    }

    /// The leading comment block names the version and the recording's facts.
    mutating func readHeader() {
        while position < kinds.count {
            switch kinds[position] {
            case .comment(let text): transcript.header.absorb(comment: text)
            case .blank: break
            default: return
            }
            position += 1
        }
    }

    mutating func readRecorded() {
        transcript.style = .recorded
        var entry: TranscriptEntry?
        var inCommand = false
        var output: [OutputLine] = []
        var warnedStray = false
        func finish(_ entry: TranscriptEntry?, _ output: [OutputLine], into transcript: inout Transcript) {
            guard var entry else { return }
            if entry.command.allSatisfy(\.isWhitespace) {
                transcript.warnings.append(.init(line: entry.line, message: "empty command line skipped"))
                return
            }
            entry.output = OutputLine.trimmingTrailingBlankLines(output)
            transcript.entries.append(entry)
        }
        while position < kinds.count {
            let number = position + 1
            if lastIsCut, position == kinds.count - 1 {
                // The recorder writes whole entries, so a last line without a break is a cut one.
                var cutEntryLine: Int?
                switch kinds[position] {
                case .comment:
                    finish(entry, output, into: &transcript)
                case .command:
                    finish(entry, output, into: &transcript)
                    cutEntryLine = number
                default:
                    cutEntryLine = entry?.line
                }
                entry = nil
                if let cutEntryLine {
                    transcript.warnings.append(.init(
                        line: number,
                        message: "the file ends in the middle of this line (cut while recording?); the entry at "
                            + "line \(cutEntryLine) is left out"))
                }
                break
            }
            var printed: OutputLine?
            switch kinds[position] {
            case .command(let text):
                finish(entry, output, into: &transcript)
                entry = TranscriptEntry(command: text, line: number)
                output = []
                inCommand = true
            case .continuation(let text) where inCommand:
                entry?.command += "\n" + text
            case .answer(let text) where inCommand:
                entry?.answers.append(text)
            case .comment:
                break
            case .error(let text):
                printed = OutputLine(text, isError: true)
            case .escaped(let text), .text(let text):
                printed = OutputLine(text)
            case .continuation, .answer:
                printed = OutputLine(lines[position])
            case .blank:
                printed = OutputLine(lines[position])
            }
            if let printed {
                inCommand = false
                if entry != nil {
                    output.append(printed)
                } else if !printed.text.allSatisfy(\.isWhitespace), !warnedStray {
                    warnedStray = true
                    transcript.warnings.append(.init(
                        line: number, message: "text before the first command line ('> ') is ignored"))
                }
            }
            position += 1
        }
        finish(entry, output, into: &transcript)
    }

    mutating func readBare(isIncomplete: (@Sendable (String) -> Bool)?) {
        transcript.style = .bare
        while position < kinds.count {
            let number = position + 1
            let line = lines[position]
            position += 1
            switch kinds[position - 1] {
            case .comment, .blank:
                continue
            case .continuation:
                transcript.warnings.append(.init(
                    line: number, message: "continuation line ('. ') without a command before it is ignored"))
                continue
            default:
                break
            }
            var command = line
            // A command goes on over `. ` lines (as `:save` writes it) and, while a quote or bracket is still open,
            // over plain lines (as people type it). Checking `. ` lines first keeps a saved command whose first
            // line leaves a quote open from reading its markers as part of the command.
            var joined = 0
            while position < kinds.count {
                if case .continuation(let text) = kinds[position] {
                    command += "\n" + text
                } else if let isIncomplete, isIncomplete(command) {
                    // Each test reads the whole command again, so an unclosed quote at the top of a big file
                    // must not make the reading quadratic in the file. `. ` lines count too, so the command stops
                    // at the same line when it is read back from a saved file.
                    guard joined < TranscriptReader.maximumContinuationLines else {
                        transcript.warnings.append(.init(
                            line: number,
                            message: "this command still has an open quote or bracket after "
                                + "\(TranscriptReader.maximumContinuationLines) more lines; the lines after are "
                                + "read as commands of their own"))
                        break
                    }
                    command += "\n" + lines[position]
                } else {
                    break
                }
                position += 1
                joined += 1
            }
            transcript.entries.append(TranscriptEntry(command: command, line: number))
        }
    }
}
