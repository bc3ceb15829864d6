import Foundation
import MCP
import Synchronization

/// One live connection to an MCP server: the SDK client, its transport, the child process for a stdio server, and
/// what the handshake said. ``MCPSession`` replaces it on `:reconnect`.
final class MCPConnection: Sendable {
    let client: Client
    let transport: any Transport
    /// The transport when it is a stdio pipe (looked up once: a dynamic cast per call shows in the profile).
    private let pipe: PipeTransport?
    let process: ServerProcess?
    let handshake: Initialize.Result
    /// Whether the 2026-07-28 revision is spoken: every request then carries ``ServerDiscovery/meta``.
    let isModern: Bool
    /// Answers to tool calls, which go around the SDK client.
    let router: ResponseRouter
    /// The 2026-era `subscriptions/listen` stream, when the server's lists can change.
    let subscription: ListSubscription?
    /// Why the connection broke, once it has: the first reason recorded wins, so a server that printed garbage and
    /// then exited is reported as printing garbage.
    private let breakage: Breakage
    /// What a stdio server's output reader holds (nil over HTTP, where each answer has its own request).
    private let progress: ReadProgress?

    /// Over streamable HTTP a call's answer comes back inside the POST that sent it (see ``ResponseRouter``).
    var answersArriveDuringSend: Bool { transport is StreamableHTTPTransport }

    /// Sends the request of tool call `id`, whose answer the router waits for. Over stdio the line is queued, not
    /// waited for: a server that stops reading must not hold the call past its deadline or cancellation; a write
    /// that fails fails the call through the router.
    func sendCall(_ request: Data, id: ID) async throws {
        guard let pipe else {
            try await transport.send(request)
            return
        }
        let router = router
        try pipe.post(request) { router.abandon(id, with: $0) }
    }

    /// Tells the server to stop request `id`, which baysh no longer waits for. In the handshake era that is
    /// `notifications/cancelled` through the SDK client; in the 2026 era the SDK client never connected, so over stdio
    /// baysh writes the notification itself, and over HTTP nothing is sent: abandoning the request closed its
    /// answer stream (``ResponseRouter``), which is how that era cancels.
    func cancel(_ id: ID, reason: String) {
        guard isModern else {
            let client = client
            Task { try? await client.cancelRequest(id, reason: reason) }
            return
        }
        guard let pipe else { return }
        let requestId: Value =
            switch id {
            case .string(let text): .string(text)
            case .number(let number): .int(number)
            }
        let params: Value = ["requestId": requestId, "reason": .string(reason)]
        let note = #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":"# + JSONText.encode(params) + "}"
        try? pipe.post(Data(note.utf8)) { _ in }
    }

    /// The reason the connection is unusable, or nil while it works.
    var brokenReason: SessionError? { breakage.reason }

    private init(
        client: Client, transport: any Transport, process: ServerProcess?, handshake: Initialize.Result,
        router: ResponseRouter, breakage: Breakage, progress: ReadProgress?, isModern: Bool
    ) {
        self.isModern = isModern
        self.subscription = isModern ? ListSubscription(capabilities: handshake.capabilities) : nil
        self.progress = progress
        self.router = router
        self.client = client
        self.transport = transport
        self.pipe = transport as? PipeTransport
        self.process = process
        self.handshake = handshake
        self.breakage = breakage
    }

    /// What baysh declares it can do for a server: answer questions (forms and URLs), sampling, and roots (which
    /// do not change while it runs).
    static let capabilities = Client.Capabilities(
        sampling: .init(), elicitation: .init(form: .init(), url: .init()), roots: .init(listChanged: false))

