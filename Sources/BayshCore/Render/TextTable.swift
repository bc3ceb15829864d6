/// Columns of text padded to line up, for `:describe`, `:session` and `:help`.
public enum TextTable {
    /// The rows with every column but the last padded to its widest cell, two spaces apart, each line indented
    /// by `indent`. Trailing spaces are trimmed.
    public static func lines(_ rows: [[String]], indent: String = "") -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() where index < columns - 1 {
                widths[index] = max(widths[index], TerminalText.width(of: cell))
            }
        }
        return rows.map { row in
            var line = indent
            for (index, cell) in row.enumerated() {
                line += cell
                if index < row.count - 1 {
                    line += String(repeating: " ", count: widths[index] - TerminalText.width(of: cell) + 2)
                }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }
}
