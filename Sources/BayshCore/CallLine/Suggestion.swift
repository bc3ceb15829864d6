/// Did-you-mean: the candidate closest to a mistyped word.
public enum Suggestion {
    /// The candidate nearest to `word` by edit distance (case-insensitive), or nil when none is close.
    ///
    /// Close means at most one edit for words up to four characters, two up to eight, three beyond; a candidate
    /// that starts with `word` (`cmd` for `cmd_line`) also counts. Ties go to the earlier candidate.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let typed = Array(word.lowercased())
        guard !typed.isEmpty else { return nil }
        let allowed = typed.count <= 4 ? 1 : typed.count <= 8 ? 2 : 3
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let lowered = candidate.lowercased()
            var distance = editDistance(typed, Array(lowered), limit: allowed)
            if distance > allowed, typed.count >= 2, lowered.hasPrefix(String(typed)) { distance = allowed }
            guard distance <= allowed else { continue }
            if let current = best, current.distance <= distance { continue }
            best = (candidate, distance)
        }
        return best?.candidate
    }

    /// Edit distance counting insertions, deletions, substitutions and swaps of neighbours (`moed` → `mode` is
    /// one edit), giving up (returning `limit + 1`) once every path exceeds `limit`.
    static func editDistance(_ left: [Character], _ right: [Character], limit: Int) -> Int {
        if abs(left.count - right.count) > limit { return limit + 1 }
        var beforePrevious = Array(repeating: 0, count: right.count + 1)
        var previous = Array(0...right.count)
        var current = previous
        for row in 1...max(left.count, 1) where !left.isEmpty {
            current[0] = row
            var rowMinimum = row
            for column in 1...max(right.count, 1) where !right.isEmpty {
                let cost = left[row - 1] == right[column - 1] ? 0 : 1
                var best = min(previous[column - 1] + cost, previous[column] + 1, current[column - 1] + 1)
                if row > 1, column > 1, left[row - 1] == right[column - 2], left[row - 2] == right[column - 1] {
                    best = min(best, beforePrevious[column - 2] + 1)
                }
                current[column] = best
                rowMinimum = min(rowMinimum, best)
            }
            if rowMinimum > limit { return limit + 1 }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[right.count]
    }
}
