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

    /// Levenshtein distance, giving up (returning `limit + 1`) once every path exceeds `limit`.
    static func editDistance(_ left: [Character], _ right: [Character], limit: Int) -> Int {
        if abs(left.count - right.count) > limit { return limit + 1 }
        var previous = Array(0...right.count)
        var current = previous
        for (row, leftCharacter) in left.enumerated() {
            current[0] = row + 1
            var rowMinimum = current[0]
            for (column, rightCharacter) in right.enumerated() {
                let substitution = previous[column] + (leftCharacter == rightCharacter ? 0 : 1)
                current[column + 1] = min(substitution, previous[column + 1] + 1, current[column] + 1)
                rowMinimum = min(rowMinimum, current[column + 1])
            }
            if rowMinimum > limit { return limit + 1 }
            swap(&previous, &current)
        }
        return previous[right.count]
    }
}
