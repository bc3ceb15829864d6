/// The list shown under the line when Tab has several candidates.
///
/// With details, one candidate a line (`  command=   string  the command to run`); without, in columns like `ls`.
public enum CompletionListing {
    /// At most this many candidates are listed; the rest are counted.
    public static let maximumShown = 100

    /// The listing for `candidates` on a terminal `width` columns wide, ending in a newline. Names and
    /// descriptions come from the server, so their control characters are spelled out.
    public static func format(_ candidates: [CompletionCandidate], width: Int) -> String {
        let shown = candidates.prefix(maximumShown).map { candidate in
            var shown = candidate
            shown.display = TerminalText.visible(candidate.display)
            shown.detail = TerminalText.visible(candidate.detail)
            return shown
        }
        var out: String
        if shown.contains(where: { !$0.detail.isEmpty }) {
            out = withDetails(Array(shown), width: width)
        } else {
            out = inColumns(shown.map(\.display), width: width)
        }
        if candidates.count > shown.count {
            out += "… and \(candidates.count - shown.count) more: type more letters to narrow the list\n"
        }
        return out
    }

    private static func withDetails(_ candidates: [CompletionCandidate], width: Int) -> String {
        let nameWidth = min(candidates.map { TerminalText.width(of: $0.display) }.max() ?? 0, 32)
        var out = ""
        for candidate in candidates {
            let name = TerminalText.truncated(candidate.display, toWidth: nameWidth)
            var line = "  " + name
            if !candidate.detail.isEmpty {
                line += String(repeating: " ", count: nameWidth - TerminalText.width(of: name) + 2)
                line += candidate.detail
            }
            out += TerminalText.truncated(line, toWidth: max(width - 1, 20)) + "\n"
        }
        return out
    }

    private static func inColumns(_ names: [String], width: Int) -> String {
        let cell = (names.map { TerminalText.width(of: $0) }.max() ?? 0) + 2
        let perRow = max(1, (width - 1) / max(cell, 1))
        let rows = (names.count + perRow - 1) / perRow
        var out = ""
        for row in 0..<rows {
            var line = ""
            // Column-major order, so the list reads top to bottom like `ls`.
            for column in 0..<perRow {
                let index = column * rows + row
                guard index < names.count else { break }
                let name = names[index]
                line += name
                if (column + 1) * rows + row < names.count {
                    line += String(repeating: " ", count: cell - TerminalText.width(of: name))
                }
            }
            out += line + "\n"
        }
        return out
    }
}
