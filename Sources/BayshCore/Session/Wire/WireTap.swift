import Foundation
import MCP
import Synchronization

/// Where a session's transports show their protocol messages for `:wire`: JSON-RPC lines of an MCP connection,
/// HTTP requests and answers of AgentBay.
///
/// Off, a transport pays one relaxed atomic load per message (``isOn``) and nothing else: the MCP stdio call path is
/// measured in microseconds. On, each message becomes one line for the sink: direction, size, time, and the text
/// with known secrets masked, cut after ``previewCharacters``.
public final class WireTap: Sendable {
    /// Which way a message went.
    public enum Direction: Sendable {
        case sent, received

        var arrow: String { self == .sent ? "→" : "←" }
    }

    private struct State {
        var sink: (@Sendable (String) -> Void)?
        var startedAt = ContinuousClock.now
        /// When each JSON-RPC request still unanswered was sent, by its id's JSON text.
        var pending: [String: ContinuousClock.Instant] = [:]
    }

    private let enabled = Atomic(false)
    private let state = Mutex(State())

    /// How much of a message a line shows.
    public static let previewCharacters = 500
    /// Messages bigger than this are not parsed for their id (their answer then shows no round-trip time).
    static let largestParsed = 1 << 20

    public init() {}

    /// Whether messages are being shown: the one check a transport makes per message.
    @inline(__always) public var isOn: Bool { enabled.load(ordering: .relaxed) }

    /// Starts handing lines to `sink`.
    public func start(_ sink: @escaping @Sendable (String) -> Void) {
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
    public func message(_ direction: Direction, _ bytes: Data) {
        guard isOn else { return }
        let now = ContinuousClock.now
        let id = bytes.count <= Self.largestParsed ? Self.requestId(bytes) : nil
        let line: String? = state.withLock { state in
            let timing: String
            if direction == .received, let id, let sent = state.pending.removeValue(forKey: id) {
                timing = "after \(Self.milliseconds(now - sent))"
            } else {
                timing = "at +\(Self.milliseconds(now - state.startedAt))"
                if direction == .sent, let id { state.pending[id] = now }
            }
            guard state.sink != nil else { return nil }
            return Self.line(direction, size: bytes.count, timing: timing, text: String(decoding: bytes, as: UTF8.self))
        }
        if let line { deliver(line) }
    }

    /// One HTTP exchange: the request (`POST https://…` and its body) and its answer (`HTTP 200` and its body, or
    /// why there was none), with the time it took.
    public func exchange(request target: String, body: Data, answer: Data?, status: String, elapsed: Duration) {
        guard isOn else { return }
        let sent = Self.line(
            .sent, size: body.count, timing: "", text: target + (body.isEmpty ? "" : " " + Self.text(body)))
        let received = Self.line(
            .received, size: answer?.count ?? 0, timing: "after \(Self.milliseconds(elapsed))",
            text: status + (answer.map { " " + Self.text($0) } ?? ""))
        deliver(sent)
        deliver(received)
    }

    private func deliver(_ line: String) {
        guard let sink = state.withLock({ $0.sink }) else { return }
        sink(Redactor.shared.redact(line))
    }

    /// `→ 245 B at +12.3 ms  {"jsonrpc":"2.0",…}`, cut with the full size shown.
    static func line(_ direction: Direction, size: Int, timing: String, text: String) -> String {
        var shown = text.replacingOccurrences(of: "\n", with: "\\n")
        if shown.count > previewCharacters {
            shown = String(shown.prefix(previewCharacters)) + "… (cut; \(TruncationLimits.size(size)) in all)"
        }
        let head = "\(direction.arrow) \(TruncationLimits.size(size))" + (timing.isEmpty ? "" : " \(timing)")
        return head + "  " + shown
    }

    private static func text(_ data: Data) -> String {
        String(decoding: data.prefix(previewCharacters * 4), as: UTF8.self)
    }

    private static func milliseconds(_ duration: Duration) -> String {
        String(format: "%.1f ms", duration.inSeconds * 1000)
    }

    /// The `"id"` of a JSON-RPC request or answer, as JSON text (`7`, `"a"`); nil for notifications.
    private static func requestId(_ bytes: Data) -> String? {
        guard case .success(.object(let members)) = JSONText.parse(bytes: Array(bytes)), let id = members["id"]
        else { return nil }
        return JSONText.encode(id)
    }
}
