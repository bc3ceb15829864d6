import Foundation
import MCP

/// One live session behind the shell: the AgentBay cloud, any MCP server, or the embedded local session.
///
/// The shell holds exactly one `Session` and never asks which backend it is; everything it shows comes through this
/// API, which mirrors the AgentBay Session reference (`session_id`, VPC facts, labels, info, get_link,
/// list_mcp_tools, call_mcp_tool, find_server_for_tool, delete). A backend that cannot do an operation throws
/// ``SessionError/unsupported(operation:backend:reason:)`` rather than pretending.
public protocol Session: AnyObject, Sendable {
    /// Which backend this is and what the prompt calls it (`local:3f2a`, `agentbay:session-04bd…`, `mcp:everything`).
    var descriptor: SessionDescriptor { get }

    /// The session id (`session-04bdwfj7u688ec96t` on AgentBay, a generated id for local and MCP sessions).
    var sessionId: String { get }

    /// The API key this session was opened with, masked (`akm-****abcd`); nil where the backend has no key.
    var maskedAPIKey: String? { get }

    /// VPC facts (AgentBay only; nil elsewhere). The token inside is a ``Secret``.
    var vpc: VPCInfo? { get }

    /// How the session's commands are confined on this machine, one line for `:session` (the local session's
    /// sandbox); nil where the session is a machine or server of its own.
    var confinement: String? { get }

    /// Whether baysh created this session (so it is deleted on exit unless kept) or attached to an existing one.
    var ownership: SessionOwnership { get }

    /// The last tool list fetched, without any I/O: completion and hints read this on every keystroke.
    var cachedTools: [ToolInfo]? { get }

    /// The absolute path of the folder the session's tools work in, when the backend knows it (the local session's
    /// workspace, or what `baysh serve` says of its own); nil elsewhere. Transcripts mask it as `<workspace>`.
    var workspacePath: String? { get }

    /// list_mcp_tools: the session's tools. Served from the cache unless `refresh` is true or the server said
    /// `notifications/tools/list_changed` since the last fetch.
    func listTools(imageId: String?, refresh: Bool) async throws -> [ToolInfo]

    /// call_mcp_tool. Throws only when the call could not be made or answered (transport, timeout, cancellation);
    /// a tool that ran and failed comes back as a result with `isError == true`. Honours task cancellation.
    func callTool(name: String, arguments: [String: Value], options: CallOptions) async throws -> ToolResult

    /// find_server_for_tool: the MCP server that provides `tool`, or nil when no listed tool has that name.
    func findServer(forTool tool: String) async throws -> String?

    /// get_labels.
    func labels() async throws -> [String: String]

    /// set_labels: replaces the session's labels. Keys and values must be non-empty.
    func setLabels(_ labels: [String: String]) async throws

    /// info: facts about the session as ordered, printable fields (secrets already masked).
    func info() async throws -> SessionInfo

    /// get_link: a URL for a port of the session. `port`, when given, must be in 30100...30199.
    func link(protocolType: String?, port: Int?, options: String?) async throws -> String

    /// delete: ends the session and frees what it holds (a local session removes its workspace).
    func delete(syncContext: Bool) async throws

    /// Lets go of the connection or child process without deleting the session. Safe to call twice.
    func close() async

    // Lifecycle (SessionLifecycle.swift has the defaults for backends without one).

    /// What baysh knows about how long the session lives, without I/O: idle release, max runtime, keep-alive,
    /// and whether the backend found the session gone.
    var lifecycle: SessionLifecycle { get }

    /// get_status: the session's state as the backend reports it (`RUNNING`, `PAUSED`, …).
    func status() async throws -> SessionStatus

    /// Pauses the session and waits until it is paused.
    func pause() async throws -> SessionStatus

    /// Resumes a paused session and waits until it runs.
    func resume() async throws -> SessionStatus

    /// Opens a fresh session like this one (same image, labels and lifecycle settings) for `:new`.
    func openSuccessor() async throws -> any Session

    /// Hands the session who hears what its server says and asks beside answers (progress, logs, a changed tool
    /// list, questions for the user). Nil stops it. Backends whose servers never speak up ignore it.
    func setConversation(_ conversation: (any SessionConversation)?)

