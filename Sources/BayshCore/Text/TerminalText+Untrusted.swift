extension TerminalText {
    /// Text a server sent, made safe to print: control characters (escape sequences could move the cursor, retitle
    /// the window or hide text) become `�`, newlines and tabs stay unless `singleLine`, and it is cut after
    /// `limit` characters so a runaway message cannot flood the terminal.
    public static func untrusted(_ text: String, singleLine: Bool = false, limit: Int = 4000) -> String {
        var out = String.UnicodeScalarView()
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit {
                out.append("…")
                break
            }
            count += 1
            switch scalar.value {
            case 0x0A, 0x09: out.append(singleLine ? " " : scalar)
            case 0..<0x20, 0x7F...0x9F: out.append("\u{FFFD}")
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}
