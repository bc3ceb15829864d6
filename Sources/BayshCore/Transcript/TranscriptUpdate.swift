import Foundation

/// `baysh --replay FILE --check --update`: rewrites the recorded outputs that differed with what the replay
/// printed, and leaves every other line of the file as it was.
///
/// Inside a rewritten output, a recorded line that still fits its printed line is kept as written (its `...`,
/// placeholders and `| ` escapes included); lines that no longer fit are dropped and the printed lines that
/// nothing fitted are written masked, as a recording writes them. Comments stay where they were (a comment
/// among dropped lines stays in their place), and so do the command lines, the header, blank lines between
/// entries and a cut last line. The file is replaced in one rename, so a crash leaves the old file or the new one.
struct TranscriptUpdate {
    /// One command whose output differed, and what it printed on replay.
    struct Change {
        var entry: TranscriptEntry
        var printed: [OutputLine]
    }

    let changes: [Change]
    let masks: OutputMasks?

    /// Rewrites the file at `path`; gives the transcript lines (of the commands) whose output was rewritten.
    func apply(to path: String) throws(TranscriptError) -> [Int] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: "\((error as NSError).localizedDescription)")
        }
        let bytes = [UInt8](data)
        let hasMark = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        let (original, lastIsCut) = TranscriptReader.splitLines(bytes)
        let kinds = original.map(TranscriptSyntax.classify)
        var lines = original
        var rewritten: [Int] = []
        // From the bottom up, so the line numbers of the entries still to do stay true.
        for change in changes.sorted(by: { $0.entry.line > $1.entry.line }) {
            guard let (body, newBody) = rewrite(change, kinds: kinds, lines: original, lastIsCut: lastIsCut)
            else { continue }
            lines.replaceSubrange(body, with: newBody)
            rewritten.append(change.entry.line)
        }
        guard !rewritten.isEmpty else { return [] }
        let lineBreak = Self.usesCRLF(bytes) ? "\r\n" : "\n"
        var text = (hasMark ? "\u{FEFF}" : "") + lines.joined(separator: lineBreak)
        if !lastIsCut, !lines.isEmpty { text += lineBreak }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .cannotRecord(path: path, reason: "\((error as NSError).localizedDescription)")
        }
        return rewritten.sorted()
    }

    /// The file lines holding the change's recorded output, and the lines to put there instead; nil when the file
    /// no longer has the command at that line.
    private func rewrite(_ change: Change, kinds: [TranscriptSyntax.Line], lines: [String], lastIsCut: Bool)
        -> (Range<Int>, [String])?
    {
        let commandIndex = change.entry.line - 1
        guard commandIndex >= 0, commandIndex < kinds.count, case .command = kinds[commandIndex],
            let recorded = change.entry.output
        else { return nil }
        var start = commandIndex + 1
        while start < kinds.count, case .continuation = kinds[start] { start += 1 }
        let limit = lastIsCut ? kinds.count - 1 : kinds.count
        // The recorded output's lines in the file, each with the comments just before it.
        var items: [(line: Int, comments: [Int])] = []
        var comments: [Int] = []
        var index = start
        while index < limit, items.count < recorded.count {
            if case .command = kinds[index] { break }
            if case .comment = kinds[index] {
                comments.append(index)
            } else {
                items.append((index, comments))
                comments = []
            }
            index += 1
        }
        guard items.count == recorded.count else { return nil }
        let end = items.last.map { $0.line + 1 } ?? start
        let comparison = OutputComparison(expected: recorded, actual: change.printed, masks: masks)
        let written = comparison.recordedForm
        var body: [String] = []
        var pattern: [OutputLine] = []
        let steps = LineDiff.script(oldCount: recorded.count, newCount: written.count) { e, a in
            OutputMatcher.isLineEllipsis(recorded[e]) || comparison.lineMatches(e, a)
        }
        for step in steps {
            switch step {
            case .same(let old, _):
                body += items[old].comments.map { lines[$0] } + [lines[items[old].line]]
                pattern.append(recorded[old])
            case .removed(let old):
                body += items[old].comments.map { lines[$0] }
            case .added(let new):
                body.append(Redactor.shared.redact(TranscriptSyntax.outputLine(written[new])))
                pattern.append(written[new])
            }
        }
        // Kept lines must still fit together (a kept `...` line could swallow what follows it); if they do not,
        // the output is written whole as printed.
        if !OutputComparison(expected: pattern, actual: change.printed, masks: masks).matches {
            body = items.flatMap { item in item.comments.map { lines[$0] } }
                + written.map { Redactor.shared.redact(TranscriptSyntax.outputLine($0)) }
        }
        return (start..<end, body)
    }

    /// Whether the file's first line ends in `\r\n`: its lines are written back the same way.
    private static func usesCRLF(_ bytes: [UInt8]) -> Bool {
        guard let newline = bytes.firstIndex(of: 0x0A) else { return false }
        return newline > 0 && bytes[newline - 1] == 0x0D
    }
}
