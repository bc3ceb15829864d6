import BayshCore
import Foundation
import MCP
import Synchronization

/// A fake AgentBay API on 127.0.0.1 for tests and the benchmark: real HTTP/1.1 with keep-alive, the real envelope,
/// JSON-in-string fields, query+form parameter merging, the `Authorization` form field check, session status
/// transitions on delete, pause and resume, idle release (``FakeOptions/idleTimeout`` or the create-time `Timeout`)
/// and max runtime, ListSession paging and label filters, the LinkUrl and VPC tool routes, and tool calls run
/// by a pluggable ``FakeToolExecutor``. Faults (``FakeFaults``) are injected on demand; counters record requests
/// per action, TCP connections and tool executions, so tests can prove retries and the absence of duplicates.
public final class AgentBayFake: Sendable {
    /// The key the fake accepts unless told otherwise.
    public static let defaultAPIKey = "akm-fake0000-1111-2222-3333-444455556666"

    /// The key requests must carry as `Authorization=Bearer <key>`.
    public let apiKey: String
    let backend: FakeBackend
    private let server: LoopbackHTTPServer

    public init(
        apiKey: String = AgentBayFake.defaultAPIKey, executor: FakeToolExecutor = .testTools,
        options: FakeOptions = FakeOptions(), seed: UInt64 = 1
    ) {
        self.apiKey = apiKey
        let backend = FakeBackend(apiKey: apiKey, executor: executor, options: options, seed: seed)
        self.backend = backend
        self.server = LoopbackHTTPServer(
            handler: { await backend.handle($0) }, dropBeforeReading: { backend.takeDropBeforeReading() })
    }

    /// Starts listening on an ephemeral port (or `port`).
    public func start(port: UInt16 = 0) throws {
        try server.start(port: port)
        backend.setPort(Int(server.port))
    }

    /// Stops listening and closes every connection.
    public func stop() { server.stop() }

    /// The port it listens on (after ``start(port:)``).
    public var port: Int { Int(server.port) }

    /// `http://127.0.0.1:PORT`, for `AGENTBAY_ENDPOINT`.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Refuse connections (nothing listens on the port) until ``resumeListening()``.
    public func stopListening() { server.stopListening() }

    /// Listen again on the same port.
    public func resumeListening() throws { try server.resumeListening() }

    /// Close the open connections (clients must reconnect).
    public func dropConnections() { server.dropConnections() }

    /// TCP connections accepted since start.
    public var connectionsAccepted: Int { server.connectionsAccepted }

    /// The faults in force; set to change them.
    public var faults: FakeFaults {
        get { backend.state.withLock { $0.faults } }
        set { backend.state.withLock { $0.faults = newValue } }
    }

    /// The answer variants in force; set to change them.
    public var options: FakeOptions {
        get { backend.state.withLock { $0.options } }
        set { backend.state.withLock { $0.options = newValue } }
    }

    /// Requests read for an operation (`CallMcpTool`, `callTool.link`, `callTool.vpc`), faulted ones included.
    public func requests(_ operation: String) -> Int { backend.state.withLock { $0.requestCounts[operation] ?? 0 } }

    /// Requests read in all.
    public var totalRequests: Int { backend.state.withLock { $0.requestCounts.values.reduce(0, +) } }

    /// Connections closed by ``FakeFaults/dropBeforeReadingNext``.
    public var droppedBeforeReading: Int { backend.state.withLock { $0.droppedBeforeReading } }

    /// Times the executor ran `tool` with arguments whose JSON text contains `marker` (any route).
    public func executions(tool: String, argumentsContaining marker: String) -> Int {
        backend.state.withLock { state in
            state.executions.filter { $0.key.tool == tool && $0.key.arguments.contains(marker) }.values.reduce(0, +)
        }
    }

    /// Tool executions in all.
    public var totalExecutions: Int { backend.state.withLock { $0.executions.values.reduce(0, +) } }

    /// The merged query+form parameters of the last request for `action`.
    public func lastParameters(_ action: String) -> [String: String]? {
        backend.state.withLock { $0.lastRequests[action]?.parameters }
    }

    /// The query parameters alone of the last request for `action`.
    public func lastQuery(_ action: String) -> [String: String]? {
        backend.state.withLock { $0.lastRequests[action]?.query }
    }

    /// The headers (lower-case names) of the last request for an operation.
    public func lastHeaders(_ operation: String) -> [String: String]? {
        backend.state.withLock { $0.lastRequests[operation]?.headers }
    }

    /// A session's status (`RUNNING`, `PAUSED`, `DELETING`, `FINISH`, …), or nil once it is gone.
    public func status(ofSession id: String) -> String? { backend.reaped { $0.sessions[id]?.status } }

