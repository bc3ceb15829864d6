import Foundation
import Logging
import MCP
import Synchronization

/// An AgentBay cloud session behind the ``Session`` API.
///
/// Tool calls take the route the SDK would: the legacy VPC endpoint for a VPC session, the session's LinkUrl when
/// it has a LinkUrl, a token and the tool's server is known, else the CallMcpTool API action.
public final class AgentBaySession: Session {
    public let descriptor: SessionDescriptor
    public let sessionId: String
    public let ownership: SessionOwnership
    public let vpc: VPCInfo?
    /// The client this session talks through (one keep-alive connection for its lifetime).
    public let client: AgentBayClient
    public var wireTap: WireTap? { client.wireTap }
    /// The image the session was created with (nil when attached and the server did not say).
    public let imageId: String?
    /// CreateMcpSession/GetSession facts.
    public let facts: AgentBaySessionFacts
    let deletePolling: AgentBayDeletePolling
    /// False when the client is shared (a fan-out's sessions use one client, so one pool of connections).
    private let ownsClient: Bool
    private let toolCache: Mutex<[ToolInfo]?>
    /// Idle release, max runtime and the keep-alive task (started here, stopped by close and delete).
    let keeper: AgentBayKeepAlive
    /// The labels as last set or read, for `:new` (nil when never known).
    let knownLabels: Mutex<[String: String]?>

    public var maskedAPIKey: String? { client.configuration.apiKey.masked }
    public var cachedTools: [ToolInfo]? { toolCache.withLock { $0 } }

    init(
        client: AgentBayClient, facts: AgentBaySessionFacts, imageId: String?, ownership: SessionOwnership,
        deletePolling: AgentBayDeletePolling, lifecycle: AgentBayLifecycleOptions, labels: [String: String]?,
        ownsClient: Bool = true
    ) {
        self.client = client
        self.ownsClient = ownsClient
        self.facts = facts
        self.sessionId = facts.sessionId
        self.imageId = imageId
        self.ownership = ownership
        self.deletePolling = deletePolling
        self.vpc = facts.vpc
        self.toolCache = Mutex(facts.tools.flatMap { $0.isEmpty ? nil : $0 })
        self.knownLabels = Mutex(labels)
        self.keeper = AgentBayKeepAlive(
            client: client, sessionId: facts.sessionId, options: lifecycle, createdByBaysh: ownership == .created)
        self.descriptor = SessionDescriptor(
            backend: .agentbay, label: Self.shortLabel(facts.sessionId), target: "agentbay-\(imageId ?? "session")",
            imageId: imageId)
        keeper.start()
    }

    /// `session-04bdwfj7u688ec96t` → `session-04bd…`.
    public static func shortLabel(_ sessionId: String) -> String {
        sessionId.count > 12 ? String(sessionId.prefix(12)) + "…" : sessionId
    }

    /// Creates a new cloud session (deleted on exit unless kept).
    public static func create(
        config: AgentBayConfiguration, imageId: String?, labels: [String: String] = [:],
        retryPolicy: AgentBayRetryPolicy = .standard, deletePolling: AgentBayDeletePolling = .standard,
        lifecycle: AgentBayLifecycleOptions = AgentBayLifecycleOptions(),
        logger: Logger = Logger(label: "baysh.agentbay")
    ) async throws -> AgentBaySession {
        let client = AgentBayClient(configuration: config, retryPolicy: retryPolicy, logger: logger)
        do {
            let facts = try await client.createSession(
                imageId: imageId, labels: labels, idleTimeout: lifecycle.idleTimeout, maxRuntime: lifecycle.maxRuntime)
            return AgentBaySession(
                client: client, facts: facts, imageId: imageId.flatMap { $0.isEmpty ? nil : $0 } ?? "linux_latest",
                ownership: .created, deletePolling: deletePolling, lifecycle: lifecycle, labels: labels)
        } catch {
            client.close()
            throw error
        }
    }

