/// A unified diff between a command's recorded output and what it printed on replay, as `--check` shows it:
///
/// ```
/// --- examples/files.txt:12 (recorded)
/// +++ examples/files.txt:12 (replayed)
/// @@ -1,3 +1,3 @@
///  total 2
/// -a.txt
/// +b.txt
/// ```
///
/// Lines are shown as the transcript writes them (error lines behind `! `). A recorded line counts as unchanged
/// when it matches by ``OutputMatcher`` rules, so lines masked with `...` appear only when they really differ.
public struct UnifiedDiff: Sendable {
    /// One line of the edit script.
    enum Edit: Equatable {
        case same(expected: Int, actual: Int)
        case removed(Int)
        case added(Int)
    }

    public let expected: [OutputLine]
    public let actual: [OutputLine]
    /// Unchanged lines shown around each change.
    public var context = 3

    public init(expected: [OutputLine], actual: [OutputLine]) {
        self.expected = OutputLine.trimmingTrailingBlankLines(expected)
        self.actual = OutputLine.trimmingTrailingBlankLines(actual)
    }

    /// The diff under `---`/`+++` headers naming `file` and the command's line; "" when nothing differs.
    public func render(file: String, line: Int) -> String {
        let hunks = self.hunks()
        guard !hunks.isEmpty else { return "" }
        var out = "--- \(file):\(line) (recorded)\n+++ \(file):\(line) (replayed)\n"
        for hunk in hunks { out += render(hunk) }
        return out
    }

    /// The edit script, grouped into runs of changes with their context.
    func hunks() -> [ArraySlice<Edit>] {
        let edits = self.edits()
        let changed = edits.indices.filter { if case .same = edits[$0] { false } else { true } }
        var hunks: [ArraySlice<Edit>] = []
        var index = 0
        while index < changed.count {
            let start = max(0, changed[index] - context)
            var end = changed[index]
            while index + 1 < changed.count, changed[index + 1] - end <= 2 * context + 1 {
                index += 1
                end = changed[index]
            }
            hunks.append(edits[start...min(edits.count - 1, end + context)])
            index += 1
        }
        return hunks
    }

    private func render(_ hunk: ArraySlice<Edit>) -> String {
        var body = ""
        var removed = (first: Int?.none, count: 0)
        var added = (first: Int?.none, count: 0)
        for edit in hunk {
            switch edit {
            case .same(let e, let a):
                removed = (removed.first ?? e, removed.count + 1)
                added = (added.first ?? a, added.count + 1)
                body += " " + Self.display(expected[e]) + "\n"
            case .removed(let e):
                removed = (removed.first ?? e, removed.count + 1)
                body += "-" + Self.display(expected[e]) + "\n"
            case .added(let a):
                added = (added.first ?? a, added.count + 1)
                body += "+" + Self.display(actual[a]) + "\n"
            }
        }
        let oldStart = removed.first ?? position(before: hunk, expectedSide: true)
        let newStart = added.first ?? position(before: hunk, expectedSide: false)
        return "@@ -\(Self.range(oldStart, removed.count)) +\(Self.range(newStart, added.count)) @@\n" + body
    }

    /// For a side with no lines in the hunk: the 0-based index its lines would start at.
    private func position(before hunk: ArraySlice<Edit>, expectedSide: Bool) -> Int {
        for edit in hunk {
            switch edit {
            case .same(let e, let a): return expectedSide ? e : a
            case .removed(let e): if expectedSide { return e }
            case .added(let a): if !expectedSide { return a }
            }
        }
        return 0
    }

    /// `start,count` as GNU diff writes it: 1-based, `,count` left out for one line, an empty range names the
    /// line before it.
    private static func range(_ start: Int, _ count: Int) -> String {
        switch count {
        case 0: return "\(start),0"
        case 1: return "\(start + 1)"
        default: return "\(start + 1),\(count)"
        }
    }

    private static func display(_ line: OutputLine) -> String {
        line.isError ? TranscriptSyntax.errorLine(line.text) : line.text
    }

    private func same(_ e: Int, _ a: Int) -> Bool {
        OutputMatcher.isLineEllipsis(expected[e]) || OutputMatcher.lineMatches(expected[e], actual[a])
    }

    /// The shortest edit script (Myers) between the two sides, after taking off their common head and tail. A
    /// difference beyond ``Self/maximumSearch`` edits is shown as the whole middle replaced, which is still a
    /// correct diff and keeps a huge mismatch from costing quadratic memory.
    func edits() -> [Edit] {
        var head = 0
        while head < expected.count, head < actual.count, same(head, head) { head += 1 }
        var tail = 0
        while tail < expected.count - head, tail < actual.count - head,
            same(expected.count - 1 - tail, actual.count - 1 - tail)
        {
            tail += 1
        }
        var edits = (0..<head).map { Edit.same(expected: $0, actual: $0) }
        let oldRange = head..<(expected.count - tail)
        let newRange = head..<(actual.count - tail)
        edits += middle(oldRange, newRange)
            ?? oldRange.map { Edit.removed($0) } + newRange.map { Edit.added($0) }
        edits += (0..<tail).map { Edit.same(expected: oldRange.upperBound + $0, actual: newRange.upperBound + $0) }
        return edits
    }

    static let maximumSearch = 1000

    /// Myers' greedy search with the frontier of every round kept for the walk back.
    private func middle(_ old: Range<Int>, _ new: Range<Int>) -> [Edit]? {
        let n = old.count
        let m = new.count
        if n == 0 || m == 0 { return nil }
        let offset = n + m + 1
        var frontier = [Int](repeating: 0, count: 2 * offset + 1)
        // Round d reads only diagonals -d-1...d+1, so only that part is kept for the walk back.
        var rounds: [[Int]] = []
        for d in 0...min(n + m, Self.maximumSearch) {
            rounds.append(Array(frontier[(offset - d - 1)...(offset + d + 1)]))
            for k in stride(from: -d, through: d, by: 2) {
                var x =
                    (k == -d || (k != d && frontier[offset + k - 1] < frontier[offset + k + 1]))
                    ? frontier[offset + k + 1] : frontier[offset + k - 1] + 1
                var y = x - k
                while x < n, y < m, same(old.lowerBound + x, new.lowerBound + y) {
                    x += 1
                    y += 1
                }
                frontier[offset + k] = x
                if x >= n, y >= m { return walkBack(rounds, n: n, m: m, old: old, new: new) }
            }
        }
        return nil
    }

    private func walkBack(_ rounds: [[Int]], n: Int, m: Int, old: Range<Int>, new: Range<Int>)
        -> [Edit]
    {
        var edits: [Edit] = []
        var x = n
        var y = m
        for d in stride(from: rounds.count - 1, through: 0, by: -1) {
            let round = rounds[d]
            func frontier(_ k: Int) -> Int { round[k + d + 1] }
            let k = x - y
            let fromInsert = k == -d || (k != d && frontier(k - 1) < frontier(k + 1))
            let previousK = fromInsert ? k + 1 : k - 1
            let previousX = d == 0 ? 0 : frontier(previousK)
            let previousY = d == 0 ? 0 : previousX - previousK
            while x > previousX, y > previousY {
                x -= 1
                y -= 1
                edits.append(.same(expected: old.lowerBound + x, actual: new.lowerBound + y))
            }
            if d > 0 {
                edits.append(fromInsert ? .added(new.lowerBound + previousY) : .removed(old.lowerBound + previousX))
            }
            x = previousX
            y = previousY
        }
        return edits.reversed()
    }
}
