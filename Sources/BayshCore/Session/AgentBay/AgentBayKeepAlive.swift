import Foundation
import Logging
import Synchronization

/// The lifecycle settings of an AgentBay session: the create-time `Timeout` (idle release) and `MaxRuntime`, and
/// whether baysh keeps the session alive in the background.
public struct AgentBayLifecycleOptions: Sendable, Equatable {
    /// Idle release asked for at creation (`Timeout`); nil leaves the server's default.
    public var idleTimeout: Duration?
    /// Cap on the session's life asked for at creation (`MaxRuntime`); nil leaves the server's default.
    public var maxRuntime: Duration?
    /// Refresh the idle timer in the background while baysh holds the session (`--no-keepalive` turns it off).
    public var keepAlive: Bool
    /// How pause and resume wait for the final state.
    public var pausePolling: AgentBayPausePolling

    public init(
        idleTimeout: Duration? = nil, maxRuntime: Duration? = nil, keepAlive: Bool = true,
        pausePolling: AgentBayPausePolling = .standard
    ) {
        self.idleTimeout = idleTimeout
        self.maxRuntime = maxRuntime
        self.keepAlive = keepAlive
        self.pausePolling = pausePolling
    }

    /// The idle release AgentBay applies when none is asked for (`LifecyclePolicy.idle_release_timeout`, 5 min).
    public static let serverDefaultIdleTimeout: Duration = .seconds(300)

    /// The idle timeout in force: the one asked for, else the server's default.
    public var effectiveIdleTimeout: Duration { idleTimeout ?? Self.serverDefaultIdleTimeout }

    /// A third of the idle timeout: two refreshes can fail (a slow or throttled request) before the session is
    /// released. Never below half a second, so a tiny timeout cannot turn into a request storm.
    public var keepAlivePeriod: Duration? {
        keepAlive ? max(effectiveIdleTimeout / 3, .milliseconds(500)) : nil
    }
}

/// What baysh knows about one AgentBay session's life, and the background task that keeps it alive.
///
/// The task sends RefreshSessionIdleTime whenever a keep-alive period has passed without activity (a tool call
/// also restarts the server's idle timer, so a busy session needs no refreshes), skips while the session is paused,
/// and stops for good once the session is gone or ``stop()`` is called. It never writes to the terminal: what it
/// finds is read from ``snapshot`` by the shell at the next command.
final class AgentBayKeepAlive: Sendable {
    private struct State {
        var lastActivity: Date
        var lastCall: Date?
        var lastRefresh: Date?
        var refreshProblem: String?
        var goneReason: String?
        var paused = false
        var task: Task<Void, Never>?
        var stopped = false
    }

    let sessionId: String
    let options: AgentBayLifecycleOptions
    let openedAt: Date
    let createdByBaysh: Bool
    private let state: Mutex<State>
    private let client: AgentBayClient
    private let logger: Logger

    init(client: AgentBayClient, sessionId: String, options: AgentBayLifecycleOptions, createdByBaysh: Bool) {
        self.client = client
        self.sessionId = sessionId
        self.options = options
        self.createdByBaysh = createdByBaysh
        self.logger = client.logger
        let now = Date()
        self.openedAt = now
        self.state = Mutex(State(lastActivity: now))
    }

    /// Starts the background refreshes (when keep-alive is on). Called once the session is open.
    func start() {
        guard let period = options.keepAlivePeriod else { return }
        state.withLock { state in
            guard state.task == nil, !state.stopped else { return }
            // The task holds the keeper only while it works, not while it sleeps, so a dropped session ends it.
            state.task = Task { [weak self] in
                while !Task.isCancelled {
                    guard let wait = await self?.step(period: period) else { return }
                    if wait > .zero {
                        do { try await Task.sleep(for: wait) } catch { return }
                    }
                }
            }
        }
    }

    /// Stops the background refreshes for good (close, delete, exit).
    func stop() {
        let task = state.withLock { state -> Task<Void, Never>? in
            state.stopped = true
            defer { state.task = nil }
            return state.task
        }
        task?.cancel()
    }

    /// Refreshes when a period has passed without activity; gives how long to sleep, or nil to stop.
    private func step(period: Duration) async -> Duration? {
        let (due, paused, over) = state.withLock { state in
            (state.lastActivity.addingTimeInterval(period.inSeconds), state.paused,
                state.goneReason != nil || state.stopped)
        }
        if over { return nil }
        if paused { return period }
        let wait = Duration.between(Date(), due)
        if wait > .zero { return wait }
        await refresh(timeout: period)
        return .zero
    }

    /// One refresh. Not found ends the session for good; anything else is retried a third of a period later.
    private func refresh(timeout: Duration) async {
        let started = Date()
        do {
            // A refresh slower than the period is no use: the next one is due by then.
            let limit = min(client.configuration.timeout, max(timeout, .seconds(1)))
            try await client.refreshIdleTime(sessionId, timeouts: .init(connect: limit, read: limit))
            state.withLock { state in
                state.lastActivity = max(state.lastActivity, started)
                state.lastRefresh = started
                state.refreshProblem = nil
            }
            logger.debug("keep-alive refreshed", metadata: ["session": .string(sessionId)])
        } catch SessionError.notFound {
            markGone(AgentBaySession.goneReason(code: "InvalidMcpSession.NotFound") + " (seen by the keep-alive)")
        } catch {
            if Task.isCancelled { return }
            let problem = Redactor.shared.redact("\(error)")
            state.withLock { state in
                state.refreshProblem = problem
                // Try again after a short pause rather than a whole period: the session may be close to its release.
                state.lastActivity = max(state.lastActivity, started.addingTimeInterval(-timeout.inSeconds * 2 / 3))
            }
            logger.debug("keep-alive refresh failed", metadata: ["error": .string(problem)])
        }
    }

    /// A request the server counts as activity was sent (a tool call restarts the idle timer too).
    func noteActivity(call: Bool) {
        let now = Date()
        state.withLock { state in
            state.lastActivity = max(state.lastActivity, now)
            if call { state.lastCall = now }
        }
    }

    /// Records that the session is gone; the first reason wins. Stops the refreshes.
    func markGone(_ reason: String) {
        state.withLock { state in
            if state.goneReason == nil { state.goneReason = reason }
        }
        stop()
    }

    func setPaused(_ paused: Bool) {
        state.withLock { $0.paused = paused }
    }

    var goneReason: String? { state.withLock { $0.goneReason } }
    var isPaused: Bool { state.withLock { $0.paused } }

    /// The session's lifecycle as the shell shows it.
    var snapshot: SessionLifecycle {
        state.withLock { state in
            SessionLifecycle(
                applies: true, idleTimeout: options.effectiveIdleTimeout, idleTimeoutAssumed: options.idleTimeout == nil,
                maxRuntime: options.maxRuntime, keepAlivePeriod: state.goneReason == nil ? options.keepAlivePeriod : nil,
                keepAliveOffReason: options.keepAlive ? nil : "--no-keepalive", openedAt: openedAt,
                createdByBaysh: createdByBaysh, lastActivity: state.lastActivity, lastCall: state.lastCall,
                lastRefresh: state.lastRefresh, refreshProblem: state.refreshProblem, goneReason: state.goneReason,
                paused: state.paused)
        }
    }
}
