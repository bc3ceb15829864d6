import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Facts about text on a terminal: how many columns it takes, how to cut it to fit, and writing it to a file
/// descriptor without buffering (so it interleaves correctly with libedit's own output).
public enum TerminalText {
    /// Columns `text` takes: wide characters count twice, control characters not at all.
    public static func width(of text: String) -> Int {
        text.reduce(0) { $0 + $1.terminalWidth }
    }

    /// `text` without `ESC [ … letter` sequences (colours), for measuring what is visible.
    public static func removingEscapes(_ text: String) -> String {
        guard text.contains("\u{1B}") else { return text }
        var out = ""
        var inEscape = false
        for scalar in text.unicodeScalars {
            if scalar == "\u{1B}" {
                inEscape = true
            } else if inEscape {
                if scalar != "[", scalar.properties.isAlphabetic { inEscape = false }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `text` cut to at most `width` columns, ending in `…` when something was cut.
    public static func truncated(_ text: String, toWidth width: Int) -> String {
        guard self.width(of: text) > width else { return text }
        guard width > 1 else { return width == 1 ? "…" : "" }
        var out = ""
        var used = 0
        for character in text {
            let next = character.terminalWidth
            if used + next > width - 1 { break }
            out.append(character)
            used += next
        }
        return out + "…"
    }

    /// The width of the terminal at `descriptor`, or nil when it is not a terminal.
    public static func columns(of descriptor: Int32) -> Int? {
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// Whether `descriptor` is a terminal.
    public static func isTerminal(_ descriptor: Int32) -> Bool {
        isatty(descriptor) == 1
    }

    /// Writes all of `text` to `descriptor`, retrying short writes and EINTR. Errors (a closed pipe) are dropped:
    /// output that cannot be written has nowhere else to go.
    public static func write(_ text: String, to descriptor: Int32) {
        withUTF8(text) { bytes in
            guard let base = bytes.baseAddress else { return }
            writeBlocking(base, bytes.count, to: descriptor, interrupt: nil)
        }
    }

    /// Runs `body` over the UTF-8 bytes of `text` in place (a native string is not copied; a bridged one is
    /// copied once), so a huge result is written or scanned without a second copy of it.
    public static func withUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let result = try text.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = text
        return try copy.withUTF8(body)
    }
}
