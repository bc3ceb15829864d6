#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How many lines a text has and how many bytes its first lines take, counted with `memchr` over its UTF-8 bytes
/// in place: deciding whether to cut a huge result neither splits nor copies it.
struct TextLines {
    /// Lines as `split(separator: "\n", omittingEmptySubsequences: false)` counts them: newlines plus one.
    let count: Int
    /// Bytes of the first `kept` lines, without the newline after the last of them.
    let keptBytes: Int

    init(_ text: String, keeping kept: Int) {
        (count, keptBytes) = TerminalText.withUTF8(text) { bytes in
            guard let base = bytes.baseAddress else { return (1, 0) }
            var lines = 1
            var keptEnd = bytes.count
            var position = 0
            while position < bytes.count, let hit = memchr(base + position, 0x0A, bytes.count - position) {
                let newline = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
                if lines == kept { keptEnd = newline }
                lines += 1
                position = newline + 1
            }
            return (lines, kept <= 0 ? 0 : keptEnd)
        }
    }
}
