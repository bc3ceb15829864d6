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
/// Lines are shown as the transcript writes them (stderr lines behind `! `). A recorded line counts as unchanged
/// when it matches by ``OutputMatcher`` rules (a `...` line stands for one line here), so lines masked with `...`
/// appear only when they really differ. With masks, printed lines are shown masked, as a recording (and
/// `--update`) writes them, and a placeholder line counts as unchanged when the value it stands for is there.
public struct UnifiedDiff: Sendable {
    public let expected: [OutputLine]
    /// The printed lines, masked when there are masks.
    public let actual: [OutputLine]
    private let comparison: OutputComparison

    /// Trailing blank lines are left out on both sides, as the check ignores them.
    public init(expected: [OutputLine], actual: [OutputLine], masks: OutputMasks? = nil) {
        comparison = OutputComparison(expected: expected, actual: actual, masks: masks)
        self.expected = comparison.pattern
        self.actual = comparison.recordedForm
    }

    /// The diff under `---`/`+++` headers naming `file` and the command's line; "" when nothing differs.
    public func render(file: String, line: Int) -> String {
        LineDiff.unified(
            steps, old: { Self.display(expected[$0]) }, new: { Self.display(actual[$0]) },
            headers: ("\(file):\(line) (recorded)", "\(file):\(line) (replayed)"))
    }

    /// The edit script from the recorded lines to the printed ones.
    var steps: [LineDiff.Step] {
        LineDiff.script(oldCount: expected.count, newCount: actual.count) { [comparison] e, a in
            OutputMatcher.isLineEllipsis(expected[e]) || comparison.lineMatches(e, a)
        }
    }

    private static func display(_ line: OutputLine) -> String {
        line.isError ? TranscriptSyntax.errorLine(line.text) : line.text
    }
}
