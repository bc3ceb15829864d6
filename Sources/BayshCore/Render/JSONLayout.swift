import Foundation

/// Pretty-prints JSON text for the terminal: two-space indent, keys in the order the server wrote them, numbers
/// and strings byte for byte as written (re-encoding would reorder keys and turn `1.0` into `1`).
public enum JSONLayout {
    /// The indented form of `text` when it is a JSON object or array, else nil (plain text stays plain).
    public static func pretty(_ text: String) -> String? {
        // Plain text, however big, is turned away by its first character before anything copies it.
        guard let first = text.first(where: { !$0.isWhitespace }), first == "{" || first == "[" else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard case .success = JSONText.parse(trimmed) else { return nil }
        return reindented(trimmed)
    }

    private static func reindented(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var depth = 0
        var inString = false
        var escaped = false
        var index = 0
        func newline() {
            out.append("\n")
            out.append(contentsOf: String(repeating: "  ", count: depth).unicodeScalars)
        }
        func nextSignificant(after position: Int) -> Unicode.Scalar? {
            var look = position + 1
            while look < scalars.count, scalars[look].properties.isWhitespace { look += 1 }
            return look < scalars.count ? scalars[look] : nil
        }
        while index < scalars.count {
            let scalar = scalars[index]
            defer { index += 1 }
            if inString {
                out.append(scalar)
                if escaped { escaped = false } else if scalar == "\\" { escaped = true } else if scalar == "\"" {
                    inString = false
                }
                continue
            }
            switch scalar {
            case "\"":
                inString = true
                out.append(scalar)
            case "{", "[":
                out.append(scalar)
                let closing: Unicode.Scalar = scalar == "{" ? "}" : "]"
                if nextSignificant(after: index) == closing {
                    // `{}` and `[]` stay on one line.
                    while scalars[index] != closing { index += 1 }
                    out.append(closing)
                } else {
                    depth += 1
                    newline()
                }
            case "}", "]":
                depth -= 1
                newline()
                out.append(scalar)
            case ",":
                out.append(scalar)
                newline()
            case ":":
                out.append(contentsOf: ": ".unicodeScalars)
            default:
                if !scalar.properties.isWhitespace { out.append(scalar) }
            }
        }
        return String(out)
    }
}
