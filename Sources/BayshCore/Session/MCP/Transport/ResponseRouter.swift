import CBayshLinux
import Foundation
import MCP
import Synchronization

/// Hands the answers to baysh's own requests (tool calls and tool lists) straight to the waiting caller, as the
/// transport reads them.
///
/// The SDK's `Client` costs about 150 µs per request on top of the wire (four tasks, two or three decoding
/// attempts, and a round trip of the result through `Value` and JSON again), which kept baysh near 60% of a raw
/// client's rate against `baysh serve`; for a tool list it builds Foundation's whole decoding tree beside the
/// result. Tool calls and tools/list therefore bypass it: ``MCPSession`` encodes the request, registers its id here
/// and sends it on the transport; the transport offers every message it reads to ``route(_:)`` first and gives the
/// client only what is not taken. Over stdio the message arrives already parsed (``MessageReader`` reads it from
/// the pipe as a `Value`, handing a tool list's tools to the request's ``ToolPage`` one by one as they are read). Everything else
/// (the handshake, notifications, cancellation) still goes through the SDK's `Client`.
public final class ResponseRouter: Sendable {
    private final class Slot: Sendable {
        private enum State {
            case waiting(UnsafeContinuation<Value, Swift.Error>?)
            case done(Result<Value, Swift.Error>)
        }

        /// Takes the tools of the answer as they are read (a tool list).
        let toolPage: ToolPage?
        private let state = Mutex(State.waiting(nil))

        init(toolPage: ToolPage?) { self.toolPage = toolPage }

        func finish(_ result: Result<Value, Swift.Error>) {
            let waiter = state.withLock { state -> UnsafeContinuation<Value, Swift.Error>? in
                guard case .waiting(let waiter) = state else { return nil }
                state = .done(result)
                return waiter
            }
            waiter?.resume(with: result)
        }

