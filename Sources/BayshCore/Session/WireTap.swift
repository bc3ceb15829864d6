import Foundation
import MCP
import Synchronization

/// Where a session's transports show their protocol messages for `:wire`: JSON-RPC lines of an MCP connection,
/// HTTP requests and answers of AgentBay.
///
/// Off, a transport pays one relaxed atomic load per message (``isOn``) and nothing else: the MCP stdio call path is
/// measured in microseconds. On, each message becomes a ``WireMessage`` for the sink (the shell words and prints it;
/// the terminal writer masks known secrets).
public final class WireTap: Sendable {
    private struct State {
        var sink: (@Sendable (WireMessage) -> Void)?
        var startedAt = ContinuousClock.now
        /// When each JSON-RPC request still unanswered was sent, by its id's JSON text.
        var pending: [String: ContinuousClock.Instant] = [:]
    }

    private let enabled = Atomic(false)
    private let state = Mutex(State())

    /// How many bytes of a message are kept for showing: more than a line shows, far less than a big result.
    public static let keptBytes = 4096
    /// Messages bigger than this are not parsed for their id (their answer then shows no round-trip time).
    static let largestParsed = 1 << 20

    public init() {}

    /// Whether messages are being shown: the one check a transport makes per message.
    @inline(__always) public var isOn: Bool { enabled.load(ordering: .relaxed) }

    /// Starts handing messages to `sink`.
    public func start(_ sink: @escaping @Sendable (WireMessage) -> Void) {
        state.withLock { state in
            state.sink = sink
            state.startedAt = .now
            state.pending = [:]
        }
        enabled.store(true, ordering: .relaxed)
    }

    /// Stops showing messages.
    public func stop() {
        enabled.store(false, ordering: .relaxed)
        state.withLock { $0 = State() }
    }

    /// One JSON-RPC message as it went over the wire. A request's send time is kept so its answer shows the
    /// round trip.
    public func message(_ direction: WireMessage.Direction, _ bytes: Data) {
        guard isOn else { return }
        let now = ContinuousClock.now
        let id = bytes.count <= Self.largestParsed ? Self.requestId(bytes) : nil
        let delivery: (@Sendable (WireMessage) -> Void, WireMessage)? = state.withLock { state in
            guard let sink = state.sink else { return nil }
            var message = WireMessage(direction: direction, bytes: bytes.count, text: Self.text(bytes))
            if direction == .received, let id, let sent = state.pending.removeValue(forKey: id) {
                message.roundTrip = now - sent
            } else {
                message.sinceStart = now - state.startedAt
                if direction == .sent, let id { state.pending[id] = now }
            }
            return (sink, message)
        }
        if let (sink, message) = delivery { sink(message) }
    }

    /// One HTTP exchange: the request (`POST https://…` and its body) and its answer (`HTTP 200` and its body, or
    /// why there was none), with the time it took.
    public func exchange(request target: String, body: Data, answer: Data?, status: String, elapsed: Duration) {
        guard isOn, let (sink, startedAt) = state.withLock({ state in state.sink.map { ($0, state.startedAt) } })
        else { return }
        var sent = WireMessage(
            direction: .sent, bytes: body.count, text: target + (body.isEmpty ? "" : " " + Self.text(body)))
        sent.sinceStart = ContinuousClock.now - elapsed - startedAt
        var received = WireMessage(
            direction: .received, bytes: answer?.count ?? 0,
            text: status + (answer.map { " " + Self.text($0) } ?? ""))
        received.roundTrip = elapsed
        sink(sent)
        sink(received)
    }

    private static func text(_ data: Data) -> String {
        String(decoding: data.prefix(keptBytes), as: UTF8.self)
    }

    /// The `"id"` of a JSON-RPC request or answer, as JSON text (`7`, `"a"`); nil for notifications.
    private static func requestId(_ bytes: Data) -> String? {
        guard case .success(.object(let members)) = JSONText.parse(bytes: Array(bytes)), let id = members["id"]
        else { return nil }
        return JSONText.encode(id)
    }
}

/// One protocol message `:wire` shows.
public struct WireMessage: Sendable {
    /// Which way it went.
    public enum Direction: Sendable {
        case sent, received
    }

    public var direction: Direction
    /// Its whole size in bytes.
    public var bytes: Int
    /// Its start as text (at most ``WireTap/keptBytes`` bytes), unmasked: the printer masks it.
    public var text: String
    /// Since `:wire on`, for a message that answers nothing seen.
    public var sinceStart: Duration?
    /// Since its request was sent, for an answer.
    public var roundTrip: Duration?
}
