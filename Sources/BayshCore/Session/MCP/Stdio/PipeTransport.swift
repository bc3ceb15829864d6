import CBayshLinux
import Foundation
import Logging
import MCP
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// MCP's stdio framing (one JSON-RPC message per line) over two file descriptors: a child server's pipes on the
/// client side, stdin and stdout for `baysh serve`.
///
/// Reads are blocking `read(2)` calls on a thread of its own, so a message is handed on the moment it arrives (the
/// SDK's `StdioTransport` sets `O_NONBLOCK` and sleeps 10 ms between polls). The input stays in blocking mode, which
/// matters when it is a terminal shared with other processes. Writes go through a ``PipeWriter``: in order, whole,
/// never blocking a thread of the concurrency pool (a peer that stops reading must not freeze deadlines and Ctrl-C),
/// and a peer that has gone away is an error rather than a SIGPIPE. The stream of received messages ends with an
/// error, never silently: the SDK's client spins on a stream that finishes normally.
///
/// It spawns nothing; ``ServerProcess`` owns child processes.
public actor PipeTransport: Transport {
    /// The default longest message: results of 100 MB and more must pass.
    public static let defaultMaxMessageBytes = 512 * 1024 * 1024

    public nonisolated let logger: Logger

    private let input: Int32
    private let output: Int32
    private let closesDescriptors: Bool
    private let maxMessageBytes: Int
    private let peer: String
    private let messages: AsyncThrowingStream<Data, Swift.Error>
    private let continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation
    private let ended: @Sendable (SessionError) -> Void
    private let ledger: RequestLedger?
    private let router: ResponseRouter?
    private let writer: PipeWriter
    /// `:wire`: each message sent and received, when on.
    private let wire: WireTap?
    private var connected = false
    private var closed = false
    /// What the reading thread has read so far (a message stuck half-read, end of file).
    public nonisolated let progress: ReadProgress

    /// - Parameters:
    ///   - input: Read from: the server's stdout, or the process's stdin when serving.
    ///   - output: Written to: the server's stdin, or the process's stdout when serving.
    ///   - closesDescriptors: Close both when done (true for pipes made for a child; false for stdin/stdout).
    ///   - peer: Who is at the other end, for error messages (`MCP server 'uvx foo'`).
    ///   - maxMessageBytes: A longer line ends the connection with a protocol violation.
    ///   - answersBeforeEnd: Server side: at the end of the input, keep the stream open until every request
    ///     received has been answered, so a client that closes its output right after writing still gets answers.
    ///   - router: Takes the answers to calls sent around the SDK client (see ``ResponseRouter``).
    ///   - progress: Kept up to date by the reading thread (given by a caller that needs it in `ended`).
    ///   - ended: Called once, on the reading thread, with the reason reading stopped (end of file, read error,
    ///     garbage, an over-long line). Not called for ``disconnect()``.
    public init(
        input: Int32, output: Int32, closesDescriptors: Bool, peer: String,
        maxMessageBytes: Int = PipeTransport.defaultMaxMessageBytes,
        answersBeforeEnd: Bool = false, router: ResponseRouter? = nil, progress: ReadProgress = ReadProgress(),
        logger: Logger? = nil, wire: WireTap? = nil, ended: @escaping @Sendable (SessionError) -> Void = { _ in }
    ) {
        self.wire = wire
        self.progress = progress
        self.input = input
        self.output = output
        self.closesDescriptors = closesDescriptors
        self.peer = peer
        self.maxMessageBytes = maxMessageBytes
        self.logger = logger ?? Logger(label: "baysh.mcp.pipe", factory: { _ in SwiftLogNoOpLogHandler() })
        self.ended = ended
        self.ledger = answersBeforeEnd ? RequestLedger() : nil
        self.router = router
        self.writer = PipeWriter(descriptor: output, closesDescriptor: closesDescriptors, peer: peer)
        (messages, continuation) = AsyncThrowingStream.makeStream(of: Data.self, throwing: Swift.Error.self)
    }

    public func connect() async throws {
        guard !connected else { return }
        guard !closed else { throw SessionError.transport("the connection to \(peer) is closed; reconnect") }
        BrokenPipeSignal.ignore()
        try writer.start()
        connected = true
        let continuation = continuation
        let ended = ended
        let input = input
        let closesInput = closesDescriptors
        let ledger = ledger
        let read = reading(continuation: continuation)
        // The reading thread alone closes the input: closing a descriptor another thread is blocked reading is
        // unreliable, and the number could be reused underneath it.
        let thread = Thread {
            // Foundation keeps `name` to itself on Linux; the system's name shows in `top -H`, `perf` and gdb.
            _ = bayshlinux_name_thread("baysh-mcp-read")
            let reason = read()
            if let ledger {
                ledger.finish { continuation.finish(throwing: reason) }
            } else {
                continuation.finish(throwing: reason)
            }
            if closesInput { close(input) }
            ended(reason)
        }
        thread.name = "baysh-mcp-read"
        thread.start()
    }

    /// The reading thread's work: with a router (the client side), messages are parsed as they arrive and offered
    /// to it, and only the rest is encoded again for the SDK (small ones: the handshake, notifications, requests
    /// from the server); without one (`baysh serve`), lines go to the SDK's server as they came.
    private func reading(
        continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation
    ) -> @Sendable () -> SessionError {
        let (ledger, peer, logger, wire) = (ledger, peer, logger, wire)
        guard let router else {
            let reader = LineReader(descriptor: input, maxLineBytes: maxMessageBytes, peer: peer, progress: progress)
            return {
                reader.run { message in
                    ledger?.received(message)
                    continuation.yield(message)
                }
            }
        }
        let reader = MessageReader(descriptor: input, maxMessageBytes: maxMessageBytes, peer: peer, progress: progress)
        ResponseRouter.prepareReaderHandoff()
        return {
            reader.run(
                MessageReader.Delegate(
                    itemSink: { router.toolPage(for: $0) },
                    deliver: { message in
                        // Off, this is the one check per message; on, the message is encoded again to be shown.
                        if let wire, wire.isOn { wire.message(.received, Data(JSONText.encode(message).utf8)) }
                        if router.routeRunningWaiter(message) { return }
                        if router.takeServerMessage(message) { return }
                        router.passingToSDK(message)
                        let data = Data(JSONText.encode(message).utf8)
                        ledger?.received(data)
                        continuation.yield(data)
                    },
                    malformed: { id, problem in
                        let error = SessionError.protocolViolation(
                            "\(peer) wrote a line that is not valid JSON: \(Redactor.shared.redact(problem))")
                        if !router.reject(id, with: error) { logger.warning("\(error.description)") }
                    }))
        }
    }

    /// Stops delivering messages, fails the writes still pending (a peer that stopped reading cannot hold this up)
    /// and closes the output, which tells a child server to exit. The reading thread ends at the peer's end of file.
    public func disconnect() async {
        guard !closed else { return }
        closed = true
        let reason = SessionError.transport("disconnected from \(peer)")
        continuation.finish(throwing: reason)
        writer.close(reason)
        if closesDescriptors && !connected { close(input) }
    }

    /// Writes `data` as one line, suspending until it is out. Cancellation ends the wait early; the line still goes
    /// out whole.
    public func send(_ data: Data) async throws {
        guard connected, !closed else {
            throw SessionError.transport("not connected to \(peer)")
        }
        if let wire, wire.isOn { wire.message(.sent, data) }
        try await writer.write(data)
        ledger?.answered()
    }

    /// Queues `data` as one line and returns without waiting for it to be written: the way a tool call is sent, so
    /// the call's deadline and cancellation keep working while a peer that stopped reading holds the line up.
    /// `failed` runs if the line cannot be written (the peer has gone, the transport was disconnected).
    public nonisolated func post(_ data: Data, failed: @escaping @Sendable (SessionError) -> Void) throws {
        if let wire, wire.isOn { wire.message(.sent, data) }
        try writer.post(data) { error in
            if let error { failed(error) }
        }
    }

    public func receive() -> AsyncThrowingStream<Data, Swift.Error> {
        messages
    }
}
