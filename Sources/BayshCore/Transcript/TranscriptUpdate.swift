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
        var pieces: [Piece] = []
        let steps = LineDiff.script(oldCount: recorded.count, newCount: written.count) { e, a in
            OutputMatcher.isLineEllipsis(recorded[e]) || comparison.lineMatches(e, a)
        }
        for step in steps {
            switch step {
            case .same(let old, _): pieces.append(.kept(old))
            case .removed(let old): pieces.append(.dropped(old))
            case .added(let new): pieces.append(.added(new))
            }
        }
        func pattern(_ pieces: [Piece]) -> [OutputLine] {
            pieces.compactMap { piece in
                switch piece {
                case .kept(let old): recorded[old]
                case .dropped: nil
                case .added(let new): written[new]
                }
            }
        }
        func fits(_ pieces: [Piece]) -> Bool {
            OutputComparison(expected: pattern(pieces), actual: change.printed, masks: masks).matches
        }
        // Kept lines must still fit together (a kept `...` line could swallow what follows it); if they do not,
        // the output is written whole as printed.
        guard fits(pieces) else {
            let body = items.flatMap { item in item.comments.map { lines[$0] } }
                + written.map { Redactor.shared.redact(TranscriptSyntax.outputLine($0)) }
            return (start..<end, body)
        }
        pieces = droppingLinesAnEllipsisCovers(pieces, recorded: recorded, fits: fits)
        let body = pieces.flatMap { piece -> [String] in
            switch piece {
            case .kept(let old): items[old].comments.map { lines[$0] } + [lines[items[old].line]]
            case .dropped(let old): items[old].comments.map { lines[$0] }
            case .added(let new): [Redactor.shared.redact(TranscriptSyntax.outputLine(written[new]))]
            }
        }
        return (start..<end, body)
    }

    /// A line of the rewritten output: a recorded line kept or dropped (its comments stay either way), or a new one.
    private enum Piece: Equatable {
        case kept(Int)
        case dropped(Int)
        case added(Int)
    }

    /// The diff pairs a kept `...` line with one printed line, so the lines it covered before come back as new
    /// ones; each such new line next to a kept `...` is left out again while the output still fits, so `...` goes
    /// on standing for them. A new line that replaces a dropped recorded line (the first as many new lines of a
    /// run of changes as it drops) stays: the recording showed that line, so the update shows it too. Outputs of
    /// more than 1,000 lines are left as they are (each try compares the output).
    private func droppingLinesAnEllipsisCovers(
        _ pieces: [Piece], recorded: [OutputLine], fits: ([Piece]) -> Bool
    ) -> [Piece] {
        guard pieces.count <= 1000 else { return pieces }
        var replacements: Set<Int> = []
        var dropped = 0
        for piece in pieces {
            switch piece {
            case .kept: dropped = 0
            case .dropped: dropped += 1
            case .added(let new) where dropped > 0:
                replacements.insert(new)
                dropped -= 1
            case .added: break
            }
        }
        func isEllipsis(_ piece: Piece?) -> Bool {
            if case .kept(let old) = piece { return OutputMatcher.isLineEllipsis(recorded[old]) }
            return false
        }
        var result = pieces
        var index = 0
        while index < result.count {
            guard case .added(let new) = result[index], !replacements.contains(new) else {
                index += 1
                continue
            }
            let outputs = result.indices.filter { if case .dropped = result[$0] { false } else { true } }
            let position = outputs.firstIndex(of: index)!
            let before = position > 0 ? result[outputs[position - 1]] : nil
            let after = position + 1 < outputs.count ? result[outputs[position + 1]] : nil
            var candidate = result
            candidate.remove(at: index)
            if (isEllipsis(before) || isEllipsis(after)), fits(candidate) {
                result = candidate
                // The line before may now sit next to the `...` too.
                index = max(index - 1, 0)
            } else {
                index += 1
            }
        }
        return result
    }

    /// Whether the file's first line ends in `\r\n`: its lines are written back the same way.
    private static func usesCRLF(_ bytes: [UInt8]) -> Bool {
        guard let newline = bytes.firstIndex(of: 0x0A) else { return false }
        return newline > 0 && bytes[newline - 1] == 0x0D
    }
}
