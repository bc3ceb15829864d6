import Foundation
import MCP
import Synchronization

/// Any MCP server as a ``Session``: a command baysh starts (stdio) or a streamable HTTP endpoint, through the MCP
/// SDK's `Client` on baysh's own transports.
///
/// Every request has a time limit (the SDK has none) and honours task cancellation by sending
/// `notifications/cancelled`; the session stays usable afterwards. When a stdio server exits or writes something
/// that is not JSON-RPC, pending and later calls fail at once with the reason (exit status and last stderr lines)
/// until ``reconnect()``. MCP servers have no labels: ``setLabels(_:)`` keeps them in memory for this baysh run only.
public final class MCPSession: Session {
    /// How long a call may take when ``CallOptions/readTimeout`` does not say.
    public static let defaultReadTimeout: Duration = .seconds(60)
    /// How long starting a server and the `initialize` handshake may take (`uvx` and `npx` may download first).
    public static let defaultConnectTimeout: Duration = .seconds(60)

    public let descriptor: SessionDescriptor
    public let sessionId: String
    public let ownership: SessionOwnership
    public var maskedAPIKey: String? { nil }
    public var vpc: VPCInfo? { nil }

    /// The server's name: from the configuration, else what `initialize` said, else the command's base name.
    public let serverName: String
    /// Where the server is.
    public let target: MCPTarget

    /// `:wire`: the JSON-RPC messages of this connection and of any made again by a reconnect.
    public let wireTap: WireTap?
    private let connectTimeout: Duration
    let readTimeout: Duration
    /// Resources and prompts as last listed (MCPSession+Catalog.swift).
    let catalog = Mutex(CatalogCache())
    /// The log level every 2026-era request asks for (that era has no `logging/setLevel`). Debug until `:loglevel`
    /// says otherwise: handshake-era servers send every level until told, and the shell filters what it shows, so
    /// both eras show the same lines.
    let modernLogLevel = Mutex("debug")
    /// The `--protocol` choice, kept for `:reconnect`.
    private let era: MCPProtocolChoice
    private let state: Mutex<State>
    /// Serialises reconnects so two `:reconnect`s cannot start two servers.
    private let reconnecting = Mutex(false)
    /// What the server says and asks beside answers, handed to the shell's conversation.
    let talk: ServerTalk

    private struct State {
        var connection: MCPConnection?
        var tools: [ToolInfo]?
        /// Set by `notifications/tools/list_changed`: the next listTools fetches again.
        var toolsStale = false
        var labels: [String: String] = [:]
        var nextRequestNumber = 1
    }

