/// Server-supplied text made safe for a terminal.
///
/// A server's tool names, descriptions, results and errors are untrusted: an `ESC ] 52 ;` sequence would put text
/// in the clipboard, `ESC ] 0 ;` set the window title, `ESC [ 2 J` clear the screen. Every piece of such text
/// passes through ``visible(_:)`` before it is printed, which spells out each C0 and C1 control character (and the
/// bidirectional overrides that reorder what is shown) as `\x1b`, `\x9b`, `\u{202e}`, so the sequence is seen
/// rather than obeyed. Tabs and newlines are content and stay; a carriage return stays only before a newline
/// (`\r\n` line ends), since a lone one moves the cursor back over what was printed. `--format raw` is the one
/// way to print the bytes as sent.
extension TerminalText {
    /// How control characters are spelled.
    public enum ControlSpelling: Sendable, Equatable {
        /// `\x1b`, `\x9b`, `\u{202e}`: for text.
        case text
        /// `\u001b`, `\u009b`, `\u202e`: for JSON text, where the spelling must stay a valid JSON string escape
        /// (control characters in JSON only ever occur inside strings).
        case json
    }

    /// `text` with its control characters spelled out; the same string (no copy) when it has none.
    public static func visible(_ text: String, spelling: ControlSpelling = .text) -> String {
        withUTF8(text) { bytes in
            guard firstUnsafe(in: bytes) != nil else { return nil }
            return String(decoding: visibleBytes(bytes, spelling: spelling), as: UTF8.self)
        } ?? text
    }

    /// Whether `text` holds anything ``visible(_:)`` would spell out.
    public static func hasControls(_ text: String) -> Bool {
        withUTF8(text) { firstUnsafe(in: $0) != nil }
    }

    /// The index of the first byte that starts something to spell out, or nil. Only five byte values can start
    /// one, so a clean megabyte is checked in one pass without decoding.
    static func firstUnsafe(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x20 || byte == 0x7F || byte == 0xC2 || byte == 0xE2 {
                if unsafeLength(bytes, at: index) > 0 { return index }
            }
            index += 1
        }
        return nil
    }

    /// How many bytes at `index` form one thing to spell out, or 0 when the byte there is fine as it is.
    private static func unsafeLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let byte = bytes[index]
        let next: UInt8? = index + 1 < bytes.count ? bytes[index + 1] : nil
        switch byte {
        case 0x09, 0x0A: return 0
        case 0x0D: return next == 0x0A ? 0 : 1
        case 0x00..<0x20, 0x7F: return 1
        case 0xC2: return next.map { (0x80...0x9F).contains($0) } == true ? 2 : 0
        case 0xE2:
            guard index + 2 < bytes.count else { return 0 }
            let (second, third) = (bytes[index + 1], bytes[index + 2])
            // U+202A…U+202E (embeddings and overrides) and U+2066…U+2069 (isolates).
            if second == 0x80, (0xAA...0xAE).contains(third) { return 3 }
            if second == 0x81, (0xA6...0xA9).contains(third) { return 3 }
            return 0
        default: return 0
        }
    }

    /// The bytes with every control spelled out, copying the runs between them whole.
    static func visibleBytes(_ bytes: UnsafeBufferPointer<UInt8>, spelling: ControlSpelling) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 64)
        var runStart = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let length =
                byte < 0x20 || byte == 0x7F || byte == 0xC2 || byte == 0xE2 ? unsafeLength(bytes, at: index) : 0
            guard length > 0 else {
                index += 1
                continue
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            out.append(contentsOf: spelled(scalar(bytes, at: index, length: length), spelling).utf8)
            index += length
            runStart = index
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        return out
    }

    private static func scalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, length: Int) -> UInt32 {
        switch length {
        case 1: return UInt32(bytes[index])
        case 2: return UInt32(bytes[index] & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F)
        default:
            return UInt32(bytes[index] & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6
                | UInt32(bytes[index + 2] & 0x3F)
        }
    }

    private static func spelled(_ value: UInt32, _ spelling: ControlSpelling) -> String {
        let hex = String(value, radix: 16)
        switch spelling {
        case .json: return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        case .text:
            if value == 0x0D { return "\\r" }
            return value < 0x100 ? "\\x" + (hex.count < 2 ? "0" : "") + hex : "\\u{" + hex + "}"
        }
    }
}

/// Spells out control characters in text that arrives in pieces (a server's stderr copied to the terminal): a
/// piece may end inside a character or between `\r` and `\n`, so those last bytes wait for the next piece.
public struct VisibleTextStream: Sendable {
    private var carry: [UInt8] = []

    public init() {}

    /// The printable form of what can be decided so far of `piece`.
    public mutating func feed(_ piece: UnsafeRawBufferPointer) -> [UInt8] {
        var bytes = carry
        bytes.append(contentsOf: piece)
        var keep = 0
        // An unfinished UTF-8 character (at most 3 bytes of one) or a final CR waits for what follows.
        if let last = bytes.last, last == 0x0D {
            keep = 1
        } else {
            var back = 0
            while back < min(3, bytes.count), bytes[bytes.count - 1 - back] & 0xC0 == 0x80 { back += 1 }
            let leadIndex = bytes.count - 1 - back
            if leadIndex >= 0, bytes[leadIndex] >= 0xC0 {
                let needed = bytes[leadIndex] >= 0xF0 ? 4 : bytes[leadIndex] >= 0xE0 ? 3 : 2
                if back + 1 < needed { keep = back + 1 }
            }
        }
        carry = Array(bytes.suffix(keep))
        return Self.printable(bytes.prefix(bytes.count - keep))
    }

    /// Whatever was held back, at the end of the stream.
    public mutating func finish() -> [UInt8] {
        defer { carry = [] }
        return Self.printable(carry[...])
    }

    /// Invalid UTF-8 becomes U+FFFD (a lone byte 0x9B would be CSI to a terminal not in UTF-8 mode), then
    /// controls are spelled out.
    private static func printable(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        guard !bytes.isEmpty else { return [] }
        let text = TerminalText.visible(String(decoding: bytes, as: UTF8.self))
        return Array(text.utf8)
    }
}
