import Foundation
import MCP

/// The three kinds of backend a ``Session`` can be.
public enum BackendKind: String, Sendable, Codable, CaseIterable {
    /// The embedded session that runs the AgentBay Linux tool set on this machine.
    case local
    /// An AgentBay cloud session over the HTTP API.
    case agentbay
    /// Any MCP server, over stdio or streamable HTTP.
    case mcp

    /// How prose names it, article included: `a local session`, `an AgentBay session`, `an MCP session`.
    public var sessionPhrase: String {
        switch self {
        case .local: "a local session"
        case .agentbay: "an AgentBay session"
        case .mcp: "an MCP session"
        }
    }
}

/// What a session is called in the prompt, history file names and transcript headers.
public struct SessionDescriptor: Sendable, Equatable {
    /// The backend kind.
    public var backend: BackendKind
    /// Short label after the colon in the prompt: a short session id (`3f2a`), `session-04bd…`, or a server name.
    public var label: String
    /// Stable name of the target for per-target history (`local`, `agentbay-linux_latest`, `mcp-everything`).
    public var target: String
    /// Image id (AgentBay, and `linux_latest` for local) or nil.
    public var imageId: String?
    /// The server the session talks to (an MCP server's name), written to a transcript's header; nil when the
    /// backend is not a server of its own.
    public var serverName: String?
    /// The file the server's stderr is logged to (a stdio MCP server started with its stderr in a file), for
    /// `:session`.
    public var serverLog: String?
    /// Whether `baysh --session-id ID` attaches to this session again once baysh lets go of it.
    public var reattachable: Bool
    /// What happens to a session baysh created when it exits, as the banner says it, where "deleted on exit unless
    /// :keep" does not fit (an MCP server process baysh started is stopped whatever :keep says); nil otherwise.
    public var endOfLife: String? = nil

    public init(
        backend: BackendKind, label: String, target: String, imageId: String? = nil, serverName: String? = nil,
        serverLog: String? = nil, reattachable: Bool = true
    ) {
        self.backend = backend
        self.label = label
        self.target = target
        self.imageId = imageId
        self.serverName = serverName
        self.serverLog = serverLog
        self.reattachable = reattachable
    }

    /// `local:3f2a`, as the prompt shows it.
    public var promptName: String { "\(backend.rawValue):\(label)" }

    /// The banner's words for a created session: ``endOfLife``, else whether it is deleted or kept on exit.
    public func createdFate(kept: Bool) -> String {
        endOfLife ?? (kept ? "created, kept on exit" : "created, deleted on exit unless :keep")
    }
}

/// Whether baysh created a session (and so deletes it on exit unless kept) or attached to one.
public enum SessionOwnership: Sendable, Equatable {
    case created
    case attached
}

/// VPC facts of an AgentBay session (`is_vpc_enabled`, `get_network_interface_ip`, `get_http_port`, `get_token`).
public struct VPCInfo: Sendable, Equatable {
    public var isEnabled: Bool
    public var networkInterfaceIP: String?
    public var httpPort: String?
    public var token: Secret?

    public init(isEnabled: Bool, networkInterfaceIP: String? = nil, httpPort: String? = nil, token: Secret? = nil) {
        self.isEnabled = isEnabled
        self.networkInterfaceIP = networkInterfaceIP
        self.httpPort = httpPort
        self.token = token
    }
}

/// One tool as list_mcp_tools gives it.
///
/// A list can hold thousands of tools, so the schema is kept compact (``CompactSchema``, pieces shared between
/// tools) and ``inputSchema`` builds the `Value` tree on each read: read it once and keep it while working on it.
public struct ToolInfo: Sendable, Equatable {
    /// Tool name as called (`shell`).
    public var name: String
    /// Human description ("" when the server gave none).
    public var description: String
    /// The JSON Schema of the arguments object (`{"type":"object","properties":{...}}`).
    public var inputSchema: Value {
        get { schema.value }
        set { schema = CompactSchema(newValue) }
    }
    /// How ``inputSchema`` is stored.
    private(set) var schema: CompactSchema
    /// The MCP server that provides the tool (`wuying_shell`), when the backend knows it.
    public var server: String?
    /// MCP annotations: readOnlyHint, destructiveHint, idempotentHint, openWorldHint, title.
    public var annotations: Tool.Annotations

    public init(
        name: String, description: String = "", inputSchema: Value = .object(["type": "object"]),
        server: String? = nil, annotations: Tool.Annotations = nil
    ) {
        self.name = name
        self.description = description
        self.schema = CompactSchema(inputSchema)
        self.server = server
        self.annotations = annotations
    }

    /// True when the shell should ask before calling: destructive and not read-only.
    public var needsConfirmation: Bool {
        annotations.destructiveHint == true && annotations.readOnlyHint != true
    }
}

/// Per-call timeouts (call_mcp_tool's `read_timeout` and `connect_timeout`). Nil means the backend's default.
public struct CallOptions: Sendable, Equatable {
    public var readTimeout: Duration?
    public var connectTimeout: Duration?

    public init(readTimeout: Duration? = nil, connectTimeout: Duration? = nil) {
        self.readTimeout = readTimeout
        self.connectTimeout = connectTimeout
    }
}

/// One item of a tool result's `content` array.
public enum ContentItem: Sendable, Equatable {
    /// `{"type":"text","text":"..."}`
    case text(String)
    /// `{"type":"image","data":"<base64>","mimeType":"image/png"}`
    case image(base64: String, mimeType: String)
    /// `{"type":"audio","data":"<base64>","mimeType":"audio/wav"}`
    case audio(base64: String, mimeType: String)
    /// `{"type":"resource","resource":{"uri":...,"mimeType":...,"text":...|"blob":...}}`
    case resource(uri: String, mimeType: String?, text: String?, blobBase64: String?)
    /// `{"type":"resource_link","uri":...,"name":...}`
    case resourceLink(uri: String, name: String, mimeType: String?)
}

/// What call_mcp_tool gives back.
public struct ToolResult: Sendable, Equatable {
    public var content: [ContentItem]
    /// True when the tool ran and reported failure (`isError` in MCP).
    public var isError: Bool
    /// `structuredContent`, when the server sent it.
    public var structuredContent: Value?
    /// The backend's request id (AgentBay `RequestId`, MCP JSON-RPC id), when there is one.
    public var requestId: String?
    /// Wall time from sending the call to having the answer.
    public var elapsed: Duration

    public init(
        content: [ContentItem], isError: Bool = false, structuredContent: Value? = nil, requestId: String? = nil,
        elapsed: Duration = .zero
    ) {
        self.content = content
        self.isError = isError
        self.structuredContent = structuredContent
        self.requestId = requestId
        self.elapsed = elapsed
    }

    /// All text items joined by newlines: what a script usually wants.
    public var text: String {
        content.compactMap { if case .text(let t) = $0 { t } else { nil } }.joined(separator: "\n")
    }
}

/// Facts about a session as ordered printable fields; secrets are already masked.
public struct SessionInfo: Sendable, Equatable {
    /// One `key: value` line of `:info`.
    public struct Field: Sendable, Equatable {
        public var key: String
        public var value: String
        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
    }

    public var fields: [Field]
    public var requestId: String?

    public init(fields: [Field], requestId: String? = nil) {
        self.fields = fields
        self.requestId = requestId
    }

    public subscript(key: String) -> String? { fields.first { $0.key == key }?.value }
}
