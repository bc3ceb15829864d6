import Foundation
import Synchronization

/// The time the schema `pattern` checks of one line may take together, and the Ctrl-C that stops them.
///
/// A tool's schema comes from its server, and a pattern such as `^(a+)+$` backtracks exponentially: against 28
/// letters and a digit ICU works for seconds per value, and NSRegularExpression has no timeout. The choice made
/// here: keep ICU (JSON Schema patterns are ECMA-262-like, which a backtracking-free engine would not all
/// accept), but match through `enumerateMatches` with `.reportProgress`, whose block ICU calls every few
/// milliseconds *during* a match, and stop there once the line's budget (``defaultLimit``) is spent or Ctrl-C
/// came. A check stopped for time is skipped with a warning (the value is sent unchecked, as for a pattern ICU
/// cannot compile); one stopped by Ctrl-C refuses the line. Once the budget is spent the remaining patterns of the
/// line are not tried at all, so twenty array items cost one budget, not twenty.
public final class PatternBudget: Sendable {
    /// What all the pattern checks of one line may take.
    public static let defaultLimit: Duration = .milliseconds(250)

    /// The budget of the line being resolved; ``ArgumentResolver`` makes one when no caller has.
    @TaskLocal static var current: PatternBudget?

    /// How a check ended.
    enum Outcome: Equatable {
        case matched, mismatched
        /// Not decided: the budget ran out (now or before).
        case overBudget
        /// Not decided: Ctrl-C.
        case interrupted
    }

    private struct State {
        var spent: Duration = .zero
        var interrupted = false
    }

    public let limit: Duration
    private let state = Mutex(State())

    public init(limit: Duration = defaultLimit) {
        self.limit = limit
    }

    /// Ctrl-C: the check running now stops at its next progress report and no other starts.
    public func interrupt() {
        state.withLock { $0.interrupted = true }
    }

    /// Whether Ctrl-C stopped a check.
    public var wasInterrupted: Bool { state.withLock { $0.interrupted } }

    /// Whether `text` matches `expression` somewhere, within what is left of the budget.
    func matches(_ expression: NSRegularExpression, in text: String) -> Outcome {
        let (spentBefore, interrupted) = state.withLock { ($0.spent, $0.interrupted) }
        if interrupted { return .interrupted }
        if spentBefore >= limit { return .overBudget }
        let started = ContinuousClock.now
        let deadline = started + (limit - spentBefore)
        var outcome = Outcome.mismatched
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        expression.enumerateMatches(in: text, options: [.reportProgress], range: range) { match, _, stop in
            if match != nil {
                outcome = .matched
                stop.pointee = true
            } else if self.state.withLock({ $0.interrupted }) {
                outcome = .interrupted
                stop.pointee = true
            } else if ContinuousClock.now >= deadline {
                outcome = .overBudget
                stop.pointee = true
            }
        }
        let elapsed = ContinuousClock.now - started
        state.withLock { state in
            state.spent += elapsed
            if outcome == .overBudget { state.spent = max(state.spent, limit) }
        }
        return outcome
    }

    /// `250 ms`.
    var limitText: String {
        "\(limit.components.seconds * 1000 + limit.components.attoseconds / 1_000_000_000_000_000) ms"
    }
}
