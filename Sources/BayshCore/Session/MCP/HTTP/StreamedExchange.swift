import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What a streamable HTTP server told us that later requests must repeat, shared by the transport and the
/// exchanges that learn it.
final class HTTPSessionFacts: Sendable {
    struct Values: Sendable {
        /// `Mcp-Session-Id` from the initialize response.
        var sessionId: String?
        /// The protocol version `initialize` settled on, for the `MCP-Protocol-Version` header.
        var protocolVersion: String?
    }

    private let values = Mutex(Values())

    var current: Values { values.withLock { $0 } }

    func update(_ change: (inout Values) -> Void) {
        values.withLock { change(&$0) }
    }
}

/// One POST and its answer, read as it arrives: JSON-RPC messages found in a JSON body or in SSE `data:` events go to
/// `deliver` at once (a call's result can arrive while the stream is still open); the rest is summed up in an
/// ``Outcome`` when the exchange ends.
final class StreamedExchange: Sendable {
    /// How an exchange ended.
    struct Outcome: Sendable {
        var status: Int
        var contentType: String
        /// The start of a body that was not delivered (an error page, a body of an unexpected type).
        var excerpt: String
        /// A body or event that should have been JSON-RPC and was not.
        var garbage: String?
        /// The `Retry-After` header in seconds, when the server sent one (with 429 or 503).
        var retryAfter: Duration?
        /// The `Location` header of a redirect, which URLSession is told not to follow (see ``HTTPRedirects``).
        var location: String?
    }

    /// The connection ended after the answer had begun: libcurl reports it as an unknown error ("transfer closed
    /// with outstanding read data remaining"), which says nothing to a user.
    struct AnswerCut: Error {
        var status: Int
        var receivedBytes: Int
    }

    private enum Body {
        case undecided
        case json(Data)
        case events(ServerSentEvents)
        case excerpt(Data)
    }

    private struct State {
        var response: HTTPURLResponse?
        var receivedBytes = 0
        var body = Body.undecided
        var garbage: String?
        var finished: CheckedContinuation<Outcome, Swift.Error>?
        var result: Result<Outcome, Swift.Error>?
    }

    private static let excerptLimit = 2048
    private let state = Mutex(State())
    private let facts: HTTPSessionFacts
    private let deliver: @Sendable (Data) -> Void
    private let isInitialize: Bool

    init(facts: HTTPSessionFacts, isInitialize: Bool, deliver: @escaping @Sendable (Data) -> Void) {
        self.facts = facts
        self.isInitialize = isInitialize
        self.deliver = deliver
    }

    /// Waits for the end of the exchange.
    func outcome() async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> Result<Outcome, Swift.Error>? in
                if state.result == nil { state.finished = continuation }
                return state.result
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    func received(_ response: URLResponse) {
        guard let http = response as? HTTPURLResponse else { return }
        if let id = http.value(forHTTPHeaderField: "Mcp-Session-Id"), !id.isEmpty {
            facts.update { $0.sessionId = id }
        }
        let type = (http.value(forHTTPHeaderField: "Content-Type") ?? "").lowercased()
        // In the 2026 era a JSON-RPC error answer comes with the HTTP status its code maps to (400, 404…): it is
        // still the answer, with the server's own words.
        let errorAnswer =
            (400..<600).contains(http.statusCode) && facts.current.protocolVersion == MCPProtocolChoice.modernVersion
        state.withLock { state in
            state.response = http
            if (200..<300).contains(http.statusCode) && type.hasPrefix("text/event-stream") {
                state.body = .events(ServerSentEvents())
            } else if (200..<300).contains(http.statusCode) || errorAnswer, type.hasPrefix("application/json") {
                state.body = .json(Data())
            } else {
                state.body = .excerpt(Data())
            }
        }
    }

    func received(_ data: Data) {
        var messages: [Data] = []
        state.withLock { state in
            state.receivedBytes += data.count
            switch state.body {
            case .undecided:
                break
            case .json(var body):
                state.body = .undecided  // let `body` be uniquely referenced while it grows
                body.append(data)
                state.body = .json(body)
            case .events(var parser):
                state.body = .undecided
                for event in parser.feed(data) { messages.append(contentsOf: take(event, into: &state)) }
                state.body = .events(parser)
            case .excerpt(var body):
                if body.count < Self.excerptLimit {
                    body.append(data.prefix(Self.excerptLimit - body.count))
                    state.body = .excerpt(body)
                }
            }
        }
        messages.forEach(deliver)
    }

