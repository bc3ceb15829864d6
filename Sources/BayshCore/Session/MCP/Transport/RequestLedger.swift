import Foundation
import MCP
import Synchronization

/// Counts the requests a server has received and the answers it has sent, so the end of its input can wait for the
/// answers still being worked on: `printf '...' | baysh serve` gets every answer although stdin ends at once.
final class RequestLedger: Sendable {
    private struct Counts {
        var requests = 0
        var answers = 0
        var end: (@Sendable () -> Void)?
    }

    private let counts = Mutex(Counts())

    /// Notes `message` if it is a request (it has both `id` and `method`; notifications and answers have not).
    func received(_ message: Data) {
        if Self.isRequest(message) { counts.withLock { $0.requests += 1 } }
    }

    /// Notes one answer sent (a server only sends answers, and no requests of its own, through this transport).
    func answered() {
        let end = counts.withLock { counts -> (@Sendable () -> Void)? in
            counts.answers += 1
            guard counts.answers >= counts.requests, let end = counts.end else { return nil }
            counts.end = nil
            return end
        }
        end?()
    }

    /// Runs `end` now if every request has its answer, else after the last answer.
    func finish(_ end: @escaping @Sendable () -> Void) {
        let now = counts.withLock { counts -> Bool in
            if counts.answers >= counts.requests { return true }
            counts.end = end
            return false
        }
        if now { end() }
    }

    private struct Probe: Decodable {
        var id: ID?
        var method: String?
    }

    private static func isRequest(_ message: Data) -> Bool {
        // Big requests (a file's content in the arguments) are not decoded twice: their keys are looked for near
        // the start, where every client encoder puts `id` and `method`.
        if message.count > 64 * 1024 {
            let head = message.prefix(512)
            return head.range(of: Data(#""method""#.utf8)) != nil && head.range(of: Data(#""id""#.utf8)) != nil
        }
        guard let probe = try? JSONDecoder().decode(Probe.self, from: message) else { return false }
        return probe.id != nil && probe.method != nil
    }
}