    /// `:loglevel`: asks the server to send log messages of `level` and above (`logging/setLevel`).
    func setLogLevel(_ level: LogLevel) async throws

    /// Whether the tool list may change while the session is open, so an unknown tool name is worth one fresh
    /// fetch before it is refused.
    var toolListCanChange: Bool { get }

    // Resources, prompts and completions (SessionCatalog.swift has the defaults for backends without them).

    /// The resources and templates last listed, without I/O (Tab completes URIs from them).
    var cachedResources: [ResourceInfo]? { get }

    /// The prompts last listed, without I/O (Tab completes prompt and argument names from them).
    var cachedPrompts: [PromptInfo]? { get }

    /// Whether the server answers `completion/complete`.
    var offersCompletions: Bool { get }

    /// What the server declared it offers (`tools (list_changed), resources, prompts, completions`), for
    /// `:session` and `:describe`; nil where there is no server handshake.
    var serverOffers: String? { get }

    /// The MCP protocol revision in use (`2025-11-25`); nil where the backend does not speak MCP to baysh.
    var protocolRevision: String? { get }

    /// How the server's list changes reach baysh (`subscriptions/listen (tools, prompts)`, `heard on the
    /// connection`), for `:session` and `:describe`; nil where there is no server handshake.
    var listChanges: String? { get }

    /// `resources/list` and `resources/templates/list`, every page of both.
    func listResources() async throws -> [ResourceInfo]

    /// `resources/read`: the contents, each a ``ContentItem/resource(uri:mimeType:text:blobBase64:)``.
    func readResource(uri: String) async throws -> [ContentItem]

    /// `prompts/list`, every page.
    func listPrompts() async throws -> [PromptInfo]

    /// `prompts/get` with string arguments.
    func getPrompt(name: String, arguments: [String: String]) async throws -> PromptResult

    /// `completion/complete`: values for `argument` starting from `value`; `context` holds arguments already given.
    func complete(
        _ reference: CompletionReference, argument: String, value: String, context: [String: String]
    ) async throws -> [String]

    /// The command line that deletes this session from another shell, printed when baysh could not delete a session
    /// it created (a signal, a deletion that never finished).
    var deleteCommand: String { get }

    /// Where `:wire` shows the protocol messages; nil for a backend with no wire (the local session calls its tools
    /// in-process).
    var wireTap: WireTap? { get }
}

extension Session {
    /// Nil: a backend whose tools' folder baysh cannot know.
    public var workspacePath: String? { nil }

    public func setConversation(_ conversation: (any SessionConversation)?) {}

    public func setLogLevel(_ level: LogLevel) async throws {
        throw SessionError.unsupported(
            operation: "logging/setLevel", backend: descriptor.backend, reason: "its tools send no log messages")
    }

    public var toolListCanChange: Bool { false }

    public var confinement: String? { nil }

    public var deleteCommand: String { "baysh --session-id \(sessionId) -c ':delete'" }

    public var wireTap: WireTap? { nil }

    /// list_mcp_tools with the session's own image and the cache.
    public func listTools() async throws -> [ToolInfo] {
        try await listTools(imageId: nil, refresh: false)
    }

    /// call_mcp_tool with default timeouts.
    public func callTool(name: String, arguments: [String: Value]) async throws -> ToolResult {
        try await callTool(name: name, arguments: arguments, options: CallOptions())
    }

    /// The check every backend's `link` starts with: AgentBay only serves ports 30100...30199.
    public static func validateLinkPort(_ port: Int?) throws {
        if let port, !(30100...30199).contains(port) {
            throw SessionError.invalidArgument(
                "port \(port) is out of range: get_link takes a port from 30100 to 30199")
        }
    }

    /// The check every backend's `setLabels` starts with (the SDKs validate this client side too).
    public static func validateLabels(_ labels: [String: String]) throws {
        if labels.isEmpty {
            throw SessionError.invalidArgument("no labels given: pass at least one key=value")
        }
        for (key, value) in labels {
            if key.trimmingCharacters(in: .whitespaces).isEmpty {
                throw SessionError.invalidArgument("a label key is blank: every label needs a name")
            }
            if value.trimmingCharacters(in: .whitespaces).isEmpty {
                throw SessionError.invalidArgument("label '\(key)' has a blank value: give it a value")
            }
        }
    }
}