    func completed(_ error: Swift.Error?) {
        var messages: [Data] = []
        let (continuation, result) = state.withLock { state -> (CheckedContinuation<Outcome, Swift.Error>?, Result<Outcome, Swift.Error>) in
            let result: Result<Outcome, Swift.Error>
            if let error {
                let code = (error as? URLError)?.code
                if let response = state.response, code != .cancelled, code != .timedOut {
                    result = .failure(AnswerCut(status: response.statusCode, receivedBytes: state.receivedBytes))
                } else {
                    result = .failure(error)
                }
            } else {
                var excerpt = Data()
                switch state.body {
                case .undecided:
                    break
                case .json(let body):
                    if Self.isJSONRPC(body) {
                        messages.append(body)
                        note(body)
                    } else if !(200..<300).contains(state.response?.statusCode ?? 0) {
                        excerpt = body.prefix(Self.excerptLimit)
                    } else if !body.allSatisfy({ Self.isBlank($0) }) {
                        state.garbage = Self.text(body.prefix(Self.excerptLimit))
                    }
                case .events(var parser):
                    for event in parser.finish() { messages.append(contentsOf: take(event, into: &state)) }
                case .excerpt(let body):
                    excerpt = body
                }
                result = .success(
                    Outcome(
                        status: state.response?.statusCode ?? 0,
                        contentType: state.response?.value(forHTTPHeaderField: "Content-Type") ?? "",
                        excerpt: Self.text(excerpt), garbage: state.garbage,
                        retryAfter: state.response?.value(forHTTPHeaderField: "Retry-After")
                            .flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map { .seconds(max(0, $0)) },
                        location: state.response?.value(forHTTPHeaderField: "Location")))
            }
            state.result = result
            defer { state.finished = nil }
            return (state.finished, result)
        }
        messages.forEach(deliver)
        continuation?.resume(with: result)
    }

    /// The JSON-RPC message an SSE event carries, if it is one.
    private func take(_ event: ServerSentEvents.Event, into state: inout State) -> [Data] {
        guard event.type == nil || event.type == "message" else { return [] }
        guard Self.isJSONRPC(event.data) else {
            if !event.data.allSatisfy({ Self.isBlank($0) }) { state.garbage = Self.text(event.data.prefix(Self.excerptLimit)) }
            return []
        }
        note(event.data)
        return [event.data]
    }

    /// Picks the negotiated protocol version out of the initialize answer before the client sees it, so the very
    /// next request (`notifications/initialized`) already carries `MCP-Protocol-Version`.
    private func note(_ message: Data) {
        guard isInitialize,
            let answer = try? JSONDecoder().decode(InitializeAnswer.self, from: message),
            let version = answer.result?.protocolVersion
        else { return }
        facts.update { $0.protocolVersion = version }
    }

    private struct InitializeAnswer: Decodable {
        struct Result: Decodable { var protocolVersion: String? }
        var result: Result?
    }

    private static func isJSONRPC(_ data: Data) -> Bool {
        guard let first = data.first(where: { !isBlank($0) }) else { return false }
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func text(_ data: Data) -> String {
        Redactor.shared.redact(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// Routes URLSession's callbacks for the transport's sessions to the exchange of each task, and keeps URLSession
/// from following redirects (the transport decides, see ``HTTPRedirects``).
///
/// Tasks are told apart by identity, not `taskIdentifier`, which is only unique within one session and the
/// transport uses a session of its own for every request that must not be sent twice.
final class StreamedExchangeRouter: NSObject, URLSessionDataDelegate, Sendable {
    private let exchanges = Mutex<[ObjectIdentifier: StreamedExchange]>([:])

    func register(_ exchange: StreamedExchange, for task: URLSessionTask) {
        exchanges.withLock { $0[ObjectIdentifier(task)] = exchange }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        exchanges.withLock { $0[ObjectIdentifier(dataTask)] }?.received(response)
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        exchanges.withLock { $0[ObjectIdentifier(dataTask)] }?.received(data)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        exchanges.withLock { $0.removeValue(forKey: ObjectIdentifier(task)) }?.completed(error)
    }
}