    /// Starts or reaches the server and completes the `initialize` handshake.
    ///
    /// - Parameters:
    ///   - name: The server's name from a configuration file (`mcpServers` key); nil to use the server's own.
    ///   - timeout: Limit for starting the server and the handshake.
    ///   - readTimeout: Default limit for each call.
    public static func connect(
        _ target: MCPTarget, name: String? = nil, timeout: Duration = defaultConnectTimeout,
        readTimeout: Duration = defaultReadTimeout, protocol choice: MCPProtocolChoice = .auto
    ) async throws -> MCPSession {
        let talk = ServerTalk()
        let wire = WireTap()
        let connection = try await MCPConnection.open(target, timeout: timeout, talk: talk, wire: wire, era: choice)
        let serverName = [name, connection.handshake.serverInfo.name].compactMap { $0 }
            .first { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? target.fallbackName
        talk.named(serverName)
        let session = MCPSession(
            target: target, serverName: serverName, connection: connection, connectTimeout: timeout,
            readTimeout: readTimeout, talk: talk, wire: wire, era: choice)
        // A change announced before the session existed needs nothing: no list had been fetched yet.
        talk.onListChanged { [weak session] list in session?.serverChanged(list) }
        return session
    }

    private init(
        target: MCPTarget, serverName: String, connection: MCPConnection, connectTimeout: Duration,
        readTimeout: Duration, talk: ServerTalk, wire: WireTap, era: MCPProtocolChoice
    ) {
        self.era = era
        self.talk = talk
        self.wireTap = wire
        self.target = target
        self.serverName = serverName
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.sessionId = "mcp-" + UUID().uuidString.prefix(8).lowercased()
        if case .stdio = target {
            self.ownership = .created
        } else {
            self.ownership = .attached
        }
        var serverLog: String?
        if case .stdio(_, _, _, .file(let log)) = target { serverLog = log }
        // A server baysh started ends with it, and a remote one is reached by its URL: no session id reattaches.
        var descriptor = SessionDescriptor(
            backend: .mcp, label: serverName, target: "mcp-" + Self.targetSlug(serverName), serverName: serverName,
            serverLog: serverLog, reattachable: false)
        if case .stdio = target { descriptor.endOfLife = "server process started by baysh, stopped on exit" }
        self.descriptor = descriptor
        self.state = Mutex(State(connection: connection))
    }

    public var cachedTools: [ToolInfo]? { state.withLock { $0.tools } }

    /// The child process of a stdio server, while connected.
    public var serverProcess: ServerProcess? { state.withLock { $0.connection?.process } }

    /// The current connection, if any, broken or not.
    var liveConnection: MCPConnection? { state.withLock { $0.connection } }

    /// The handshake's result of the current connection (server info, protocol version, capabilities).
    public var handshake: Initialize.Result? { state.withLock { $0.connection?.handshake } }

    /// The folder the server says its tools work in: a `workspace: /path` line of its `instructions`, as
    /// `baysh serve` writes them (``WorkspaceInstructions``); nil when it says none.
    public var workspacePath: String? {
        handshake?.instructions.flatMap(WorkspaceInstructions.workspace(inInstructions:))
    }

    public func listTools(imageId: String?, refresh: Bool) async throws -> [ToolInfo] {
        if !refresh, let tools = state.withLock({ $0.toolsStale ? nil : $0.tools }) { return tools }
        let connection = try currentConnection()
        var tools: [ToolInfo] = []
        var cursor: String?
        var seenCursors: Set<String> = []
        repeat {
            let params: Value = cursor.map { ["cursor": .string($0)] } ?? [:]
            // Through the router, each tool made a ToolInfo as soon as it is parsed: the SDK's client would decode
            // the whole page with Foundation, and even a tree of the whole page is several times the tools' size.
            let page = ToolPage(server: serverName)
            let (answer, _, _) = try await exchange(
                ListTools.name, params: params, on: connection, operation: "tools/list", timeout: readTimeout,
                toolPage: page)
            let notAList = { (why: String) in
                SessionError.protocolViolation(
                    "MCP server '\(self.serverName)' answered tools/list with something that is not a tool list: \(why)")
            }
            guard case .object(let result)? = answer["result"] else {
                if let error = JSONRPCErrorAnswer(answer: answer) {
                    throw SessionError.protocolViolation("MCP server '\(serverName)' refused tools/list: \(error.text)")
                }
                throw notAList("no result")
            }
            guard case .array(let items)? = result["tools"] else { throw notAList("no tools array") }
            if !page.received {
                // The server wrote "id" after "result": the items came in the answer's array.
                page.beginArray()
                items.forEach(page.take)
            }
            let contents = page.finish()
            if let unnamed = contents.unnamedItem { throw notAList("tool \(unnamed + 1) has no name") }
            tools += contents.tools
            switch result["nextCursor"] {
            case .string(let next)?:
                cursor = next
                if !seenCursors.insert(next).inserted {
                    throw SessionError.protocolViolation(
                        "MCP server '\(serverName)' repeated the tools/list cursor '\(next)'")
                }
            case nil, .null?:
                cursor = nil
            default:
                throw notAList("nextCursor is not a string")
            }
        } while cursor != nil
        state.withLock {
            $0.tools = tools
            $0.toolsStale = false
        }
        return tools
    }

    public func callTool(name: String, arguments: [String: Value], options: CallOptions) async throws -> ToolResult {
        let connection = try currentConnection()
        let operation = "call \(name)"
        let (answer, elapsed, id) = try await exchange(
            CallTool.name, params: ["name": .string(name), "arguments": .object(arguments)], on: connection,
            operation: operation, timeout: options.readTimeout ?? readTimeout, reportsProgress: true)
        let requestId = id.description
        let notAResult = { (why: String) in
            SessionError.protocolViolation(
                "MCP server '\(self.serverName)' answered \(operation) with something that is not a tool result: \(why)")
        }
        if let error = JSONRPCErrorAnswer(answer: answer) {
            return try self.answer(to: error, tool: name, requestId: requestId, elapsed: elapsed)
        }
        guard case .object(let result)? = answer["result"], case .array(let items)? = result["content"] else {
            throw notAResult("no result with a content array")
        }
        return ToolResult(
            content: items.map(CallToolResultParsing.item), isError: result["isError"] == .bool(true),
            structuredContent: result["structuredContent"], requestId: requestId, elapsed: elapsed)
    }

    /// Sends request `method` with `params` around the SDK client and waits for the answer message within
    /// `timeout`; a timeout or cancellation sends `notifications/cancelled` so the server can stop, and the
    /// pending request is dropped. Returns the answer (an object), how long it took and the request's id.
    ///
    /// With `reportsProgress` the request carries a progress token (its id): progress the server reports is handed
    /// to the conversation and starts the time limit again (see ``DeadlineRenewal``).
    func exchange(
        _ method: String, params: Value, on connection: MCPConnection, operation: String, timeout: Duration,
        toolPage: ToolPage? = nil, reportsProgress: Bool = false, round: Int = 0
    ) async throws -> (answer: [String: Value], elapsed: Duration, id: ID) {
        let number = state.withLock { state in
            defer { state.nextRequestNumber += 1 }
            return state.nextRequestNumber
        }
        // A string id: servers number their own requests to us 0, 1, 2…, and the router must not take those.
        let idText = "baysh-\(number)"
        let id = ID.string(idText)
        var params = params
        if reportsProgress || connection.isModern, case .object(var members) = params {
            var meta = connection.isModern ? ServerDiscovery.meta : [:]
            if connection.isModern { meta[ServerDiscovery.logLevelKey] = .string(modernLogLevel.withLock { $0 }) }
            // The request's number as an integer token: a string costs a server on the Swift SDK three failed
            // decodes and a regular expression (its `Value` checks every string for a data URL), a sixth of a
            // trivial call's time there.
            if reportsProgress { meta["progressToken"] = .int(number) }
            members["_meta"] = .object(meta)
            params = .object(members)
        }
        let request = Self.request(id: idText, method: method, params: params)
        let renewal = reportsProgress ? DeadlineRenewal() : nil
        let started = ContinuousClock.now
        let answer: Value
        do {
            let (router, talk) = (connection.router, self.talk)
            answer = try await CallDeadline.run(
                operation: operation, timeout: timeout, renewal: renewal,
                abandon: {
                    router.abandon(id, with: CancellationError())
                    connection.cancel(id, reason: "\(operation): the caller gave up")
                }
            ) {
                let waiting = {
                    try await router.response(
                        to: id, toolPage: toolPage, answerArrivesDuringSend: connection.answersArriveDuringSend
                    ) {
                        try await connection.sendCall(request, id: id)
                    }
                }
                guard let renewal else { return try await waiting() }
                return try await talk.tracking(String(number), renewal: renewal, waiting)
            }
        } catch {
            if let reason = connection.brokenReason ?? stall(behind: error, on: connection) { throw reason }
            if error is CancellationError { throw SessionError.cancelled(operation: operation) }
            throw error
        }
        guard case .object(let members) = answer else {
            throw SessionError.protocolViolation(
                "MCP server '\(serverName)' answered \(operation) with a JSON array, not a JSON-RPC response object: "
                    + "the server does not follow MCP; report it to the server's authors")
        }
        if connection.isModern,
            let retry = try await inputAnswered(members, params: params, operation: operation, round: round)
        {
            return try await exchange(
                method, params: retry, on: connection, operation: operation, timeout: timeout, toolPage: toolPage,
                reportsProgress: reportsProgress, round: round + 1)
        }
        return (members, ContinuousClock.now - started, id)
    }

    /// A JSON-RPC request as sent. JSONText rather than Foundation's coders: on the call path they cost a third of
    /// the call rate. The envelope is fixed text; only `params` needs encoding.
    static func request(id: String, method: String, params: Value) -> Data {
        Data(
            (#"{"jsonrpc":"2.0","id":"# + JSONText.quoted(id) + #","method":"# + JSONText.quoted(method)
                + #","params":"# + JSONText.encode(params) + "}").utf8)
    }

    public func findServer(forTool tool: String) async throws -> String? {
        try await listTools().contains { $0.name == tool } ? serverName : nil
    }

    public func labels() async throws -> [String: String] {
        state.withLock { $0.labels }
    }

    public func setLabels(_ labels: [String: String]) async throws {
        try Self.validateLabels(labels)
        state.withLock { $0.labels = labels }
    }

    public func info() async throws -> SessionInfo {
        let (connection, tools, labels) = state.withLock { ($0.connection, $0.tools, $0.labels) }
        var fields: [SessionInfo.Field] = [
            .init("session id", sessionId),
            .init("backend", "mcp"),
            .init("server", serverName),
        ]
        if let handshake = connection?.handshake {
            fields.append(.init("server version", "\(handshake.serverInfo.name) \(handshake.serverInfo.version)"))
            fields.append(.init("protocol version", handshake.protocolVersion))
            fields.append(.init("capabilities", Self.describe(handshake.capabilities)))
        }
        if let changes = listChanges { fields.append(.init("list changes", changes)) }
        fields.append(.init("transport", target.transportName))
        switch target {
        case .stdio(let command, let environment, let workingDirectory, let stderr):
            fields.append(.init("command", connection?.process?.displayCommand ?? command.joined(separator: " ")))
            if !environment.isEmpty {
                fields.append(.init("environment", environment.keys.sorted().map { "\($0)=****" }.joined(separator: " ")))
            }
            if let workingDirectory { fields.append(.init("working directory", workingDirectory)) }
            switch stderr {
            case .terminal: fields.append(.init("server stderr", "terminal"))
            case .file(let path): fields.append(.init("server stderr", path))
            case .discard: fields.append(.init("server stderr", "discarded (last lines kept for errors)"))
            }
            if let process = connection?.process {
                fields.append(
                    .init(
                        "process",
                        process.hasExited
                            ? "pid \(process.pid), exited with status \(process.exitStatus.map(String.init) ?? "unknown")"
                            : "pid \(process.pid), running"))
            }
        case .http(let url, let headers, let bearer):
            fields.append(.init("url", Redactor.shared.redact(url.absoluteString)))
            var shown = headers.keys.sorted().map { "\($0): \(Secret.mask(headers[$0] ?? ""))" }
            if let bearer { shown.append("Authorization: Bearer \(bearer.masked)") }
            if !shown.isEmpty { fields.append(.init("headers", shown.joined(separator: ", "))) }
        }
        if let failure = connection?.brokenReason {
            fields.append(.init("connection", "broken: \(Redactor.shared.redact(failure.description))"))
        } else {
            fields.append(.init("connection", connection == nil ? "closed" : "open"))
        }
        fields.append(.init("tools", tools.map { String($0.count) } ?? "not listed yet"))
        fields.append(
            .init(
                "labels",
                (labels.isEmpty ? "none" : labels.keys.sorted().map { "\($0)=\(labels[$0]!)" }.joined(separator: " "))
                    + " (kept in memory only: MCP servers have no labels)"))
        return SessionInfo(fields: fields)
    }

    public func link(protocolType: String?, port: Int?, options: String?) async throws -> String {
        try Self.validateLinkPort(port)
        throw SessionError.unsupported(
            operation: "get_link", backend: .mcp, reason: "an MCP server has no ports to link to")
    }

    /// Closes the connection and, for a server baysh started, stops its process. There is nothing to delete on the
    /// server side: MCP has no session deletion beyond the HTTP transport's, which ``close()`` does.
    public func delete(syncContext: Bool) async throws {
        await close()
    }

    public func close() async {
        let connection = state.withLock { state in
            defer { state.connection = nil }
            return state.connection
        }
        await connection?.close()
    }

    /// `:reconnect`: ends the current connection (stopping a stdio server) and opens a new one to the same target.
    /// The tool list is fetched again on next use; labels are kept.
    public func reconnect() async throws {
        let claimed = reconnecting.withLock { busy -> Bool in
            defer { busy = true }
            return !busy
        }
        guard claimed else {
            throw SessionError.invalidArgument("a reconnect is already in progress")
        }
        defer { reconnecting.withLock { $0 = false } }
        await close()
        let connection = try await MCPConnection.open(
            target, timeout: connectTimeout, talk: talk, wire: wireTap, era: era)
        state.withLock {
            $0.connection = connection
            $0.toolsStale = true
        }
    }

    /// The server said `list` changed: tools are fetched again at once (the prompt and Tab show them); resources and
    /// prompts are forgotten, and fetched again in the background when they had been listed.
    func serverChanged(_ list: ServerList) {
        switch list {
        case .tools:
            state.withLock { $0.toolsStale = true }
            talk.conversation?.serverToolsChanged()
        case .prompts:
            guard catalog.withLock({ $0.prompts.take() }) != nil else { return }
            Task { [weak self] in _ = try? await self?.listPrompts() }
        case .resources:
            guard catalog.withLock({ $0.resources.take() }) != nil else { return }
            Task { [weak self] in _ = try? await self?.listResources() }
        }
    }

    func currentConnection() throws -> MCPConnection {
        guard let connection = state.withLock({ $0.connection }) else {
            throw SessionError.transport("the connection to MCP server '\(serverName)' is closed; use :reconnect")
        }
        if let reason = connection.brokenReason { throw reason }
        return connection
    }

    /// A timeout caused by a server stuck half-way through a message, which breaks the connection.
    private func stall(behind error: Swift.Error, on connection: MCPConnection) -> SessionError? {
        guard case .timedOut(_, let after)? = error as? SessionError else { return nil }
        return connection.breakIfStalled(after: after)
    }

    /// A JSON-RPC error answer to tools/call. An unknown tool or bad arguments mean the call was not made, so they
    /// are errors; anything else is the tool failing, which the shell shows as an error result with the server's
    /// code and message. An error answer arrived, so the connection itself is fine whatever the code says.
    private func answer(to error: JSONRPCErrorAnswer, tool: String, requestId: String, elapsed: Duration) throws
        -> ToolResult
    {
        let known = cachedTools?.contains { $0.name == tool }
        let code = error.code
        if known == false, code == JSONRPCErrorAnswer.methodNotFound || code == JSONRPCErrorAnswer.invalidParams {
            throw SessionError.notFound("MCP server '\(serverName)' has no tool '\(tool)': \(error.text)")
        }
        if code == JSONRPCErrorAnswer.invalidParams {
            throw SessionError.invalidArgument(
                "MCP server '\(serverName)' refused the call to '\(tool)': \(error.text)")
        }
        // A handshake-era tool asking a question on the connection, which a 2026 request has no back-channel for
        // (the Python package's words): the user can still reach it the old way.
        let hint =
            liveConnection?.isModern == true && error.message.contains("back-channel")
            ? " (the server asks its questions the handshake way: try --protocol 2025)" : ""
        return ToolResult(
            content: [.text("MCP server '\(serverName)' answered with \(error.text)\(hint)")],
            isError: true, requestId: requestId, elapsed: elapsed)
    }

    static func describe(_ capabilities: Server.Capabilities) -> String {
        var parts: [String] = []
        if let tools = capabilities.tools { parts.append(tools.listChanged == true ? "tools (list_changed)" : "tools") }
        if capabilities.resources != nil { parts.append("resources") }
        if capabilities.prompts != nil { parts.append("prompts") }
        if capabilities.logging != nil { parts.append("logging") }
        if capabilities.completions != nil { parts.append("completions") }
        return parts.isEmpty ? "none declared" : parts.joined(separator: ", ")
    }

    /// `mcp-my-server` from `My Server`: history files are named after it.
    static func targetSlug(_ name: String) -> String {
        let slug = name.lowercased().map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" }
        return String(slug).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }
}
