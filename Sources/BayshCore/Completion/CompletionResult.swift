/// One thing Tab can put in place of the word before the cursor.
///
/// For `shell com⇥` the candidate is insertion `command=`, display `command`, detail `string  the command to run`.
public struct CompletionCandidate: Sendable, Equatable {
    /// The text that replaces ``CompletionResult/replaced`` (`command=`, `overwrite`, `"two words"`, `src/`).
    public var insertion: String
    /// What a list of candidates shows (`command`, `overwrite`, `src/`).
    public var display: String
    /// The type or description shown next to ``display`` in a list; empty for none.
    public var detail: String
    /// A finished word: when it is the only candidate, the editor adds a space after it. Keys (`command=`) and
    /// directories (`src/`) are not finished; values and tool names are.
    public var isComplete: Bool

    public init(insertion: String, display: String? = nil, detail: String = "", isComplete: Bool) {
        self.insertion = insertion
        self.display = display ?? insertion
        self.detail = detail
        self.isComplete = isComplete
    }
}

/// What Tab does to a line: replace the text from ``replaceStart`` to the cursor with one of ``candidates``.
public struct CompletionResult: Sendable, Equatable {
    /// Where the replaced text starts (a Character offset in the line).
    public var replaceStart: Int
    /// The text between ``replaceStart`` and the cursor, as typed (quotes included).
    public var replaced: String
    /// The candidates in the order a list shows them (required keys first, then the rest by name).
    public var candidates: [CompletionCandidate]

    public init(replaceStart: Int, replaced: String, candidates: [CompletionCandidate]) {
        self.replaceStart = replaceStart
        self.replaced = replaced
        self.candidates = candidates
    }

    /// Nothing to complete at the cursor.
    public static func none(at cursor: Int) -> CompletionResult {
        CompletionResult(replaceStart: cursor, replaced: "", candidates: [])
    }

    /// What Tab inserts in place of ``replaced`` straight away: the only candidate (with a space after a finished
    /// word), or the longest prefix every candidate shares when that adds something. Nil means "show the list".
    public var immediateInsertion: String? {
        if candidates.count == 1, let only = candidates.first {
            return only.insertion + (only.isComplete ? " " : "")
        }
        guard let first = candidates.first else { return nil }
        var prefix = Substring(first.insertion)
        for candidate in candidates.dropFirst() {
            prefix = prefix.commonPrefix(with: candidate.insertion)
            if prefix.isEmpty { break }
        }
        return prefix.count > replaced.count ? String(prefix) : nil
    }
}

extension Substring {
    fileprivate func commonPrefix(with other: String) -> Substring {
        var end = startIndex
        var otherIndex = other.startIndex
        while end < endIndex, otherIndex < other.endIndex, self[end] == other[otherIndex] {
            end = index(after: end)
            otherIndex = other.index(after: otherIndex)
        }
        return self[startIndex..<end]
    }
}