    /// Starts or reaches the server and runs the `initialize` handshake within `timeout`.
    /// `talk` takes what the server says and asks beside answers (progress, logs, changed lists, questions).
    static func open(
        _ target: MCPTarget, timeout: Duration, talk: ServerTalk, wire: WireTap? = nil,
        era: MCPProtocolChoice = .auto
    ) async throws -> MCPConnection {
        let client = Client(name: "baysh", version: BayshVersion.current, capabilities: capabilities)
        let router = ResponseRouter()
        let broken = Breakage(client: client, router: router)

        let transport: any Transport
        let process: ServerProcess?
        var progress: ReadProgress?
        switch target {
        case .stdio(let command, let environment, let workingDirectory, let stderr):
            let child = try ServerProcess.start(
                command: command, environment: environment, workingDirectory: workingDirectory, stderr: stderr)
            let display = child.displayCommand
            child.onExit { status in
                broken.record(.serverExited(command: display, status: status, stderrTail: child.stderrTail))
            }
            let reading = ReadProgress()
            transport = PipeTransport(
                input: child.stdoutDescriptor, output: child.stdinDescriptor, closesDescriptors: true,
                peer: "MCP server '\(display)'", router: router, progress: reading, wire: wire
            ) { reason in
                if case .protocolViolation = reason, !reading.reachedEndOfFile {
                    broken.record(reason)
                    return
                }
                // End of file usually means the server is exiting, even when it cut a message short: wait briefly so
                // the error carries its status and last stderr lines rather than a bare "closed its output".
                Task {
                    if await !child.waitForExit(timeout: .seconds(1)) { broken.record(reason) }
                }
            }
            process = child
            progress = reading
            // Weakly: the router belongs to the transport.
            let pipe = WeakReference(transport as? PipeTransport)
            router.listen { message in talk.take(message) { answer in try? pipe.value?.post(answer) { _ in } } }
        case .http(let url, let headers, let bearer):
            let http = StreamableHTTPTransport(
                url: url, headers: headers, bearer: bearer, requestTimeout: timeout, router: router, wire: wire)
            transport = http
            process = nil
            // An answer to the server is a POST of its own, which must not hold up the stream that asked.
            let weakHTTP = WeakReference(http)
            router.listen { message in
                talk.take(message) { answer in Task { try? await weakHTTP.value?.send(answer) } }
            }
        }

        do {
            let server = process?.displayCommand ?? target.fallbackName
            let (handshake, modern) = try await CallDeadline.run(
                operation: "connecting to MCP server '\(server)'",
                timeout: timeout,
                abandon: {
                    // The probe waits in the router, the handshake in the SDK client: both must end now.
                    router.failAll(CancellationError())
                    Task { await client.disconnect(); await transport.disconnect() }
                }
            ) {
                if era != .handshake, let discovered = try await ServerDiscovery.probe(
                    transport: transport, router: router, choice: era, server: server)
                {
                    return (discovered, true)
                }
                do {
                    return (try await client.connect(transport: transport), false)
                } catch where era == .auto {
                    // The Python client's rule: `initialize` refused with -32022 naming the 2026 revision is positive
                    // evidence (a slow server answered the probe after baysh stopped waiting, and is now modern), so
                    // the server is probed once more on the same connection.
                    guard let refusal = router.lastSDKError, Self.wantsModern(refusal) else { throw error }
                    _ = router.takeSDKError()
                    guard let discovered = try await ServerDiscovery.probe(
                        transport: transport, router: router, choice: .modern, server: server, attempt: 2)
                    else { throw error }
                    return (discovered, true)
                }
            }
            let connection = MCPConnection(
                client: client, transport: transport, process: process, handshake: handshake, router: router,
                breakage: broken, progress: progress, isModern: modern)
            connection.subscription?.start(on: connection) { talk.announce($0) }
            return connection
        } catch let caught {
            // The server's answer said the era does not fit: that, not the exit that closing its input causes.
            let eraVerdict = broken.reason == nil && caught is ServerDiscovery.EraMismatch
            let error = (caught as? ServerDiscovery.EraMismatch)?.reason ?? caught
            await client.disconnect()
            await transport.disconnect()
            if eraVerdict {
                await process?.terminate()
                throw error
            }
            if let own = error as? SessionError, case .timedOut = own {
                await process?.terminate()
                throw own
            }
            if let own = error as? SessionError, case .cancelled = own {
                await process?.terminate()
                throw own
            }
            // An error answer to `initialize`: the server's own code and words, not the SDK's stand-in text (the
            // server may exit once refused; its answer is still the reason).
            if !(error is SessionError), let answer = router.takeSDKError() {
                await process?.terminate()
                let modernOnly = Self.wantsModern(answer)
                throw SessionError.transport(
                    "MCP server '\(process?.displayCommand ?? target.fallbackName)' refused the handshake: "
                        + answer.text
                        + (modernOnly ? "; it speaks the \(MCPProtocolChoice.modernVersion) revision: use --protocol auto or 2026" : ""))
            }
            // Give an exiting child a moment, so the error names its status and stderr instead of a broken pipe.
            if let process, await process.waitForExit(timeout: .milliseconds(500)),
                let reason = broken.reason
            {
                throw reason
            }
            await process?.terminate()
            if let reason = broken.reason { throw reason }
            throw error
        }
    }

