import Foundation

/// The session the command line asks for, as plain values: the `baysh` target maps its flags to this and
/// ``SessionOpener`` turns it into a ``Session``, so the mapping is tested without the executable.
public struct SessionRequest: Sendable, Equatable {
    /// `--workspace DIR`: the folder a new local session works in.
    public var workspace: URL?
    /// `--session-id ID`: attach to an existing local or AgentBay session instead of creating one.
    public var sessionId: String?
    /// `--label k=v`: labels for a new session.
    public var labels: [String: String]
    /// Replaces `$XDG_DATA_HOME` for local session records (tests).
    public var dataHome: URL?

    /// `--no-sandbox`, `--network`, `--sandbox-*`: how a local session confines `shell` and `run_code`.
    public var sandbox = SandboxSettings()

    /// `--local`: a local session even when an AgentBay key is configured.
    public var local = false

    /// `--mcp 'COMMAND ARGS...'`: a stdio MCP server to start.
    public var mcpCommand: String?
    /// `--env K=V` for the `--mcp` server (already split at the first `=`).
    public var mcpEnvironment: [String: String] = [:]
    /// `--cwd DIR` for the `--mcp` server.
    public var mcpWorkingDirectory: String?
    /// `--server-stderr terminal|discard|FILE`; nil means a log file under the state folder.
    public var serverStderr: String?

    /// `--protocol auto|2025|2026`: which MCP era to speak (whichever the server offers unless given).
    public var mcpProtocol: MCPProtocolChoice = .auto

    /// `--url URL`: a streamable HTTP MCP server.
    public var url: String?
    /// `--header 'K: V'` for `--url` (or an HTTP server of `--config`), as given.
    public var headers: [String] = []
    /// `--bearer-env VAR`: the environment variable holding the bearer token.
    public var bearerVariable: String?

    /// `--config FILE`: an `mcpServers` JSON file.
    public var configFile: String?
    /// `--server NAME`: the entry of `configFile`.
    public var serverName: String?

    /// `--agentbay`: an AgentBay cloud session.
    public var agentBay = false
    /// `--image ID` for a new AgentBay session.
    public var imageId: String?
    /// `--endpoint HOST` of the AgentBay API.
    public var endpoint: String?
    /// `--api-key-env VAR`: the environment variable holding the AgentBay key (never the key itself, which `ps`
    /// would show).
    public var apiKeyVariable: String?
    /// `--timeout-ms`: also the AgentBay API's connect and read timeout.
    public var timeoutMilliseconds: Int?
    /// `--idle-timeout`: the idle release of a new AgentBay session (and the keep-alive period of any).
    public var idleTimeout: Duration?
    /// `--max-runtime`: the cap on a new AgentBay session's life.
    public var maxRuntime: Duration?
    /// False for `--no-keepalive`: baysh does not refresh the AgentBay session's idle timer.
    public var keepAlive = true

    /// The process environment (tests pass their own).
    public var environment: [String: String] = ProcessInfo.processInfo.environment
    /// Where the `.env` search starts.
    public var workingDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)

    public init(
        workspace: URL? = nil, sessionId: String? = nil, labels: [String: String] = [:], dataHome: URL? = nil
    ) {
        self.workspace = workspace
        self.sessionId = sessionId
        self.labels = labels
        self.dataHome = dataHome
    }

    /// The backend flags given, by name, for messages.
    var backendFlags: [String] {
        var flags: [String] = []
        if local { flags.append("--local") }
        if mcpCommand != nil { flags.append("--mcp") }
        if url != nil { flags.append("--url") }
        if configFile != nil { flags.append("--config") }
        if agentBay { flags.append("--agentbay") }
        return flags
    }
}
