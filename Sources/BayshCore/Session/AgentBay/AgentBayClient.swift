import Foundation
import Logging
import MCP
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The AgentBay HTTP API: Alibaba Cloud RPC-style ("POP") actions over one keep-alive `URLSession`.
///
/// Every action is `POST {base}/?Action=…&Format=json&Version=2025-05-06&Timestamp=…&SignatureNonce=…` with the
/// parameters as a form body and the key as the form field `Authorization=Bearer <key>` (the API is "anonymous": no
/// signature). The typed operations live in extensions; this file holds the exchange, the retries and the logging.
///
/// Retries (``AgentBayRetryPolicy``, backoff with jitter): a throttled request (`Throttling*`, HTTP 429) is sent again
/// whatever the action, CallMcpTool included, because the gateway refused it before it ran; HTTP 5xx and broken
/// connections are retried only for read-only actions, and a mutating action only when the connect itself failed, so
/// a tool call is never run twice.
///
/// Connection reuse and at-most-once calls: libcurl (under URLSession on Linux) re-sends a request by itself when
/// a *reused* keep-alive connection dies before any byte of the answer arrived, which is exactly what a server or
/// proxy dying during a long tool call looks like. The copy goes out without its body (the server then waits and
/// the call ends as a bogus timeout) or, when that reconnect is refused, comes back as "could not connect", which
/// reads as "never sent" and invited a second run. So only read-only actions share the keep-alive connection;
/// every other action (CallMcpTool, CreateSession, DeleteSession…) is sent once on a connection of its own
/// (``oneShotSession()``, `Connection: close`), where libcurl never re-sends and a failed connect really means
/// nothing was written. A lost answer is then reported as such, with the time it was waited for, and not sent
/// again. Redirects are never followed by URLSession (see ``HTTPRedirects``).
public final class AgentBayClient: Sendable {
    /// The API version every action is sent with.
    public static let apiVersion = "2025-05-06"

    public let configuration: AgentBayConfiguration
    public let retryPolicy: AgentBayRetryPolicy
    let logger: Logger
    let urlSession: URLSession
    /// `:wire`: each HTTP request and its answer, when on.
    public let wireTap = WireTap()
    private let userAgent: String
    /// The sessions of mutating requests in flight, so ``close()`` ends them too.
    private let oneShots = Mutex<[ObjectIdentifier: URLSession]>([:])
    private let gate = SessionGate()

    /// - Parameters:
    ///   - configuration: key, endpoint, default timeout, region.
    ///   - retryPolicy: see ``AgentBayRetryPolicy``.
    ///   - logger: receives one debug line per request and answer, secrets already masked.
    ///   - maxConnections: keep-alive connections to the endpoint at most; requests beyond wait for one (a
    ///     fan-out raises it to its parallelism, since every slot may hold a slow create).
    public init(
        configuration: AgentBayConfiguration, retryPolicy: AgentBayRetryPolicy = .standard,
        logger: Logger = Logger(label: "baysh.agentbay"), maxConnections: Int = 4
    ) {
        self.configuration = configuration
        self.retryPolicy = retryPolicy
        self.logger = logger
        // One session for the client's lifetime: libcurl keeps the TCP (and TLS) connection open between calls.
        self.urlSession = Self.makeSession(timeout: configuration.timeout, connections: max(1, maxConnections))
        #if os(Linux)
            let platform = "Linux"
        #else
            let platform = "Darwin"
        #endif
        self.userAgent = "AlibabaCloud (\(platform)) Swift TeaDSL/2 baysh/\(BayshVersion.current)"
    }

    /// Ends the connections; calls after this fail.
    public func close() {
        gate.close {
            urlSession.invalidateAndCancel()
            for session in oneShots.withLock({ Array($0.values) }) { session.invalidateAndCancel() }
        }
    }

    private static func makeSession(timeout: Duration, connections: Int) -> URLSession {
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.httpMaximumConnectionsPerHost = connections
        sessionConfiguration.httpCookieStorage = nil
        sessionConfiguration.urlCache = nil
        sessionConfiguration.requestCachePolicy = .reloadIgnoringLocalCacheData
        sessionConfiguration.timeoutIntervalForRequest = Timeouts(connect: timeout, read: timeout).urlSessionInterval
        sessionConfiguration.timeoutIntervalForResource = 24 * 3600
        return URLSession(configuration: sessionConfiguration, delegate: HTTPRedirects.refusal, delegateQueue: nil)
    }

