import BayshCore
import Foundation
import MCP
import Synchronization

/// A fake AgentBay API on 127.0.0.1 for tests and the benchmark: real HTTP/1.1 with keep-alive, the real envelope,
/// JSON-in-string fields, query+form parameter merging, the `Authorization` form field check, session status
/// transitions on delete, ListSession paging and label filters, the LinkUrl and VPC tool routes, and tool calls run
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

    /// A session's status (`RUNNING`, `DELETING`, `FINISH`), or nil once it is gone.
    public func status(ofSession id: String) -> String? { backend.state.withLock { $0.sessions[id]?.status } }

    /// A session's labels, or nil once it is gone.
    public func labels(ofSession id: String) -> [String: String]? {
        backend.state.withLock { $0.sessions[id]?.labels }
    }

    /// The ids of the sessions that exist, oldest first.
    public var sessionIds: [String] {
        backend.state.withLock { $0.sessions.values.sorted { $0.order < $1.order }.map(\.id) }
    }

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

    struct ExecutionKey: Hashable, Sendable {
        var tool: String
        var arguments: String
    }

    mutating func newSession(imageId: String, labels: [String: String]) -> FakeSession {
        created += 1
        let session = FakeSession(
            id: "session-" + generator.letters(17), imageId: imageId, labels: labels,
            token: "tok-" + generator.letters(24), vpc: options.vpcSessions, order: created)
        sessions[session.id] = session
        return session
    }

    mutating func nextRequestId() -> String {
        serial += 1
        return String(format: "FAKE-%06d-", serial) + generator.letters(8).uppercased()
    }
}
