import Foundation
import MCP
import Synchronization

/// How a 2026-07-28 server's list changes reach baysh: `subscriptions/listen`, a request whose answer stays open as
/// a stream of `notifications/*/list_changed` (SEP-2575; `mcp/server/subscriptions.py` in the Python package). In
/// the handshake era none of this is needed: servers send those notifications on the connection itself.
///
/// The stream is opened once the server is discovered, for the lists whose capabilities say `listChanged`; its
/// notifications reach ``ServerTalk`` like any other message. The server may end it (shutting down, or a client
/// that read too slowly) and an HTTP connection may drop; there is no replay, so every list is then treated as
/// changed (fetched again) and the stream is opened again, after 0.5 s doubling up to 30 s. An error answer means
/// the server does not serve it, which is final and shown by `:session`.
final class ListSubscription: Sendable {
    /// The lists the stream asks about.
    let lists: [ServerList]

    private struct State {
        var task: Task<Void, Never>?
        /// The id of the listen request in flight, to abandon it on ``stop()``.
        var current: ID?
        var stopped = false
        var status: String
    }

    private let state: Mutex<State>

    /// How long a stream must have lived for its end to count as news rather than a failure to open it.
    static let settled: Duration = .seconds(30)
    /// How many short-lived streams in a row end the attempts: a server that keeps dropping it is not listening.
    static let attempts = 6

    /// The lists `capabilities` say can change (`listChanged`).
    static func changeable(in capabilities: Server.Capabilities) -> [ServerList] {
        var lists: [ServerList] = []
        if capabilities.tools?.listChanged == true { lists.append(.tools) }
        if capabilities.prompts?.listChanged == true { lists.append(.prompts) }
        if capabilities.resources?.listChanged == true { lists.append(.resources) }
        return lists
    }

    /// A subscription for the lists `capabilities` say can change; nil when none can.
    init?(capabilities: Server.Capabilities) {
        let lists = Self.changeable(in: capabilities)
        guard !lists.isEmpty else { return nil }
        self.lists = lists
        state = Mutex(State(status: Self.listening(lists)))
    }

    private static func listening(_ lists: [ServerList]) -> String {
        "subscriptions/listen (\(lists.map(\.rawValue).joined(separator: ", ")))"
    }

    /// What `:session` shows: which lists are listened to, or why not.
    var status: String { state.withLock { $0.status } }

    /// The `subscriptions/listen` request with id `id`.
    func request(id: String) -> Data {
        let wanted = Dictionary(uniqueKeysWithValues: lists.map { ("\($0.rawValue)ListChanged", Value.bool(true)) })
        let params: Value = ["_meta": .object(ServerDiscovery.meta), "notifications": .object(wanted)]
        return MCPSession.request(id: id, method: "subscriptions/listen", params: params)
    }

    /// Opens the stream on `connection` and keeps it open until ``stop()``; `missed` runs for every list when a
    /// stream ends, since changes may have gone unheard.
    func start(on connection: MCPConnection, missed: @escaping @Sendable (ServerList) -> Void) {
        let task = Task { [lists] in
            var delay = Duration.milliseconds(500)
            var round = 0
            var failures = 0
            while true {
                round += 1
                let idText = "baysh-listen-\(round)"
                let id = ID.string(idText)
                let proceed = state.withLock { state -> Bool in
                    guard !state.stopped else { return false }
                    state.current = id
                    state.status = Self.listening(lists)
                    return true
                }
                guard proceed else { return }
                let request = request(id: idText)
                let opened = ContinuousClock.now
                let outcome: Result<Value, Swift.Error>
                do {
                    outcome = .success(
                        try await connection.router.response(
                            to: id, answerArrivesDuringSend: connection.answersArriveDuringSend
                        ) { try await connection.sendCall(request, id: id) })
                } catch {
                    outcome = .failure(error)
                }
                if state.withLock({ $0.stopped }) || connection.brokenReason != nil { return }
                if case .success(.object(let members)) = outcome, let error = JSONRPCErrorAnswer(answer: members) {
                    state.withLock { $0.status = "refused by the server: \(error.text); lists are fetched on use" }
                    return
                }
                let why: String
                switch outcome {
                case .success: why = "the server ended the stream"
                case .failure(let error): why = Redactor.shared.redact("\(error)")
                }
                lists.forEach(missed)
                if ContinuousClock.now - opened > Self.settled {
                    delay = .milliseconds(500)
                    failures = 0
                } else {
                    failures += 1
                }
                guard failures < Self.attempts else {
                    state.withLock { $0.status = "given up after \(Self.attempts) tries (\(why)); use :reconnect" }
                    return
                }
                state.withLock { $0.status = "reopening subscriptions/listen (\(why))" }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(30))
            }
        }
        state.withLock { $0.task = task }
    }

    /// Ends the stream (closing it over HTTP) and stops opening it again.
    func stop(router: ResponseRouter) {
        let (task, current) = state.withLock { state in
            state.stopped = true
            state.status = "closed"
            return (state.task, state.current)
        }
        if let current { router.abandon(current, with: CancellationError()) }
        task?.cancel()
    }
}