    /// A session's labels, or nil once it is gone.
    public func labels(ofSession id: String) -> [String: String]? {
        backend.reaped { $0.sessions[id]?.labels }
    }

    /// The ids of the sessions that exist, oldest first.
    public var sessionIds: [String] {
        backend.reaped { $0.sessions.values.sorted { $0.order < $1.order }.map(\.id) }
    }

    /// Why the fake released a session by itself (`idle timeout`, `max runtime`), or nil if it did not.
    public func releaseReason(ofSession id: String) -> String? { backend.reaped { $0.released[id] } }

    /// The idle release of a session (the create-time `Timeout`, else ``FakeOptions/idleTimeout``).
    public func idleTimeout(ofSession id: String) -> Duration? { backend.reaped { $0.sessions[id]?.idleTimeout } }

    /// The max runtime of a session (the create-time `MaxRuntime`, in minutes).
    public func maxRuntime(ofSession id: String) -> Duration? { backend.reaped { $0.sessions[id]?.maxRuntime } }

    /// Deletes a session behind the client's back, as another program or the console would.
    public func removeSession(_ id: String) { backend.state.withLock { _ = $0.sessions.removeValue(forKey: id) } }

    /// Adds a running session directly (for attach and paging tests); returns its id.
    @discardableResult
    public func addSession(imageId: String = "linux_latest", labels: [String: String] = [:]) -> String {
        backend.state.withLock { $0.newSession(imageId: imageId, labels: labels).id }
    }
}

/// One session the fake holds.
struct FakeSession: Sendable {
    var id: String
    var imageId: String
    var labels: [String: String]
    var status = "RUNNING"
    var deletingPollsLeft = 0
    var token: String
    var vpc: Bool
    var order: Int
    var contextPolls = 0
    /// Released after this long without activity (calls, refreshes); nil: never.
    var idleTimeout: Duration?
    /// Released this long after creation; nil: never.
    var maxRuntime: Duration?
    var createdAt = ContinuousClock.now
    var lastActivity = ContinuousClock.now
    /// GetSession/GetSessionDetail polls that still show `PAUSING`/`RESUMING`.
    var transitionPollsLeft = 0
}

/// A request as recorded for inspection.
struct RecordedRequest: Sendable {
    var parameters: [String: String]
    var query: [String: String]
    var headers: [String: String]
}

/// Everything mutable in the fake, behind one lock.
struct FakeState: Sendable {
    var sessions: [String: FakeSession] = [:]
    var created = 0
    var faults = FakeFaults()
    var options: FakeOptions
    var capacity = FakeCapacity()
    var capacityCounters = FakeCapacityCounters()
    var generator: SeededGenerator
    var requestCounts: [String: Int] = [:]
    var executions: [ExecutionKey: Int] = [:]
    var lastRequests: [String: RecordedRequest] = [:]
    var droppedBeforeReading = 0
    var serial = 0
    var port = 0
    /// Sessions the fake released by itself, and why.
    var released: [String: String] = [:]

    struct ExecutionKey: Hashable, Sendable {
        var tool: String
        var arguments: String
    }

    mutating func newSession(imageId: String, labels: [String: String]) -> FakeSession {
        created += 1
        let session = FakeSession(
            id: "session-" + generator.letters(17), imageId: imageId, labels: labels,
            token: "tok-" + generator.letters(24), vpc: options.vpcSessions, order: created,
            idleTimeout: options.idleTimeout)
        sessions[session.id] = session
        return session
    }

    /// Releases the sessions whose idle timeout (running ones only: a paused session is not idle) or max runtime
    /// has passed. Run before every request and inspection, so releases happen exactly when they are due.
    mutating func reap(now: ContinuousClock.Instant = .now) {
        for (id, session) in sessions {
            var reason: String?
            if let cap = session.maxRuntime, now - session.createdAt >= cap {
                reason = "max runtime"
            } else if let idle = session.idleTimeout, session.status == "RUNNING", now - session.lastActivity >= idle {
                reason = "idle timeout"
            }
            if let reason {
                sessions[id] = nil
                released[id] = reason
            }
        }
    }

    /// Moves a pausing or resuming session one poll further: it shows the transition for the configured polls,
    /// then its final state. A resumed session's idle timer starts again.
    mutating func advanceTransition(_ id: String) {
        guard var session = sessions[id], ["PAUSING", "RESUMING"].contains(session.status) else { return }
        if session.transitionPollsLeft > 0 {
            session.transitionPollsLeft -= 1
        } else if session.status == "PAUSING" {
            session.status = "PAUSED"
        } else {
            session.status = "RUNNING"
            session.lastActivity = .now
        }
        sessions[id] = session
    }

    mutating func nextRequestId() -> String {
        serial += 1
        return String(format: "FAKE-%06d-", serial) + generator.letters(8).uppercased()
    }
}