    /// Whether `answer` is -32022 (unsupported protocol version) with a `supported` list naming the 2026 revision.
    private static func wantsModern(_ answer: JSONRPCErrorAnswer) -> Bool {
        guard answer.code == ServerDiscovery.unsupportedProtocolVersion, let data = answer.data,
            case .success(.object(let members)) = JSONText.parse(data),
            case .array(let supported)? = members["supported"]
        else { return false }
        return supported.contains(.string(MCPProtocolChoice.modernVersion))
    }

    /// After a request to a stdio server timed out: if the server stopped half-way through a message, the stream is
    /// out of step (the next answer would be glued to the fragment and lost, and every later call would time out
    /// too), so the connection is ended with that reason, which is returned. Nil when the output is in step.
    func breakIfStalled(after timeout: Duration) -> SessionError? {
        let patience = min(timeout / 2, .seconds(1))
        guard let progress, let stalled = progress.stalledMessage(patience: patience) else { return nil }
        let server = process.map { "MCP server '\($0.displayCommand)'" } ?? "the MCP server"
        breakage.record(.protocolViolation("\(server) \(stalled); its output is out of step, use :reconnect"))
        return breakage.reason
    }

    /// Disconnects the client (failing pending requests) and ends the child process. Safe to call twice.
    func close() async {
        breakage.record(.transport("the connection was closed; use :reconnect"))
        subscription?.stop(router: router)
        await client.disconnect()
        // In the 2026 era the SDK client never took the transport over.
        if isModern { await transport.disconnect() }
        // MCP's stdio shutdown: the closed stdin asks the server to exit, which lets it clean up (a `baysh serve`
        // deletes the session it created); signals follow only for a server that does not go.
        guard let process else { return }
        if await !process.waitForExit(timeout: Self.exitGrace) { await process.terminate() }
    }

    /// How long a stdio server has to exit by itself after its stdin closes.
    static let exitGrace = Duration.milliseconds(1500)
}

/// Records why a connection broke, fails the calls waiting in the router, and disconnects the SDK client, which
/// otherwise leaves its pending requests waiting forever once the transport has ended.
private final class Breakage: Sendable {
    private let failure = Mutex<SessionError?>(nil)
    private let client: Client
    private let router: ResponseRouter

    init(client: Client, router: ResponseRouter) {
        self.client = client
        self.router = router
    }

    var reason: SessionError? { failure.withLock { $0 } }

    func record(_ reason: SessionError) {
        let first = failure.withLock { current -> Bool in
            guard current == nil else { return false }
            current = reason
            return true
        }
        if first {
            router.failAll(reason)
            let client = client
            Task { await client.disconnect() }
        }
    }
}

/// A reference that does not keep its object alive, for closures that must be `Sendable`.
struct WeakReference<Object: AnyObject & Sendable>: Sendable {
    weak var value: Object?

    init(_ value: Object?) {
        self.value = value
    }
}
