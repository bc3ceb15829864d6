import Foundation

/// Pretty-prints JSON text for the terminal: two-space indent, keys in the order the server wrote them, numbers
/// and strings byte for byte as written (re-encoding would reorder keys and turn `1.0` into `1`).
public enum JSONLayout {
    /// The indented form of `text` when it is a JSON object or array, else nil (plain text stays plain).
    public static func pretty(_ text: String) -> String? {
        // Checking a document builds its whole tree (about 12 × its size, 4 s for 58 MB): a bigger one is printed
        // as it came, which `jq` reads as well, rather than freezing the prompt.
        guard text.utf8.count <= largestLaidOut else { return nil }
        // Plain text, however big, is turned away by its first character before anything copies it.
        guard let first = text.first(where: { !$0.isWhitespace }), first == "{" || first == "[" else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard case .success = JSONText.parse(trimmed) else { return nil }
        return reindented(trimmed)
    }

    /// The largest text laid out, in bytes (a 4 MB document takes about 0.3 s).
    static let largestLaidOut = 4 << 20

    /// Works on the UTF-8 bytes in place, writing into one buffer reserved up front: every character that shapes
    /// the layout is ASCII, and anything else sits inside a string and is copied as it is. (Appending scalars to a
    /// `String.UnicodeScalarView` took minutes for a few MB.)
    private static func reindented(_ text: String) -> String {
        TerminalText.withUTF8(text) { bytes in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + bytes.count / 2)
            var depth = 0
            var inString = false
            var escaped = false
            var index = 0
            func newline() {
                out.append(0x0A)
                out.append(contentsOf: repeatElement(0x20, count: depth * 2))
            }
            func nextSignificant(after position: Int) -> UInt8? {
                var look = position + 1
                while look < bytes.count, isWhitespace(bytes[look]) { look += 1 }
                return look < bytes.count ? bytes[look] : nil
            }
            while index < bytes.count {
                let byte = bytes[index]
                defer { index += 1 }
                if inString {
                    out.append(byte)
                    if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte
                        == UInt8(ascii: "\"")
                    {
                        inString = false
                    }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""):
                    inString = true
                    out.append(byte)
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    out.append(byte)
                    let closing = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                    if nextSignificant(after: index) == closing {
                        // `{}` and `[]` stay on one line.
                        while bytes[index] != closing { index += 1 }
                        out.append(closing)
                    } else {
                        depth += 1
                        newline()
                    }
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    newline()
                    out.append(byte)
                case UInt8(ascii: ","):
                    out.append(byte)
                    newline()
                case UInt8(ascii: ":"):
                    out.append(contentsOf: [UInt8(ascii: ":"), 0x20])
                default:
                    if !isWhitespace(byte) { out.append(byte) }
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// JSON's whitespace between tokens (the text parsed, so nothing else stands there).
    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
