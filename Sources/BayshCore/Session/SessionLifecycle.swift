import Foundation

/// How long a session lives and what keeps it alive, as baysh knows it without asking the backend: the shell's
/// `:session`, `:status` and end-of-session notice read this, whatever the backend.
public struct SessionLifecycle: Sendable, Equatable {
    /// False for a backend that has no session lifecycle at all (an MCP server lives as long as its connection).
    public var applies: Bool
    /// Released after this long without activity; nil when the backend never releases an idle session.
    public var idleTimeout: Duration?
    /// True when ``idleTimeout`` is the server's default that baysh assumes, not a value it asked for.
    public var idleTimeoutAssumed: Bool
    /// Ended this long after creation whatever happens; nil when unlimited or unknown.
    public var maxRuntime: Duration?
    /// How often baysh refreshes the idle timer in the background; nil when keep-alive is off or not needed.
    public var keepAlivePeriod: Duration?
    /// Why keep-alive is off, when the backend has an idle release and keep-alive is off (`--no-keepalive`).
    public var keepAliveOffReason: String?
    /// When baysh created (``createdByBaysh``) or attached to the session.
    public var openedAt: Date
    /// True when ``openedAt`` is the creation time, so ``maxRuntime`` counts from it.
    public var createdByBaysh: Bool
    /// The last request the backend counts as activity (a tool call or a keep-alive refresh).
    public var lastActivity: Date?
    /// The last tool call baysh made.
    public var lastCall: Date?
    /// The last keep-alive refresh that succeeded.
    public var lastRefresh: Date?
    /// Why the latest keep-alive refresh failed (it is tried again); nil after a success.
    public var refreshProblem: String?
    /// Set once the backend found the session gone (released, deleted elsewhere): why.
    public var goneReason: String?
    /// True while the session is paused (or pausing) as far as baysh knows.
    public var paused: Bool

    public init(
        applies: Bool, idleTimeout: Duration? = nil, idleTimeoutAssumed: Bool = false, maxRuntime: Duration? = nil,
        keepAlivePeriod: Duration? = nil, keepAliveOffReason: String? = nil, openedAt: Date = Date(),
        createdByBaysh: Bool = false, lastActivity: Date? = nil, lastCall: Date? = nil, lastRefresh: Date? = nil,
        refreshProblem: String? = nil, goneReason: String? = nil, paused: Bool = false
    ) {
        self.applies = applies
        self.idleTimeout = idleTimeout
        self.idleTimeoutAssumed = idleTimeoutAssumed
        self.maxRuntime = maxRuntime
        self.keepAlivePeriod = keepAlivePeriod
        self.keepAliveOffReason = keepAliveOffReason
        self.openedAt = openedAt
        self.createdByBaysh = createdByBaysh
        self.lastActivity = lastActivity
        self.lastCall = lastCall
        self.lastRefresh = lastRefresh
        self.refreshProblem = refreshProblem
        self.goneReason = goneReason
        self.paused = paused
    }

    /// The lifecycle of a backend that has none.
    public static let notApplicable = SessionLifecycle(applies: false)

    /// When the session will end by itself if nothing changes, and what ends it; nil when it lasts until deleted.
    public struct Ending: Sendable, Equatable {
        public var at: Date
        /// `the idle release`, `the max runtime`.
        public var cause: String
    }

    /// The earliest of the max runtime (counted from creation) and, without keep-alive, the idle release.
    public func ending() -> Ending? {
        guard applies, goneReason == nil else { return nil }
        var candidates: [Ending] = []
        if let maxRuntime, createdByBaysh {
            candidates.append(Ending(at: openedAt.addingTimeInterval(maxRuntime.inSeconds), cause: "the max runtime"))
        }
        if let idleTimeout, keepAlivePeriod == nil, !paused {
            let from = lastActivity ?? openedAt
            candidates.append(Ending(at: from.addingTimeInterval(idleTimeout.inSeconds), cause: "the idle release"))
        }
        return candidates.min { $0.at < $1.at }
    }
}

/// What get_status says about a session.
public struct SessionStatus: Sendable, Equatable {
    /// The backend's state: `RUNNING`, `PAUSING`, `PAUSED`, `RESUMING`, `DELETING`, `DELETED`, `FINISH`.
    public var state: String
    /// Time since the last tool call (or since baysh opened the session, when there was none).
    public var idleFor: Duration?
    /// Time since the last request the backend counts as activity (a call or a keep-alive refresh).
    public var idleTimerFor: Duration?
    /// The answer's request id, when the backend has one.
    public var requestId: String?

    public init(state: String, idleFor: Duration? = nil, idleTimerFor: Duration? = nil, requestId: String? = nil) {
        self.state = state
        self.idleFor = idleFor
        self.idleTimerFor = idleTimerFor
        self.requestId = requestId
    }

    /// States after which the session never runs again.
    public static let endedStates: Set<String> = ["DELETING", "DELETED", "FINISH"]
    /// States in which the session is paused or on its way in or out of it (no keep-alive is due).
    public static let pausedStates: Set<String> = ["PAUSING", "PAUSED", "RESUMING"]
}

/// Defaults for backends without a lifecycle: nothing to report, pause, resume or renew.
extension Session {
    public var lifecycle: SessionLifecycle { .notApplicable }

    public func status() async throws -> SessionStatus {
        throw SessionError.unsupported(
            operation: "status", backend: descriptor.backend,
            reason: "it has no session state to report: it lives as long as baysh's connection to it")
    }

    public func pause() async throws -> SessionStatus {
        throw SessionError.unsupported(
            operation: "pause", backend: descriptor.backend, reason: "only AgentBay sessions can be paused")
    }

    public func resume() async throws -> SessionStatus {
        throw SessionError.unsupported(
            operation: "resume", backend: descriptor.backend, reason: "only AgentBay sessions can be paused")
    }

    public func openSuccessor() async throws -> any Session {
        throw SessionError.unsupported(
            operation: "new", backend: descriptor.backend,
            reason: "baysh opens a fresh session only for AgentBay; restart baysh for another one")
    }
}

extension Duration {
    /// Time from `start` to `end` as a Duration (never negative).
    static func between(_ start: Date, _ end: Date) -> Duration {
        .milliseconds(Int64(max(0, end.timeIntervalSince(start)) * 1000))
    }
}