    /// Creates a new cloud session through a client shared with other sessions; closing the session leaves the
    /// client open (its owner closes it).
    public static func create(
        sharing client: AgentBayClient, imageId: String?, labels: [String: String],
        deletePolling: AgentBayDeletePolling = .standard,
        lifecycle: AgentBayLifecycleOptions = AgentBayLifecycleOptions()
    ) async throws -> AgentBaySession {
        let facts = try await client.createSession(
            imageId: imageId, labels: labels, idleTimeout: lifecycle.idleTimeout, maxRuntime: lifecycle.maxRuntime)
        return AgentBaySession(
            client: client, facts: facts, imageId: imageId.flatMap { $0.isEmpty ? nil : $0 } ?? "linux_latest",
            ownership: .created, deletePolling: deletePolling, lifecycle: lifecycle, labels: labels,
            ownsClient: false)
    }

    /// Attaches to an existing session (`--session-id`); it is never deleted implicitly. `lifecycle.idleTimeout`
    /// is the idle release the session was created with (it sets the keep-alive period); the rest is not sent.
    public static func attach(
        config: AgentBayConfiguration, sessionId: String, retryPolicy: AgentBayRetryPolicy = .standard,
        deletePolling: AgentBayDeletePolling = .standard,
        lifecycle: AgentBayLifecycleOptions = AgentBayLifecycleOptions(),
        logger: Logger = Logger(label: "baysh.agentbay")
    ) async throws -> AgentBaySession {
        let client = AgentBayClient(configuration: config, retryPolicy: retryPolicy, logger: logger)
        do {
            let facts = try await client.getSession(sessionId)
            var imageId: String?
            if let detail = try? await client.send("GetSessionDetail", [:], query: ["SessionId": sessionId]),
                let data = try? detail.dataObject(action: "GetSessionDetail")
            {
                imageId = AgentBayEnvelope.string(data, "ImageId").flatMap { $0.isEmpty ? nil : $0 }
            }
            let session = AgentBaySession(
                client: client, facts: facts, imageId: imageId, ownership: .attached, deletePolling: deletePolling,
                lifecycle: lifecycle, labels: nil)
            // Attached while paused: calls wait for :resume instead of failing on the server.
            session.keeper.setPaused(SessionStatus.pausedStates.contains(facts.status ?? ""))
            return session
        } catch {
            client.close()
            throw error
        }
    }

    /// The sessions whose labels include every pair of `labels` (`baysh sessions --label k=v`), all pages.
    public static func listSessions(
        config: AgentBayConfiguration, labels: [String: String], logger: Logger = Logger(label: "baysh.agentbay")
    ) async throws -> [(id: String, status: String)] {
        let client = AgentBayClient(configuration: config, logger: logger)
        defer { client.close() }
        return try await client.allSessions(labels: labels).map { (id: $0.id, status: $0.status) }
    }

    public func listTools(imageId: String?, refresh: Bool) async throws -> [ToolInfo] {
        if !refresh, imageId == nil, let cached = cachedTools { return cached }
        let tools = try await guarded { try await client.listMcpTools(imageId: imageId ?? self.imageId ?? "linux_latest") }
        toolCache.withLock { $0 = tools }
        return tools
    }

    public func findServer(forTool tool: String) async throws -> String? {
        let tools = try await listTools()
        return tools.first { $0.name == tool && !($0.server ?? "").isEmpty }?.server
    }

    public func callTool(name: String, arguments: [String: Value], options: CallOptions) async throws -> ToolResult {
        if keeper.isPaused { throw SessionError.paused(sessionId: sessionId) }
        return try await guarded {
            // The call restarts the server's idle timer when it is sent; a long call counts from its start.
            keeper.noteActivity(call: true)
            defer { keeper.noteActivity(call: true) }
            return try await route(name: name, arguments: arguments, options: options)
        }
    }

