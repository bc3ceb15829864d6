/// How often and how patiently a request that failed for a passing reason (throttling, a busy server) is sent again:
/// exponential backoff with "equal jitter" (half the wait fixed, half random), so many clients turned away at once
/// do not come back in step. Which failures qualify is the caller's rule; this only counts and waits.
public struct RetryBackoff: Sendable, Equatable {
    /// Attempts in all, the first included (1 = never retry).
    public var maxAttempts: Int
    /// Wait before the second attempt; doubles each time.
    public var baseDelay: Duration
    /// Longest wait between attempts.
    public var maxDelay: Duration

    public init(maxAttempts: Int, baseDelay: Duration, maxDelay: Duration) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// One attempt only.
    public static let never = RetryBackoff(maxAttempts: 1, baseDelay: .zero, maxDelay: .zero)

    /// The wait before attempt `attempt + 1`.
    public func delay(afterAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let exponent = min(max(attempt - 1, 0), 20)
        let full = min(baseDelay * (1 << exponent), maxDelay)
        let half = full / 2
        let jitterNanoseconds = Int64(half.seconds * 1e9)
        guard jitterNanoseconds > 0 else { return full }
        return half + .nanoseconds(Int64.random(in: 0...jitterNanoseconds, using: &generator))
    }
}
