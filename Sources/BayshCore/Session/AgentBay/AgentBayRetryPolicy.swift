import Foundation

/// When and how often the client sends a request again.
///
/// Throttling (`Throttling*` codes, HTTP 429) is retried for every action, tool calls included: the gateway refuses
/// a throttled request before it runs, so sending it again cannot run anything twice. HTTP 5xx and broken
/// connections are retried for read-only actions only, since a mutating request may have run before the failure;
/// the one exception is a connection that could not be made at all, retried for every action because the request
/// was never written. Nothing is retried after a timeout: the user asked for that limit.
public struct AgentBayRetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included (1 = never retry).
    public var maxAttempts: Int
    /// Wait before the second attempt; doubles each time.
    public var baseDelay: Duration
    /// Longest wait between attempts.
    public var maxDelay: Duration

    public init(maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(250), maxDelay: Duration = .seconds(4)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// Four attempts, 250 ms doubling up to 4 s.
    public static let standard = AgentBayRetryPolicy()
    /// One attempt only.
    public static let never = AgentBayRetryPolicy(maxAttempts: 1)

    /// The actions that change nothing on the server, so sending them twice is harmless.
    public static let readOnlyActions: Set<String> = [
        "GetSession", "GetSessionDetail", "ListSession", "ListMcpTools", "GetLabel", "GetLink", "GetMcpResource",
        "GetContextInfo",
    ]

    /// The wait before attempt `attempt + 1`: exponential with jitter (see ``RetryBackoff``).
    public func delay(afterAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        RetryBackoff(maxAttempts: maxAttempts, baseDelay: baseDelay, maxDelay: maxDelay)
            .delay(afterAttempt: attempt, using: &generator)
    }

    /// Whether an API error answer is worth another attempt of a read-only action.
    public static func isRetryable(code: String, httpStatus: Int?) -> Bool {
        if isThrottling(code: code, httpStatus: httpStatus) { return true }
        guard let httpStatus else { return false }
        return (500...599).contains(httpStatus)
    }

    /// Whether an error answer says the request was refused for its rate, before it ran.
    public static func isThrottling(code: String, httpStatus: Int?) -> Bool {
        code.hasPrefix("Throttling") || httpStatus == 429
    }

    /// Whether an API error answer is worth another attempt: throttling for any action, server errors only for a
    /// read-only one.
    public static func shouldRetry(code: String, httpStatus: Int?, readOnly: Bool) -> Bool {
        readOnly ? isRetryable(code: code, httpStatus: httpStatus) : isThrottling(code: code, httpStatus: httpStatus)
    }
}