        func value() async throws -> Value {
            // Unchecked: the state machine above resumes each continuation exactly once.
            try await withUnsafeThrowingContinuation { continuation in
                let ready = state.withLock { state -> Result<Value, Swift.Error>? in
                    if case .done(let result) = state { return result }
                    state = .waiting(continuation)
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        }
    }

    private struct Table {
        var slots: [ID: Slot] = [:]
        var failure: Swift.Error?
    }

    private let table = Mutex(Table())
    /// Takes what the server says or asks on its own (progress, logs, requests to the client) before the SDK client
    /// sees it; see ``ServerTalk``.
    private let serverMessages = Mutex<(@Sendable (Value) -> Bool)?>(nil)
    /// The last error answer left to the SDK (the handshake's): the SDK keeps only its code for -32000, -32001 and
    /// -32603, so the server's own words are kept here for the error baysh shows.
    private let sdkError = Mutex<JSONRPCErrorAnswer?>(nil)

    public init() {}

    /// Sets who takes the server's own messages (notifications and requests): `take` says whether it took one.
    func listen(_ take: @escaping @Sendable (Value) -> Bool) {
        serverMessages.withLock { $0 = take }
    }

    /// Notes `message` on its way to the SDK when it is an error answer (see ``takeSDKError()``).
    func passingToSDK(_ message: Value) {
        guard case .object(let members) = message, members["error"] != nil, members["method"] == nil,
            let error = JSONRPCErrorAnswer(answer: members)
        else { return }
        sdkError.withLock { $0 = error }
    }

    /// ``passingToSDK(_:)-(Value)`` for the raw bytes of a message (HTTP); only a message naming `"error"` is parsed.
    func passingToSDK(_ message: Data) {
        guard message.range(of: Data(#""error""#.utf8)) != nil,
            case .success(let parsed) = message.withUnsafeBytes({ JSONText.parse(bytes: $0) })
        else { return }
        passingToSDK(parsed)
    }

    /// The last error answer the SDK got, left in place.
    var lastSDKError: JSONRPCErrorAnswer? { sdkError.withLock { $0 } }

    /// The last error answer the SDK got, once.
    func takeSDKError() -> JSONRPCErrorAnswer? {
        sdkError.withLock { error in
            defer { error = nil }
            return error
        }
    }

    /// Offers a message that answers no call to the listener set with ``listen(_:)``; false leaves it to the SDK.
    func takeServerMessage(_ message: Value) -> Bool {
        guard let take = serverMessages.withLock({ $0 }) else { return false }
        return take(message)
    }

    /// ``takeServerMessage(_:)-(Value)`` for the raw bytes of a message (HTTP), parsed only when someone listens.
    func takeServerMessage(_ message: Data) -> Bool {
        guard let take = serverMessages.withLock({ $0 }),
            case .success(let parsed) = message.withUnsafeBytes({ JSONText.parse(bytes: $0) })
        else { return false }
        return take(parsed)
    }

    /// Registers `id`, runs `send`, and waits for the whole answer message.
    ///
    /// - Parameters:
    ///   - toolPage: Takes the answer's tools as each is read (a tool list); the answer keeps an empty array.
    ///   - answerArrivesDuringSend: True for streamable HTTP, whose POST returns only when the server ends its
    ///     answer stream. `send` then runs in a task of its own, so the wait ends the moment the answer arrives or
    ///     the call is abandoned (a timeout, Ctrl-C), even while the server keeps the stream open or dribbles bytes;
    ///     an abandoned call cancels its request. Over stdio `send` queues the line
    ///     (``PipeTransport/post(_:failed:)``) and runs inline: the hot path spawns nothing, and a server that stops
    ///     reading cannot keep the wait from ending.
    func response(
        to id: ID, toolPage: ToolPage? = nil, answerArrivesDuringSend: Bool = false,
        send: @escaping @Sendable () async throws -> Void
    ) async throws -> Value {
        let slot = Slot(toolPage: toolPage)
        try table.withLock { table in
            if let failure = table.failure { throw failure }
            table.slots[id] = slot
        }
        guard answerArrivesDuringSend else {
            do {
                try await send()
            } catch {
                _ = table.withLock { $0.slots.removeValue(forKey: id) }
                throw error
            }
            return try await slot.value()
        }
        let sending = Task {
            do {
                try await send()
            } catch {
                // A request that failed after its answer arrived (a connection dropped at the end) costs nothing.
                table.withLock { $0.slots.removeValue(forKey: id) }?.finish(.failure(error))
            }
        }
        do {
            return try await slot.value()
        } catch {
            sending.cancel()
            throw error
        }
    }

    /// Whether the connection is gone (``failAll(_:)``).
    var hasFailed: Bool { table.withLock { $0.failure != nil } }

    /// Ends the wait for `id` with `error` (a timeout or cancellation); a late answer is then dropped.
    func abandon(_ id: ID, with error: Swift.Error) {
        table.withLock { $0.slots.removeValue(forKey: id) }?.finish(.failure(error))
    }

    /// Fails every waiting call and every later one: the connection is gone.
    func failAll(_ error: Swift.Error) {
        let slots = table.withLock { table in
            if table.failure == nil { table.failure = error }
            defer { table.slots.removeAll() }
            return Array(table.slots.values)
        }
        for slot in slots { slot.finish(.failure(error)) }
    }

    /// Takes `message` if it answers a registered request (an object with that `id` and no `method`). Called by
    /// the stdio transport for every message it reads.
    func route(_ message: Value) -> Bool {
        guard case .object(let members) = message, members["method"] == nil, let id = members["id"].flatMap(Self.id)
        else { return false }
        guard let slot = table.withLock({ $0.slots.removeValue(forKey: id) }) else { return false }
        slot.finish(.success(message))
        return true
    }

    /// ``route(_:)-(Value)`` for the thread that reads the answers, which then runs the task that waited for this
    /// one itself, up to that task's next suspension (its next request), and only then reads on.
    ///
    /// Resuming the waiting task the usual way enqueues it on Swift's global pool, which wakes a sleeping pool
    /// thread: a second context switch per call on top of the reader's own wake-up, and about a tenth of the
    /// call rate against a fast server. The reader has nothing else to do until the next answer, which cannot come
    /// before the task sends its next request, so it lends itself to the task instead: the task's resumption is
    /// kept from the pool (``bayshjob_begin_capture``) and run here. The task is async code, which never blocks a
    /// thread, so the reader is back at its pipe as soon as the task waits again; until then the pipe holds what
    /// the server writes.
    func routeRunningWaiter(_ message: Value) -> Bool {
        bayshjob_begin_capture()
        let taken = route(message)
        if let job = bayshjob_end_capture() { bayshjob_run(job) }
        return taken
    }

    /// Makes ``routeRunningWaiter(_:)`` able to keep a resumption from the pool (once per process).
    static func prepareReaderHandoff() {
        bayshjob_install()
    }

    /// Takes `message` if it answers a registered request, parsing it only then. Called by the HTTP transport for
    /// every message it reads.
    func route(_ message: Data) -> Bool {
        guard !table.withLock({ $0.slots.isEmpty }), let id = Self.answerID(message) else { return false }
        guard let slot = table.withLock({ $0.slots.removeValue(forKey: id) }) else { return false }
        let parsed = message.withUnsafeBytes { JSONText.parse(bytes: $0, itemSink: slot.toolPage) }
        slot.finish(
            parsed.mapError { error in
                SessionError.protocolViolation(
                    "the MCP server answered request \(id) with JSON that does not parse: \(error.message) "
                        + "(at byte \(error.offset + 1))")
            })
        return true
    }

    /// The page that takes the tools of the answer to the request with this `"id"` (asked mid-parse by the
    /// reader), if it is a tool list.
    func toolPage(for id: Value) -> ToolPage? {
        guard let id = Self.id(id) else { return nil }
        return table.withLock { $0.slots[id]?.toolPage }
    }

    /// Fails the request with this `"id"`, if one waits (its answer did not parse). True if one did.
    @discardableResult
    func reject(_ id: Value?, with error: SessionError) -> Bool {
        guard let id = id.flatMap(Self.id), let slot = table.withLock({ $0.slots.removeValue(forKey: id) }) else {
            return false
        }
        slot.finish(.failure(error))
        return true
    }

    private static func id(_ value: Value) -> ID? {
        switch value {
        case .string(let text): .string(text)
        case .int(let number): .number(number)
        default: nil
        }
    }

    private struct Probe: Decodable {
        var id: ID?
        var method: String?
    }

    /// The id of an answer (a message with an id and no method). Looks at the first bytes, where every encoder
    /// puts `id` (`{"id":7,"jsonrpc":...` or `{"jsonrpc":"2.0","id":7,...`), and decodes the whole message only when
    /// that is inconclusive.
    static func answerID(_ message: Data) -> ID? {
        if let quick = message.withUnsafeBytes({ scanForID(UnsafeRawBufferPointer(rebasing: $0.prefix(160))) }) {
            return quick
        }
        guard let probe = try? JSONDecoder().decode(Probe.self, from: message), probe.method == nil else { return nil }
        return probe.id
    }

    /// Scans the top level of a JSON object prefix for `"id": <integer or plain string>`, giving up (nil) on
    /// anything unusual or on `"method"`, which makes the message a request or notification.
    private static func scanForID(_ bytes: UnsafeRawBufferPointer) -> ID? {
        var index = 0
        func skipBlanks() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }
        func readString() -> Substring? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            let start = index + 1
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                if bytes[end] == UInt8(ascii: "\\") { return nil }
                end += 1
            }
            guard end < bytes.count else { return nil }
            index = end + 1
            return Substring(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
        skipBlanks()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        // Only short scalar members can come before "id" in the prefix; anything nested gives up.
        for _ in 0..<4 {
            skipBlanks()
            guard let key = readString() else { return nil }
            skipBlanks()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipBlanks()
            if key == "method" { return nil }
            if key == "id" {
                if let text = readString() { return .string(String(text)) }
                let start = index
                while index < bytes.count, bytes[index] == UInt8(ascii: "-") || (0x30...0x39).contains(bytes[index]) {
                    index += 1
                }
                guard index > start, index < bytes.count,
                    let number = Int(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
                else { return nil }
                skipBlanks()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ",") || bytes[index] == UInt8(ascii: "}") else {
                    return nil
                }
                return .number(number)
            }
            guard readString() != nil else { return nil }  // "jsonrpc":"2.0"
            skipBlanks()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
        return nil
    }
}