    /// Sends one mutating request on a connection of its own, which libcurl never re-sends on (see the type's
    /// notes), and lets the connection go afterwards.
    private func performOnce(_ request: URLRequest, deadline: Duration) async -> HTTPExchange.Outcome {
        if gate.isClosed { return .failed(.notSent(SessionGate.closedReason)) }
        var request = request
        request.setValue("close", forHTTPHeaderField: "Connection")
        let session = Self.makeSession(timeout: configuration.timeout, connections: 1)
        let key = ObjectIdentifier(session)
        oneShots.withLock { $0[key] = session }
        defer {
            oneShots.withLock { _ = $0.removeValue(forKey: key) }
            session.finishTasksAndInvalidate()
        }
        return await HTTPExchange.perform(request, on: session, gate: gate, deadline: deadline)
    }

    /// The timeouts of one call: connect and read (the SDKs' `connect_timeout`/`read_timeout`).
    public struct Timeouts: Sendable, Equatable {
        public var connect: Duration
        public var read: Duration

        public init(connect: Duration, read: Duration) {
            self.connect = connect
            self.read = read
        }

        /// The hard stop for one exchange: a connect that takes all its time still leaves the full read time.
        var deadline: Duration { connect + read }

        /// URLSession's own timer, set past ``deadline`` so ours always fires first: on Linux it counts whole
        /// seconds and a sub-second value fails requests before they are sent.
        var urlSessionInterval: TimeInterval { deadline.seconds.rounded(.up) + 2 }
    }

    /// The default timeouts, with a call's overrides applied.
    public func timeouts(_ options: CallOptions = CallOptions()) -> Timeouts {
        Timeouts(
            connect: options.connectTimeout ?? configuration.timeout, read: options.readTimeout ?? configuration.timeout)
    }

    /// Sends one action and returns its envelope, retrying as ``AgentBayRetryPolicy`` allows.
    ///
    /// - Parameters:
    ///   - parameters: form fields besides `Authorization`; sent sorted by name as the Python SDK does.
    ///   - query: extra query parameters (GetSessionDetail's `SessionId`).
    ///   - authorizationInQuery: SyncContext's quirk: the key goes in the query string instead of the body.
    package func send(
        _ action: String, _ parameters: [String: String], query: [String: String] = [:],
        authorizationInQuery: Bool = false, timeouts: Timeouts? = nil
    ) async throws -> AgentBayEnvelope {
        let timeouts = timeouts ?? self.timeouts()
        let idempotent = AgentBayRetryPolicy.readOnlyActions.contains(action)
        return try await exchange(action, idempotent: idempotent, timeouts: timeouts) {
            self.popRequest(action, parameters, query: query, authorizationInQuery: authorizationInQuery,
                timeouts: timeouts)
        } interpret: { data, response in
            let envelope = try AgentBayEnvelope.parse(data: data, httpStatus: response.statusCode, action: action)
            self.logger.debug(
                "AgentBay answer",
                metadata: [
                    "action": .string(action), "status": .stringConvertible(response.statusCode),
                    "requestId": .string(envelope.requestId ?? ""),
                ])
            return envelope
        }
    }

