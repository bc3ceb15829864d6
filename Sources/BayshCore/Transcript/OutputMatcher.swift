#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Compares recorded output with what a replayed command printed, with doctest's ELLIPSIS:
///
/// ```
/// session local:...             ← `...` inside a line matches any text within that line
/// ...                           ← a line holding only `...` matches any number of lines (none too)
/// ! tool 'nope' not found...    ← an error line matches an error line only
/// ```
///
/// Trailing spaces and tabs on a line, and blank lines at the end, are not significant (editors strip them).
/// Placeholders the recorder writes (`<workspace>`, `<time>`...) are described at ``OutputMasks``.
public enum OutputMatcher {
    /// The marker, within a line or alone on one.
    public static let ellipsis = "..."

    /// Whether `actual` fits the `expected` pattern. With `masks` (the replaying session's), a placeholder such as
    /// `<time>` fits the value it stands for; outputs that are JSON on both sides also fit when equal as JSON (see
    /// ``OutputComparison``).
    public static func matches(expected: [OutputLine], actual: [OutputLine], masks: OutputMasks? = nil) -> Bool {
        OutputComparison(expected: expected, actual: actual, masks: masks).matches
    }

    /// A non-error line holding only `...`.
    static func isLineEllipsis(_ line: OutputLine) -> Bool {
        !line.isError && trimmed(line.text) == ellipsis[...]
    }

    /// One pattern line against one printed line: same stream, and the text fits with `...` inside it.
    static func lineMatches(_ pattern: OutputLine, _ line: OutputLine) -> Bool {
        pattern.isError == line.isError && textMatches(trimmed(pattern.text), trimmed(line.text))
    }

    /// `text` fits `pattern`, where each `...` in `pattern` stands for any text.
    static func textMatches(_ pattern: Substring, _ text: Substring) -> Bool {
        // A line fits itself (each `...` standing for its own three dots); comparing bytes first spares a huge
        // recorded line the search for `...` in it.
        if sameBytes(pattern, text) { return true }
        let parts = pattern.split(separator: ellipsis, omittingEmptySubsequences: false)
        guard parts.count > 1 else { return pattern == text }
        guard text.hasPrefix(parts[0]) else { return false }
        var rest = text.dropFirst(parts[0].count)
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let found = rest.firstRange(of: part) else { return false }
            rest = rest[found.upperBound...]
        }
        return rest.hasSuffix(parts[parts.count - 1])
    }

    private static func sameBytes(_ one: Substring, _ other: Substring) -> Bool {
        guard one.utf8.count == other.utf8.count else { return false }
        let compared = one.utf8.withContiguousStorageIfAvailable { first in
            other.utf8.withContiguousStorageIfAvailable { second in
                first.count == 0 || memcmp(first.baseAddress!, second.baseAddress!, first.count) == 0
            }
        }
        return compared.flatMap { $0 } ?? one.utf8.elementsEqual(other.utf8)
    }

    private static func trimmed(_ text: String) -> Substring {
        var end = text.endIndex
        while end > text.startIndex {
            let before = text.index(before: end)
            guard text[before] == " " || text[before] == "\t" else { break }
            end = before
        }
        return text[..<end]
    }
}
