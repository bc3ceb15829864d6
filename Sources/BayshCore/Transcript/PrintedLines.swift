#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The lines a ``RenderedOutput`` printed, found in one walk over its UTF-8 bytes without copying them: the one
/// definition of "a printed line" that recording (``TranscriptWriter/append(command:output:)``) and checking
/// (``RenderedOutput/transcriptLines``) share, so a recording compares equal to the same output printed again.
///
/// `\n` ends a line and every carriage return before it is dropped; colour escape sequences are removed from each
/// piece on its own. A piece without a final newline continues on its stream's next piece (its carriage returns at
/// the end dropped, as at the end of a line), so a line split over pieces is one line, and lines come in the order
/// they were completed. Lines still open at the end come last, stdout's first.
struct PrintedLines {
    /// Part of a line: a byte range of a string the walk holds (a chunk's text, or its copy without escapes).
    struct Piece {
        var text: String
        var bytes: Range<Int>
    }

    /// One line: its pieces in order (most lines have one) and whether it went to stderr.
    struct Line {
        var pieces: [Piece]
        var isError: Bool

        /// Runs `body` over each piece's bytes in order, in place.
        func forEachBuffer(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
            for piece in pieces {
                TerminalText.withUTF8(piece.text) { bytes in
                    body(UnsafeBufferPointer(rebasing: bytes[piece.bytes]))
                }
            }
        }

        /// Its first bytes, at most `count`.
        func prefix(_ count: Int) -> [UInt8] {
            var bytes: [UInt8] = []
            forEachBuffer { buffer in bytes += buffer.prefix(count - bytes.count) }
            return bytes
        }

        /// Whether every character is whitespace (an empty line too), as `text.allSatisfy(\.isWhitespace)` says
        /// but without building the text for a line with an ASCII letter in it or one starting with a letter.
        var isBlank: Bool {
            var visible = false
            var nonASCII = false
            forEachBuffer { buffer in
                guard !visible else { return }
                for byte in buffer {
                    if byte >= 0x80 {
                        nonASCII = true
                    } else if byte != 0x20, !(0x09...0x0D).contains(byte) {
                        // An ASCII letter or sign starts a character of its own, and it is not whitespace.
                        visible = true
                        return
                    }
                }
            }
            if visible { return false }
            if !nonASCII { return true }
            // A character is whitespace by its first scalar, and the line's first scalar starts a character.
            guard let first = String(decoding: prefix(4), as: UTF8.self).unicodeScalars.first,
                first.properties.isWhitespace
            else { return false }
            return text.allSatisfy(\.isWhitespace)
        }

        /// The line as a string (one copy of its bytes).
        var text: String {
            if pieces.count == 1, pieces[0].bytes.count == pieces[0].text.utf8.count { return pieces[0].text }
            var bytes: [UInt8] = []
            forEachBuffer { bytes.append(contentsOf: $0) }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    let output: RenderedOutput

    /// Calls `body` with each line, in the order the lines were completed.
    func forEach(_ body: (Line) -> Void) {
        var open: [[Piece]] = [[], []]
        for chunk in output.chunks {
            let stream = chunk.stream == .standardError ? 1 : 0
            let isError = stream == 1
            let text = Self.containsEscape(chunk.text) ? TerminalText.removingEscapes(chunk.text) : chunk.text
            TerminalText.withUTF8(text) { bytes in
                var start = 0
                while start < bytes.count {
                    guard let end = Self.index(of: 0x0A, in: bytes, from: start) else { break }
                    open[stream].append(Piece(text: text, bytes: start..<Self.droppingReturns(bytes, start, end)))
                    body(Line(pieces: Self.withoutEmptyTail(open[stream]), isError: isError))
                    open[stream] = []
                    start = end + 1
                }
                let end = Self.droppingReturns(bytes, start, bytes.count)
                if end > start { open[stream].append(Piece(text: text, bytes: start..<end)) }
            }
        }
        for stream in 0..<2 where !open[stream].isEmpty {
            body(Line(pieces: open[stream], isError: stream == 1))
        }
    }

    /// The open pieces ended by the last one, which may be empty (a line break right after a piece): an empty
    /// piece adds nothing but would keep a one-piece line from being shared whole.
    private static func withoutEmptyTail(_ pieces: [Piece]) -> [Piece] {
        guard pieces.count > 1, pieces[pieces.count - 1].bytes.isEmpty else { return pieces }
        return Array(pieces.dropLast())
    }

    /// `end` moved back over the carriage returns before it (not before `start`).
    private static func droppingReturns(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var end = end
        while end > start, bytes[end - 1] == 0x0D { end -= 1 }
        return end
    }

    private static func index(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = bytes.baseAddress, start < bytes.count,
            let found = memchr(base + start, Int32(byte), bytes.count - start)
        else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    private static func containsEscape(_ text: String) -> Bool {
        TerminalText.withUTF8(text) { index(of: 0x1B, in: $0, from: 0) != nil }
    }
}
