import Foundation
import Logging
import MCP
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// MCP's streamable HTTP transport, client side: each JSON-RPC message is a POST, answered with a JSON body or an
/// SSE stream (`text/event-stream`, the Python SDK's default), both read as they arrive.
///
/// The SDK's own `HTTPClientTransport` cannot read SSE answers on Linux and hangs. This one keeps the
/// `Mcp-Session-Id` the initialize answer gives and sends it, with `MCP-Protocol-Version`, on every later request;
/// uses one URLSession so connections are kept alive; puts a time limit on every request; turns HTTP errors,
/// refused connections and bodies that are not JSON-RPC into clear errors (secrets masked); and ends the session
/// with a DELETE on disconnect. Once the session is initialised it opens the optional GET stream, where servers send
/// notifications that belong to no request (`notifications/tools/list_changed`); a server without one answers 405,
/// which is fine. That stream is not reopened if the server ends it.
///
/// A server that is busy for a moment (HTTP 429, 502, 503, 504) gets the same request again with backoff, honouring
/// `Retry-After`, but only for requests that change nothing (``repeatableMethods``: the handshake, listing, reading);
/// a `tools/call` is never sent twice, since the tool may have run before the server or a proxy in front of it
/// answered with an error.
///
/// Nor does libcurl get to send it twice: it silently re-sends a request whose reused keep-alive connection died
/// before the answer began, which is what a server or proxy dying during a long call looks like. So every request
/// outside ``repeatableMethods`` goes on a connection of its own (a one-request URLSession, `Connection: close`),
/// where libcurl never re-sends, and a lost answer is reported as such with the time waited. Redirects are the
/// transport's to decide (``HTTPRedirects``): a same-origin 307/308 is followed with the same body, anything else
/// is refused, so the bearer token and `--header` values never reach another origin.
public actor StreamableHTTPTransport: Transport {
    /// The JSON-RPC methods safe to send again after a busy answer. Notifications here are harmless to repeat.
    public static let repeatableMethods: Set<String> = [
        "initialize", "notifications/initialized", "ping", "tools/list", "resources/list", "resources/templates/list",
        "resources/read", "prompts/list", "prompts/get", "notifications/cancelled",
    ]
    /// How long a stream of server messages may stay silent: a day, since it lives as long as the session.
    static let streamLifetime: Duration = .seconds(86_400)
    /// Three attempts, 250 ms doubling up to 2 s.
    public static let defaultRetries = RetryBackoff(maxAttempts: 3, baseDelay: .milliseconds(250), maxDelay: .seconds(2))

    public nonisolated let logger: Logger

    /// The endpoint (`http://127.0.0.1:8000/mcp`).
    public let url: URL
    private let headers: [String: String]
    private let bearer: Secret?
    private let requestTimeout: Duration
    private let retries: RetryBackoff
    private let answers: ResponseRouter?
    /// `:wire`: each message sent and received, when on.
    private let wire: WireTap?
    private let facts = HTTPSessionFacts()
    private let exchanges = StreamedExchangeRouter()
    private var session: URLSession?
    private var configuration: URLSessionConfiguration?
    private var delegateQueue: OperationQueue?
    /// The one-request sessions in flight (``exchangeOnce(_:operation:)``), ended by ``disconnect()`` too.
    private var oneShots: [ObjectIdentifier: URLSession] = [:]
    private var closed = false
    private var listening: URLSessionTask?
    private let messages: AsyncThrowingStream<Data, Swift.Error>
    private let continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation

    /// - Parameters:
    ///   - headers: Sent with every request (`--header 'X-Api-Key: …'`).
    ///   - bearer: Sent as `Authorization: Bearer …`; never shown unmasked.
    ///   - requestTimeout: Longest wait for any one HTTP request, including a streamed answer going quiet.
    ///   - retries: How a request in ``repeatableMethods`` is sent again after a busy answer.
    ///   - router: Takes the answers to calls sent around the SDK client (see ``ResponseRouter``).
    public init(
        url: URL, headers: [String: String] = [:], bearer: Secret? = nil, requestTimeout: Duration = .seconds(60),
        retries: RetryBackoff = StreamableHTTPTransport.defaultRetries, router: ResponseRouter? = nil,
        logger: Logger? = nil, wire: WireTap? = nil
    ) {
        self.wire = wire
        self.url = url
        self.retries = retries
        self.headers = headers
        self.bearer = bearer
        self.requestTimeout = requestTimeout
        self.answers = router
        self.logger = logger ?? Logger(label: "baysh.mcp.http", factory: { _ in SwiftLogNoOpLogHandler() })
        (messages, continuation) = AsyncThrowingStream.makeStream(of: Data.self, throwing: Swift.Error.self)
        // Header values are often keys; register them so no error text can carry them.
        for value in headers.values { Redactor.shared.register(headerValue: value) }
    }

    /// The `Mcp-Session-Id` the server gave, if any.
    public var mcpSessionId: String? { facts.current.sessionId }

    public func connect() async throws {
        guard session == nil else { return }
        guard !closed else { throw SessionError.transport("the connection to \(Self.describe(url)) is closed") }
        let configuration = Self.configuration(idle: requestTimeout)
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        queue.name = "baysh-mcp-http"
        session = URLSession(configuration: configuration, delegate: exchanges, delegateQueue: queue)
        self.configuration = configuration
        delegateQueue = queue
    }

    /// Sessions' settings: `idle` is the longest silence a request's answer may keep.
    private static func configuration(idle: Duration) -> URLSessionConfiguration {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = seconds(idle)
        configuration.httpMaximumConnectionsPerHost = 4
        return configuration
    }

    /// Sends `MCP-Protocol-Version: version` on every request from now on (the 2026-07-28 revision has no
    /// `initialize` answer to learn it from); nil forgets it again for the handshake.
    nonisolated func speak(version: String?) {
        facts.update { $0.protocolVersion = version }
    }

    /// Ends the MCP session on the server (best effort, within two seconds) and stops every request in flight.
    public func disconnect() async {
        guard !closed else { return }
        closed = true
        continuation.finish(throwing: SessionError.transport("disconnected from \(Self.describe(url))"))
        guard let session else { return }
        self.session = nil
        listening?.cancel()
        for own in oneShots.values { own.invalidateAndCancel() }
        oneShots = [:]
        if facts.current.sessionId != nil {
            var request = makeRequest(method: "DELETE", timeout: .seconds(2))
            request.httpBody = nil
            _ = try? await exchange(request, in: session, isInitialize: false)
        }
        session.invalidateAndCancel()
    }

    public func send(_ data: Data) async throws {
        guard let session, !closed else {
            throw SessionError.transport("not connected to \(Self.describe(url))")
        }
        let isInitialize = Self.isInitialize(data)
        if let wire, wire.isOn { wire.message(.sent, data) }
        // Read once for all it decides: the 2026 era's routing headers need it whatever the size.
        let modern = facts.current.protocolVersion == MCPProtocolChoice.modernVersion
        let probe = Self.probe(data, limit: modern ? .max : Self.probeLimit)
        let method = probe?.method
        let repeatable = data.count < Self.probeLimit && method.map { Self.repeatableMethods.contains($0) } ?? false
        let routing = modern ? Self.routingHeaders(probe) : [:]
        var generator = SystemRandomNumberGenerator()
        var attempt = 1
        var hops = 0
        var target = url
        var outcome: StreamedExchange.Outcome
        // A 2026-era `subscriptions/listen` answer is a stream that lives as long as the session and may be quiet
        // for hours, like the GET stream of the handshake era.
        let lifetime = method == "subscriptions/listen" ? Self.streamLifetime : requestTimeout
        while true {
            // A retry or redirect comes after a suspension, during which disconnect() may have invalidated the
            // session: a task made on it then would stop the process ("Session invalidated").
            guard !closed else { throw SessionError.transport("disconnected from \(Self.describe(url))") }
            var request = makeRequest(method: "POST", timeout: lifetime)
            request.url = target
            request.httpBody = data
            for (name, value) in routing { request.setValue(value, forHTTPHeaderField: name) }
            if repeatable {
                outcome = try await exchange(request, in: session, isInitialize: isInitialize)
            } else {
                outcome = try await exchangeOnce(request, operation: method ?? "the request", idle: lifetime)
            }
            switch HTTPRedirects.decide(status: outcome.status, location: outcome.location, from: target, hops: hops) {
            case .answer: break
            case .refuse(let message): throw SessionError.transport(message)
            case .follow(let next):
                target = next
                hops += 1
                continue
            }
            guard Self.busyStatuses.contains(outcome.status), attempt < retries.maxAttempts, repeatable
            else { break }
            let delay = min(
                outcome.retryAfter ?? retries.delay(afterAttempt: attempt, using: &generator), retries.maxDelay)
            logger.debug(
                "MCP server busy, sending again",
                metadata: ["status": .stringConvertible(outcome.status), "attempt": .stringConvertible(attempt)])
            try await Task.sleep(for: delay)
            attempt += 1
        }
        try check(outcome)
        if !closed, listening == nil, facts.current.sessionId != nil, facts.current.protocolVersion != nil {
            listen(in: session)
        }
    }

    /// Opens the GET stream for server-initiated messages. It lives as long as the session, so its time limit is
    /// a day of silence rather than ``requestTimeout``.
    private func listen(in session: URLSession) {
        var request = makeRequest(method: "GET", timeout: Self.streamLifetime)
        request.setValue("text/event-stream", forHTTPHeaderField: "Accept")
        request.setValue(nil, forHTTPHeaderField: "Content-Type")
        let exchange = StreamedExchange(facts: facts, isInitialize: false, deliver: delivery)
        let task = session.dataTask(with: request)
        exchanges.register(exchange, for: task)
        listening = task
        task.resume()
    }

    public func receive() -> AsyncThrowingStream<Data, Swift.Error> {
        messages
    }

    /// Where a received message goes: to a call waiting in the router, else to the SDK client.
    private var delivery: @Sendable (Data) -> Void {
        let (continuation, answers, wire) = (continuation, answers, wire)
        return { message in
            if let wire, wire.isOn { wire.message(.received, message) }
            guard let answers else {
                continuation.yield(message)
                return
            }
            if !answers.route(message), !answers.takeServerMessage(message) {
                answers.passingToSDK(message)
                continuation.yield(message)
            }
        }
    }

    private func makeRequest(method: String, timeout: Duration) -> URLRequest {
        var request = URLRequest(url: url, timeoutInterval: Self.seconds(timeout))
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json, text/event-stream", forHTTPHeaderField: "Accept")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let bearer { request.setValue("Bearer \(bearer.revealed)", forHTTPHeaderField: "Authorization") }
        let facts = facts.current
        if let id = facts.sessionId { request.setValue(id, forHTTPHeaderField: "Mcp-Session-Id") }
        if let version = facts.protocolVersion { request.setValue(version, forHTTPHeaderField: "MCP-Protocol-Version") }
        return request
    }

    private func exchange(
        _ request: URLRequest, in session: URLSession, isInitialize: Bool, explained: Bool = true
    ) async throws -> StreamedExchange.Outcome {
        let exchange = StreamedExchange(facts: facts, isInitialize: isInitialize, deliver: delivery)
        let task = session.dataTask(with: request)
        exchanges.register(exchange, for: task)
        task.resume()
        do {
            return try await withTaskCancellationHandler {
                try await exchange.outcome()
            } onCancel: {
                task.cancel()
            }
        } catch {
            throw explained ? Self.explain(error, url: url) : error
        }
    }

    /// Sends a request that must not run twice on a connection used for nothing else (see the type's notes).
    private func exchangeOnce(_ request: URLRequest, operation: String, idle: Duration) async throws
        -> StreamedExchange.Outcome
    {
        guard var configuration, let delegateQueue else {
            throw SessionError.transport("not connected to \(Self.describe(url))")
        }
        if idle != requestTimeout { configuration = Self.configuration(idle: idle) }
        var request = request
        request.setValue("close", forHTTPHeaderField: "Connection")
        let own = URLSession(configuration: configuration, delegate: exchanges, delegateQueue: delegateQueue)
        oneShots[ObjectIdentifier(own)] = own
        defer {
            oneShots[ObjectIdentifier(own)] = nil
            own.finishTasksAndInvalidate()
        }
        let sent = ContinuousClock.now
        do {
            return try await exchange(request, in: own, isInitialize: false, explained: false)
        } catch {
            throw Self.explainLost(error, operation: operation, url: url, waited: ContinuousClock.now - sent)
        }
    }

    /// A failure of a request sent once: a refused connect, a timeout and cancellation mean what they say; any
    /// other end of the connection came after the request was written, so the server may have run it.
    private static func explainLost(_ error: Swift.Error, operation: String, url: URL, waited: Duration)
        -> Swift.Error
    {
        let place = describe(url)
        if let cut = error as? StreamedExchange.AnswerCut {
            return SessionError.answerLost(
                "\(operation) to \(place)", after: waited,
                detail: "the server dropped the connection in the middle of its answer (HTTP \(cut.status), "
                    + "\(cut.receivedBytes) bytes received)")
        }
        if let urlError = error as? URLError {
            switch urlError.code {
            case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .timedOut, .cancelled:
                return explain(error, url: url)
            default:
                return SessionError.answerLost(
                    "\(operation) to \(place)", after: waited,
                    detail: "the server dropped the connection ("
                        + Redactor.shared.redact(urlError.localizedDescription) + ")")
            }
        }
        return explain(error, url: url)
    }

    private func check(_ outcome: StreamedExchange.Outcome) throws {
        let place = Self.describe(url)
        switch outcome.status {
        case 200..<300:
            if let garbage = outcome.garbage {
                throw SessionError.protocolViolation("\(place) answered with something that is not JSON-RPC: '\(garbage)'")
            }
            if outcome.status != 202 && outcome.status != 204 && !outcome.excerpt.isEmpty {
                throw SessionError.protocolViolation(
                    "\(place) answered with content type '\(outcome.contentType)', expected application/json or "
                        + "text/event-stream: '\(outcome.excerpt)'")
            }
        case 401, 403:
            throw SessionError.transport(
                "\(place) refused the request (HTTP \(outcome.status)): check the bearer token or headers"
                    + Self.detail(outcome.excerpt))
        case 404 where facts.current.sessionId != nil:
            throw SessionError.transport(
                "\(place) no longer knows this MCP session (HTTP 404); use :reconnect" + Self.detail(outcome.excerpt))
        default:
            throw SessionError.transport(
                "\(place) answered HTTP \(outcome.status)" + Self.detail(outcome.excerpt))
        }
    }

    private static func detail(_ excerpt: String) -> String {
        excerpt.isEmpty ? "" : ": " + String(excerpt.prefix(500))
    }

    private static func explain(_ error: Swift.Error, url: URL) -> Swift.Error {
        if error is SessionError { return error }
        let place = describe(url)
        if let cut = error as? StreamedExchange.AnswerCut {
            return SessionError.transport(
                "\(place) dropped the connection in the middle of its answer (HTTP \(cut.status), \(cut.receivedBytes) "
                    + "bytes received); a tool call may have run on the server, so it was not sent again")
        }
        guard let urlError = error as? URLError else {
            return SessionError.transport("request to \(place) failed: \(Redactor.shared.redact("\(error)"))")
        }
        switch urlError.code {
        case .cannotConnectToHost:
            return SessionError.transport("cannot connect to \(place): connection refused; is the server running?")
        case .cannotFindHost, .dnsLookupFailed:
            return SessionError.transport("cannot find the host of \(place)")
        case .timedOut:
            return SessionError.transport("\(place) did not answer in time (HTTP request timed out)")
        case .cancelled:
            return CancellationError()
        case .networkConnectionLost:
            return SessionError.transport("\(place) dropped the connection")
        default:
            return SessionError.transport(
                "request to \(place) failed: \(Redactor.shared.redact(urlError.localizedDescription))")
        }
    }

    /// The URL without user info or query, which can carry credentials.
    static func describe(_ url: URL) -> String {
        HTTPRedirects.describe(url)
    }

    /// Answers that mean "not now" rather than "no": the request was turned away before any work was done, or by
    /// a proxy whose backend may have run it (so only ``repeatableMethods`` are sent again).
    private static let busyStatuses: Set<Int> = [429, 502, 503, 504]

    /// Whether `data` is a single request or notification whose method is in ``repeatableMethods``.
    static func isRepeatable(_ data: Data) -> Bool {
        method(of: data).map { repeatableMethods.contains($0) } ?? false
    }

    /// The method of a single request or notification; nil for a batch, an answer, or a message too big to be
    /// worth decoding twice (all of which then count as not repeatable).
    static func method(of data: Data) -> String? {
        probe(data, limit: probeLimit)?.method
    }

    /// The 2026-07-28 revision's routing headers, which the server checks against the body: `Mcp-Method`, and
    /// `Mcp-Name` for the methods that name something (`tools/call`, `prompts/get`: `name`; `resources/read`:
    /// `uri`), as is when it is visible ASCII, else in the `=?base64?…?=` form.
    static func routingHeaders(of data: Data) -> [String: String] {
        routingHeaders(probe(data, limit: .max))
    }

    private static func routingHeaders(_ probe: Probe?) -> [String: String] {
        guard let probe, let method = probe.method else { return [:] }
        var headers = ["Mcp-Method": method]
        let named: String? =
            switch method {
            case "tools/call", "prompts/get": probe.params?.name
            case "resources/read": probe.params?.uri
            default: nil
            }
        if let named {
            let visible = named.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) }
            headers["Mcp-Name"] = visible ? named : "=?base64?" + Data(named.utf8).base64EncodedString() + "?="
        }
        return headers
    }

    /// Beyond this size a message is not read just to find out whether it may be sent again.
    private static let probeLimit = 64 * 1024

    /// What ``send(_:)`` needs of a message: its method and what it names. Each part is read only if it has the
    /// expected type, so an odd `params` does not hide the method.
    private struct Probe: Decodable {
        struct Params: Decodable {
            var name: String?
            var uri: String?
        }

        var method: String?
        var params: Params?

        private enum Keys: String, CodingKey { case method, params }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            method = try? container.decode(String.self, forKey: .method)
            params = try? container.decode(Params.self, forKey: .params)
        }
    }

    /// A single request or notification read as a ``Probe``; nil for a batch, anything that is not an object, or
    /// a message of `limit` bytes or more.
    private static func probe(_ data: Data, limit: Int) -> Probe? {
        guard data.count < limit, data.first(where: { $0 > 0x20 }) == UInt8(ascii: "{") else { return nil }
        return try? JSONDecoder().decode(Probe.self, from: data)
    }

    /// Only the initialize answer is inspected (for the protocol version); a cheap byte search decides.
    private static func isInitialize(_ data: Data) -> Bool {
        data.count < 64 * 1024 && data.range(of: Data(#""method":"initialize""#.utf8)) != nil
    }

    /// URLSession's own timer for `duration`: rounded up to whole seconds plus one, because on Linux it counts
    /// whole seconds and fails a sub-second request before it is sent (`--timeout-ms 500`). The exact limit is
    /// the caller's (``CallDeadline``), which fires first.
    private static func seconds(_ duration: Duration) -> TimeInterval {
        (TimeInterval(duration.components.seconds) + TimeInterval(duration.components.attoseconds) / 1e18)
            .rounded(.up) + 1
    }
}
