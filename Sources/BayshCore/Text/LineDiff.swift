/// A unified diff of two texts by lines (`--- path`, `+++ path`, `@@ -1,3 +1,4 @@` hunks with three lines of
/// context), for edit_file's preview and `--check`'s differences. Uses Myers' shortest edit script between the first
/// and last differing lines; past ``maxEditDistance`` changes it shows the differing middle as one replaced block
/// instead. The script and the hunks work on any two sequences with a "same line" test of their own.
enum LineDiff {
    static let maxEditDistance = 2000
    static let context = 3

    enum Step: Equatable {
        case same(old: Int, new: Int)
        case removed(old: Int)
        case added(new: Int)
    }

    static func unified(from old: String, to new: String, path: String) -> String {
        let a = lines(old)
        let b = lines(new)
        return unified(script(a, b), old: { String(a[$0]) }, new: { String(b[$0]) }, headers: (path, path))
    }

    /// The hunks of `steps` under `--- headers.old` and `+++ headers.new`, each line given by `old` or `new` from
    /// its index (a line both sides share is shown as the old side has it); "" when nothing changed.
    static func unified(
        _ steps: [Step], old a: (Int) -> String, new b: (Int) -> String, headers: (old: String, new: String)
    ) -> String {
        let hunks = hunkRanges(steps)
        guard !hunks.isEmpty else { return "" }
        var out = ["--- \(headers.old)", "+++ \(headers.new)"]
        for range in hunks {
            let slice = steps[range]
            let oldLines = slice.compactMap { step -> Int? in
                switch step {
                case .same(let o, _), .removed(let o): o
                case .added: nil
                }
            }
            let newLines = slice.compactMap { step -> Int? in
                switch step {
                case .same(_, let n), .added(let n): n
                case .removed: nil
                }
            }
            let oldStart = oldLines.first.map { $0 + 1 } ?? startBefore(slice.first!, in: steps, old: true)
            let newStart = newLines.first.map { $0 + 1 } ?? startBefore(slice.first!, in: steps, old: false)
            out.append("@@ -\(oldStart),\(oldLines.count) +\(newStart),\(newLines.count) @@")
            for step in slice {
                switch step {
                case .same(let o, _): out.append(" " + a(o))
                case .removed(let o): out.append("-" + a(o))
                case .added(let n): out.append("+" + b(n))
                }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The edit script from `a` to `b`.
    static func script(_ a: [Substring], _ b: [Substring]) -> [Step] {
        script(oldCount: a.count, newCount: b.count) { a[$0] == b[$1] }
    }

    /// The edit script between `oldCount` and `newCount` lines where `same(i, j)` says old line i and new line j
    /// are the same: common prefix and suffix as they are, Myers in between.
    static func script(oldCount: Int, newCount: Int, same: (Int, Int) -> Bool) -> [Step] {
        var prefix = 0
        while prefix < oldCount && prefix < newCount && same(prefix, prefix) { prefix += 1 }
        var suffix = 0
        while suffix < oldCount - prefix && suffix < newCount - prefix
            && same(oldCount - 1 - suffix, newCount - 1 - suffix)
        {
            suffix += 1
        }
        var steps = (0..<prefix).map { Step.same(old: $0, new: $0) }
        let n = oldCount - prefix - suffix
        let m = newCount - prefix - suffix
        let middle =
            myers(n, m, same: { same($0 + prefix, $1 + prefix) })
            ?? ((0..<n).map { .removed(old: $0) } + (0..<m).map { .added(new: $0) })
        steps += middle.map { step in
            switch step {
            case .same(let o, let n): .same(old: o + prefix, new: n + prefix)
            case .removed(let o): .removed(old: o + prefix)
            case .added(let n): .added(new: n + prefix)
            }
        }
        steps += (0..<suffix).map { .same(old: oldCount - suffix + $0, new: newCount - suffix + $0) }
        return steps
    }

    /// Myers' O(ND) algorithm; keeps only the diagonals reached at each distance, so memory is O(D²). Nil past
    /// ``maxEditDistance``.
    private static func myers(_ n: Int, _ m: Int, same: (Int, Int) -> Bool) -> [Step]? {
        if n == 0 || m == 0 {
            return (0..<n).map { .removed(old: $0) } + (0..<m).map { .added(new: $0) }
        }
        let limit = min(n + m, maxEditDistance)
        // frontier[k] is the furthest x reached on diagonal k = x - y; trace[d] is the frontier before step d.
        var frontier: [Int: Int] = [1: 0]
        var trace: [[Int: Int]] = []
        for d in 0...limit {
            trace.append(frontier)
            var reached = [Int: Int]()
            for k in stride(from: -d, through: d, by: 2) {
                let (previousK, previousX) = previous(frontier, k: k, d: d)
                var x = previousK == k + 1 ? previousX : previousX + 1
                var y = x - k
                while x < n && y < m && same(x, y) {
                    x += 1
                    y += 1
                }
                reached[k] = x
                if x >= n && y >= m { return backtrack(trace, n: n, m: m) }
            }
            frontier = reached
        }
        return nil
    }

    /// The diagonal a step-`d` path on diagonal `k` came from (k+1: an insertion, k-1: a deletion) and its x there.
    private static func previous(_ v: [Int: Int], k: Int, d: Int) -> (k: Int, x: Int) {
        let down = k == -d || (k != d && v[k - 1, default: -1] < v[k + 1, default: -1])
        return down ? (k + 1, v[k + 1, default: 0]) : (k - 1, v[k - 1, default: 0])
    }

    private static func backtrack(_ trace: [[Int: Int]], n: Int, m: Int) -> [Step] {
        var steps: [Step] = []
        var x = n
        var y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let k = x - y
            guard d > 0 else {
                while x > 0 && y > 0 {
                    steps.append(.same(old: x - 1, new: y - 1))
                    x -= 1
                    y -= 1
                }
                break
            }
            let (previousK, previousX) = previous(trace[d], k: k, d: d)
            let previousY = previousX - previousK
            let inserted = previousK == k + 1
            let snakeStart = inserted ? previousX : previousX + 1
            while x > snakeStart {
                steps.append(.same(old: x - 1, new: y - 1))
                x -= 1
                y -= 1
            }
            steps.append(inserted ? .added(new: previousY) : .removed(old: previousX))
            x = previousX
            y = previousY
        }
        return steps.reversed()
    }

    /// Ranges of steps to show: each change with up to ``context`` unchanged lines around it, close ones merged.
    private static func hunkRanges(_ steps: [Step]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        for (index, step) in steps.enumerated() {
            if case .same = step { continue }
            let lower = max(0, index - context)
            let upper = min(steps.count, index + context + 1)
            if let last = ranges.last, lower <= last.upperBound {
                ranges[ranges.count - 1] = last.lowerBound..<max(last.upperBound, upper)
            } else {
                ranges.append(lower..<upper)
            }
        }
        return ranges
    }

    /// The 1-based line a hunk with no lines on one side starts after (unified diff convention for empty sides).
    private static func startBefore(_ first: Step, in steps: [Step], old: Bool) -> Int {
        guard let index = steps.firstIndex(of: first) else { return 0 }
        return steps[..<index].reduce(0) { count, step in
            switch step {
            case .same: count + 1
            case .removed: old ? count + 1 : count
            case .added: old ? count : count + 1
            }
        }
    }

    private static func lines(_ text: String) -> [Substring] {
        if text.isEmpty { return [] }
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false)
        if text.hasSuffix("\n") { parts.removeLast() }
        return parts
    }
}
