import MCP

/// One recorded output against what the replayed command printed, under ``OutputMatcher``'s rules plus masks and
/// JSON:
///
/// - a recorded line fits a printed line as text (`...` standing for any text), or fits it once the printed line's
///   volatile values are masked the way the recorder masks them (``OutputMasks``), so `<time>` fits a timestamp
///   and `<workspace>` the replaying session's workspace, and nothing else;
/// - when the lines do not fit as text but both sides are one JSON object or array on one stream, they are
///   compared as JSON: key order and layout do not matter, strings fit by the same rules as lines.
struct OutputComparison: Sendable {
    /// The recorded lines, trailing blank lines left out.
    let pattern: [OutputLine]
    /// The printed lines, trailing blank lines left out.
    let lines: [OutputLine]
    let masks: OutputMasks?
    /// Which recorded lines hold a placeholder: only against those is a printed line masked (it is the only way
    /// masking can matter), and only when it does not fit as printed.
    private let placeholders: [Bool]

    init(expected: [OutputLine], actual: [OutputLine], masks: OutputMasks?) {
        self.pattern = OutputLine.trimmingTrailingBlankLines(expected)
        self.lines = OutputLine.trimmingTrailingBlankLines(actual)
        self.masks = masks
        self.placeholders = masks == nil ? [] : pattern.map { OutputMasks.hasPlaceholder($0.text) }
    }

    /// The printed lines as a recording would write them: masked when there are masks.
    var recordedForm: [OutputLine] {
        masks.map { masks in lines.map(masks.mask) } ?? lines
    }

    /// Recorded line `p` against printed line `a`.
    func lineMatches(_ p: Int, _ a: Int) -> Bool {
        if OutputMatcher.lineMatches(pattern[p], lines[a]) { return true }
        guard let masks, placeholders[p], pattern[p].isError == lines[a].isError else { return false }
        return OutputMatcher.lineMatches(pattern[p], masks.mask(lines[a]))
    }

    /// Whether the printed output fits the recording, as lines or as JSON.
    var matches: Bool { linesMatch || jsonMatches }

    /// Wildcard matching with backtracking to the last line-ellipsis: matching each run between two of them at its
    /// leftmost place leaves the most room for the rest, so one backtrack point is enough.
    private var linesMatch: Bool {
        var p = 0
        var a = 0
        var lastEllipsis: Int?
        var resumeAt = 0
        while a < lines.count {
            if p < pattern.count, OutputMatcher.isLineEllipsis(pattern[p]) {
                lastEllipsis = p
                resumeAt = a
                p += 1
            } else if p < pattern.count, lineMatches(p, a) {
                p += 1
                a += 1
            } else if let star = lastEllipsis {
                p = star + 1
                resumeAt += 1
                a = resumeAt
            } else {
                return false
            }
        }
        while p < pattern.count, OutputMatcher.isLineEllipsis(pattern[p]) { p += 1 }
        return p == pattern.count
    }

    // MARK: - JSON

    /// Both sides one JSON object or array, printed on the same stream, equal as JSON.
    var jsonMatches: Bool {
        guard let expected = Self.json(pattern), let actual = Self.json(lines), expected.isError == actual.isError
        else { return false }
        return valueMatches(expected.value, actual.value)
    }

    /// The lines' JSON value when they are all on one stream and their text is an object or an array.
    private static func json(_ lines: [OutputLine]) -> (value: Value, isError: Bool)? {
        guard let first = lines.first, lines.allSatisfy({ $0.isError == first.isError }) else { return nil }
        let text = OutputLine.plainText(lines)
        guard let start = text.utf8.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A }),
            start == UInt8(ascii: "{") || start == UInt8(ascii: "[")
        else { return nil }
        guard case .success(let value) = JSONText.parse(text) else { return nil }
        return (value, first.isError)
    }

    /// `key` is the member name the values are under, if any: an id is masked by the name before it
    /// (`"traceId": "<trace-id>"`), so a string is masked with its name in front, as the recorder saw it.
    private func valueMatches(_ expected: Value, _ actual: Value, key: String? = nil) -> Bool {
        switch (expected, actual) {
        case (.object(let pattern), .object(let object)):
            return pattern.count == object.count
                && pattern.allSatisfy { key, value in object[key].map { valueMatches(value, $0, key: key) } ?? false }
        case (.array(let pattern), .array(let array)):
            return pattern.count == array.count && zip(pattern, array).allSatisfy { valueMatches($0, $1, key: key) }
        case (.string(let pattern), .string(let text)):
            if OutputMatcher.textMatches(pattern[...], text[...]) { return true }
            guard let masks, OutputMasks.hasPlaceholder(pattern) else { return false }
            let name = key.map { "\"\($0)\": \"" } ?? ""
            return OutputMatcher.textMatches((name + pattern)[...], masks.mask(name + text, isError: false)[...])
        case (.int(let one), .double(let other)), (.double(let other), .int(let one)):
            return Double(one) == other
        default:
            return expected == actual
        }
    }
}