    /// The retry loop shared by the API and the direct tool routes. `makeRequest` is called per attempt (fresh
    /// timestamp and nonce); `interpret` turns an answer into a value or a ``SessionError``.
    func exchange<T: Sendable>(
        _ operation: String, idempotent: Bool, timeouts: Timeouts, makeRequest: () -> URLRequest,
        interpret: (Data, HTTPURLResponse) throws -> T
    ) async throws -> T {
        var generator = SystemRandomNumberGenerator()
        var attempt = 1
        while true {
            if Task.isCancelled { throw SessionError.cancelled(operation: operation) }
            let request = makeRequest()
            logger.debug(
                "AgentBay request",
                metadata: [
                    "operation": .string(operation), "attempt": .stringConvertible(attempt),
                    "url": .string(Redactor.shared.redact(request.url?.absoluteString ?? "")),
                ])
            let retryReason: String
            let sentAt = ContinuousClock.now
            let outcome = idempotent
                ? await HTTPExchange.perform(request, on: urlSession, gate: gate, deadline: timeouts.deadline)
                : await performOnce(request, deadline: timeouts.deadline)
            if wireTap.isOn { wireTap.exchange(request: request, outcome: outcome, elapsed: .now - sentAt) }
            switch outcome {
            case .answered(let data, let response):
                do {
                    return try interpret(data, response)
                } catch SessionError.api(let code, let message, let requestId, let status)
                    where AgentBayRetryPolicy.shouldRetry(code: code, httpStatus: status, readOnly: idempotent)
                        && attempt < retryPolicy.maxAttempts
                {
                    _ = (message, requestId)
                    retryReason = "\(code) (HTTP \(status.map(String.init) ?? "?"))"
                }
            case .failed(let failure):
                let canRetry: Bool
                switch failure {
                case .notSent: canRetry = true
                case .maybeSent: canRetry = idempotent
                }
                guard canRetry, attempt < retryPolicy.maxAttempts else {
                    throw transportError(
                        operation, failure, retried: attempt > 1, idempotent: idempotent,
                        waited: ContinuousClock.now - sentAt)
                }
                retryReason = failure.reason
            case .timedOut:
                throw SessionError.timedOut(operation: operation, after: timeouts.read)
            case .cancelled:
                throw SessionError.cancelled(operation: operation)
            case .redirectRefused(let message):
                throw SessionError.transport("\(operation): \(message)")
            }
            let delay = retryPolicy.delay(afterAttempt: attempt, using: &generator)
            logger.debug(
                "AgentBay retry",
                metadata: [
                    "operation": .string(operation), "attempt": .stringConvertible(attempt),
                    "reason": .string(Redactor.shared.redact(retryReason)),
                    "delayMs": .stringConvertible(Int(delay.seconds * 1000)),
                ])
            do {
                try await Task.sleep(for: delay)
            } catch {
                throw SessionError.cancelled(operation: operation)
            }
            attempt += 1
        }
    }

    private func transportError(
        _ operation: String, _ failure: HTTPExchange.TransportFailure, retried: Bool, idempotent: Bool,
        waited: Duration
    ) -> SessionError {
        let host = configuration.baseURL.absoluteString
        switch failure {
        case .notSent(let reason):
            return .transport(
                "\(operation): \(reason) to \(host)\(retried ? " after \(retryPolicy.maxAttempts) attempts" : ""); "
                    + "check AGENTBAY_ENDPOINT and the network")
        case .maybeSent(let reason) where idempotent:
            return .transport("\(operation): \(reason) (\(host)); try again")
        case .maybeSent(let reason):
            return .answerLost(operation, after: waited, detail: "\(reason), \(host)")
        }
    }

    private func popRequest(
        _ action: String, _ parameters: [String: String], query: [String: String], authorizationInQuery: Bool,
        timeouts: Timeouts
    ) -> URLRequest {
        let authorization = "Bearer " + configuration.apiKey.revealed
        var queryFields: [(String, String)] = [
            ("Action", action), ("Format", "json"), ("Version", Self.apiVersion),
            ("Timestamp", Date.now.formatted(.iso8601)), ("SignatureNonce", Self.nonce()),
        ]
        queryFields += query.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        var form = parameters
        if authorizationInQuery {
            queryFields.append(("Authorization", authorization))
        } else {
            form["Authorization"] = authorization
        }
        let url = URL(string: configuration.baseURL.absoluteString + "/?" + FormEncoding.encode(queryFields))!
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeouts.urlSessionInterval)
        request.httpMethod = "POST"
        request.setValue(Self.apiVersion, forHTTPHeaderField: "x-acs-version")
        request.setValue(action, forHTTPHeaderField: "x-acs-action")
        request.setValue(userAgent, forHTTPHeaderField: "User-Agent")
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.httpBody = Data(FormEncoding.encode(form.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }).utf8)
        if logger.logLevel <= .trace {
            let shown = form.keys.sorted().map { key in
                key == "Authorization" ? "Authorization=Bearer \(configuration.apiKey.masked)" : "\(key)=\(form[key]!)"
            }
            logger.trace("AgentBay form", metadata: ["body": .string(Redactor.shared.redact(shown.joined(separator: "&")))])
        }
        return request
    }

    /// 32 hex digits, fresh for every attempt (the gateway rejects a nonce it has seen).
    private static func nonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let word = String(UInt32.random(in: .min ... .max, using: &generator), radix: 16)
            return String(repeating: "0", count: 8 - word.count) + word
        }.joined()
    }
}