    private func route(name: String, arguments: [String: Value], options: CallOptions) async throws -> ToolResult {
        // Only a direct route needs the server up front; the API route lets the backend resolve an unknown one.
        let wantsDirectRoute = (vpc?.isEnabled ?? false) || (facts.linkUrl != nil && facts.token != nil)
        let server: String?
        if let cached = cachedTools {
            server = cached.first { $0.name == name && !($0.server ?? "").isEmpty }?.server
        } else if wantsDirectRoute {
            server = try await findServer(forTool: name)
        } else {
            server = nil
        }
        if let vpc, vpc.isEnabled {
            guard let server else {
                throw SessionError.notFound("server not found for tool: \(name); :tools lists the session's tools")
            }
            return try await client.callToolViaVPC(vpc, server: server, name: name, arguments: arguments, options: options)
        }
        if let linkUrl = facts.linkUrl, let token = facts.token, let server {
            return try await client.callToolViaLink(
                linkUrl: linkUrl, token: token, server: server, name: name, arguments: arguments, options: options)
        }
        return try await client.callMcpTool(
            sessionId: sessionId, name: name, arguments: arguments, server: server ?? "", options: options)
    }

    public func labels() async throws -> [String: String] {
        let labels = try await guarded { try await client.labels(sessionId: sessionId) }
        knownLabels.withLock { $0 = labels }
        return labels
    }

    public func setLabels(_ labels: [String: String]) async throws {
        try await guarded { try await client.setLabels(sessionId: sessionId, labels) }
        knownLabels.withLock { $0 = labels }
    }

    public func info() async throws -> SessionInfo {
        let resource = try await guarded { try await client.resource(sessionId: sessionId) }
        var fields: [SessionInfo.Field] = [
            .init("session_id", resource.sessionId),
            .init("resource_url", resource.resourceUrl ?? ""),
            .init("app_id", resource.appId ?? ""),
            .init("auth_code", resource.authCode?.masked ?? ""),
            .init("connection_properties", resource.connectionProperties ?? ""),
            .init("resource_id", resource.resourceId ?? ""),
            .init("resource_type", resource.resourceType ?? ""),
            .init("ticket", resource.ticket?.masked ?? ""),
            .init("image_id", imageId ?? ""),
            .init("is_vpc_enabled", (vpc?.isEnabled ?? false) ? "true" : "false"),
        ]
        if let vpc, vpc.isEnabled {
            fields.append(.init("network_interface_ip", vpc.networkInterfaceIP ?? ""))
            fields.append(.init("http_port", vpc.httpPort ?? ""))
            fields.append(.init("token", vpc.token?.masked ?? ""))
        }
        if let linkUrl = facts.linkUrl { fields.append(.init("link_url", linkUrl)) }
        fields.append(.init("api_key", client.configuration.apiKey.masked))
        fields.append(.init("endpoint", client.configuration.baseURL.absoluteString))
        fields.append(.init("ownership", ownership == .created ? "created" : "attached"))
        // A resource URL can carry auth parameters; every registered secret is masked before the fields leave here.
        fields = fields.map { .init($0.key, Redactor.shared.redact($0.value)) }
        return SessionInfo(fields: fields, requestId: resource.requestId)
    }

    public func link(protocolType: String?, port: Int?, options: String?) async throws -> String {
        try await guarded {
            try await client.link(sessionId: sessionId, protocolType: protocolType, port: port, options: options)
        }
    }

    /// Stops the keep-alive first, so no refresh races the delete. A session already gone throws
    /// ``SessionError/sessionGone(sessionId:reason:)``: there is nothing left to delete.
    public func delete(syncContext: Bool) async throws {
        keeper.stop()
        try await guarded {
            try await client.deleteSession(sessionId, syncContext: syncContext, polling: deletePolling)
        }
    }

    public func close() async {
        keeper.stop()
        if ownsClient { client.close() }
    }

    /// `--agentbay`, since without a key in the environment `--session-id` alone would look for a local session.
    public var deleteCommand: String { "baysh --agentbay --session-id \(sessionId) -c ':delete'" }
}
