import ArgumentParser
import BayshCore

/// Any MCP server: a command to start (`--mcp`), an HTTP endpoint (`--url`) or an entry of an `mcpServers`
/// configuration file (`--config`).
struct MCPServerFlags: ParsableArguments {
    @Option(help: ArgumentHelp("Start this stdio MCP server (one string, split like a shell would).",
        valueName: "command args..."))
    var mcp: String?

    @Option(help: ArgumentHelp(
        "Environment variable for the started server (repeatable); a bare NAME passes baysh's own value, "
            + "which is how a server gets AGENTBAY_API_KEY or a --bearer-env token (withheld otherwise).",
        valueName: "key=value|name"))
    var env: [String] = []

    @Option(help: ArgumentHelp("Working directory of the started server.", valueName: "dir"))
    var cwd: String?

    @Option(name: .customLong("server-stderr"), help: ArgumentHelp(
        "Where the started server's stderr goes: terminal, discard or a file "
            + "(default: $XDG_STATE_HOME/baysh/logs/<server>.log).", valueName: "where"))
    var serverStderr: String?

    @Option(name: .customLong("protocol"), help: ArgumentHelp(
        "MCP era: auto (the default: server/discover first, falling back to the initialize handshake), 2025 "
            + "(the handshake only) or 2026 (the stateless 2026-07-28 revision only).", valueName: "auto|2025|2026"))
    var mcpProtocol: String?

    @Option(help: ArgumentHelp("Talk to this streamable HTTP MCP server.", valueName: "url"))
    var url: String?

    @Option(help: ArgumentHelp("HTTP header for the server (repeatable).", valueName: "'name: value'"))
    var header: [String] = []

    @Option(name: .customLong("bearer-env"), help: ArgumentHelp(
        "Send the token in this environment variable as `Authorization: Bearer`.", valueName: "var"))
    var bearerEnv: String?

    @Option(help: ArgumentHelp("Read the server from this mcpServers JSON file (Claude Desktop, Cursor, .mcp.json).",
        valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("The server of --config to use (needed when it lists several).", valueName: "name"))
    var server: String?

    /// `--env KEY=VALUE` sets a variable; `--env NAME` passes baysh's own value of NAME on.
    static func serverEnvironment(_ items: [String], from environment: [String: String]) throws -> [String: String] {
        var table = try KeyValueArgument.table(items.filter { $0.contains("=") }, flag: "--env")
        for name in items where !name.contains("=") {
            guard let value = environment[name] else {
                throw ValidationError(
                    "--env \(name): \(name) is not set in baysh's environment; export it or give \(name)=value")
            }
            table[name] = value
        }
        return table
    }

    func apply(to request: inout SessionRequest) throws {
        request.mcpCommand = mcp
        request.mcpEnvironment = try Self.serverEnvironment(env, from: request.environment)
        request.mcpWorkingDirectory = cwd
        request.serverStderr = serverStderr
        if let mcpProtocol {
            do {
                request.mcpProtocol = try MCPProtocolChoice(flag: mcpProtocol)
            } catch {
                throw ValidationError("\(error)")
            }
        }
        request.url = url
        request.headers = header
        request.bearerVariable = bearerEnv
        request.configFile = config
        request.serverName = server
    }
}

/// An AgentBay cloud session. The API key comes from the environment (`AGENTBAY_API_KEY`, `--api-key-env VAR`) or
/// a `.env` file, never from a flag value that `ps` would show.
struct AgentBayFlags: ParsableArguments {
    @Flag(help: "Open an AgentBay cloud session (implied when AGENTBAY_API_KEY is set).")
    var agentbay = false

    @Option(help: ArgumentHelp("Image of a new AgentBay session (default: linux_latest).", valueName: "id"))
    var image: String?

    @Option(help: ArgumentHelp("AgentBay API host, optionally with http:// or https:// and a port "
        + "(default: AGENTBAY_ENDPOINT, then wuyingai.cn-shanghai.aliyuncs.com).", valueName: "host"))
    var endpoint: String?

    @Option(name: .customLong("api-key-env"), help: ArgumentHelp(
        "Read the AgentBay API key from this environment variable instead of AGENTBAY_API_KEY.", valueName: "var"))
    var apiKeyEnv: String?

    func apply(to request: inout SessionRequest) {
        request.agentBay = agentbay
        request.imageId = image
        request.endpoint = endpoint
        request.apiKeyVariable = apiKeyEnv
    }
}
