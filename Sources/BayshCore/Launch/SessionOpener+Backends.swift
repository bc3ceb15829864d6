import Foundation

extension SessionOpener {
    /// The MCP server `--mcp`, `--url` or `--config` names, and its configured name (the `mcpServers` key).
    public static func mcpTarget(_ request: SessionRequest) throws -> (target: MCPTarget, name: String?) {
        let bearer = try request.bearerVariable.map { try secret(fromVariable: $0, flag: "--bearer-env", request) }
        let headers = try headerFields(request.headers)
        if let line = request.mcpCommand {
            let words = try CommandWords.split(line)
            guard let program = words.first, !program.isEmpty else {
                throw SessionError.invalidArgument("--mcp needs a command to start, such as --mcp 'uvx mcp-server-fetch'")
            }
            let stderr = try stderrDestination(request, serverName: URL(fileURLWithPath: program).lastPathComponent)
            return (.stdio(command: words, environment: request.mcpEnvironment,
                workingDirectory: request.mcpWorkingDirectory, stderr: stderr), nil)
        }
        if let address = request.url {
            guard let url = URL(string: address), let scheme = url.scheme?.lowercased(),
                ["http", "https"].contains(scheme), url.host != nil
            else {
                throw SessionError.invalidArgument("--url '\(address)' is not an http:// or https:// URL")
            }
            return (.http(url: url, headers: headers, bearer: bearer), nil)
        }
        guard let file = request.configFile else {
            throw SessionError.invalidArgument("no MCP server given: use --mcp, --url or --config")
        }
        let name = try request.serverName ?? onlyServer(in: file)
        var config = try MCPServerConfig.load(file: file, server: name, environment: request.environment)
        config.env.merge(request.mcpEnvironment) { _, flag in flag }
        if let cwd = request.mcpWorkingDirectory { config.cwd = cwd }
        config.headers.merge(headers) { _, flag in flag }
        let stderr = config.url == nil ? try stderrDestination(request, serverName: name) : .discard
        return (config.target(stderr: stderr, bearer: bearer), name)
    }

    /// The AgentBay settings: `--api-key-env VAR` (the key is never a flag value, which `ps` would show),
    /// `--endpoint`, `--timeout-ms`, then the environment and `.env` as ``AgentBayConfiguration/resolve`` does.
    public static func agentBayConfiguration(_ request: SessionRequest) throws -> AgentBayConfiguration {
        let key = try request.apiKeyVariable.map { try secret(fromVariable: $0, flag: "--api-key-env", request) }
        var config = try AgentBayConfiguration.resolve(
            apiKey: key?.revealed, endpoint: request.endpoint, timeoutMilliseconds: request.timeoutMilliseconds,
            environment: request.environment, workingDirectory: request.workingDirectory)
        if let variable = request.apiKeyVariable { config.apiKeySource = "\(variable) (--api-key-env)" }
        return config
    }

    /// `--header 'K: V'` values as a table; a header without a colon or a name is an error.
    static func headerFields(_ headers: [String]) throws -> [String: String] {
        var fields: [String: String] = [:]
        for header in headers {
            guard let colon = header.firstIndex(of: ":"),
                !header[..<colon].trimmingCharacters(in: .whitespaces).isEmpty
            else {
                throw SessionError.invalidArgument("--header '\(Secret.mask(header))' is not 'Name: value'")
            }
            fields[header[..<colon].trimmingCharacters(in: .whitespaces)] =
                header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    /// The one server of `file`; several or none is an error listing them.
    private static func onlyServer(in file: String) throws -> String {
        let names = try MCPServerConfig.serverNames(file: file)
        guard names.count == 1 else {
            throw SessionError.invalidArgument(
                names.isEmpty
                    ? "\(file) lists no MCP servers"
                    : "\(file) lists \(names.count) MCP servers (\(names.joined(separator: ", "))); pick one with --server NAME")
        }
        return names[0]
    }

    private static func secret(fromVariable variable: String, flag: String, _ request: SessionRequest) throws -> Secret {
        guard let value = request.environment[variable]?.trimmingCharacters(in: .whitespacesAndNewlines),
            !value.isEmpty
        else {
            throw SessionError.configuration(
                "\(flag) \(variable): the environment variable \(variable) is not set or empty; export it first")
        }
        return Secret(value)
    }

    /// `--server-stderr terminal|discard|FILE`; by default `$XDG_STATE_HOME/baysh/logs/<server>.log`, so a server's
    /// chatter never lands in the middle of the line being edited.
    private static func stderrDestination(_ request: SessionRequest, serverName: String) throws -> StderrDestination {
        switch request.serverStderr {
        case "terminal": return .terminal
        case "discard": return .discard
        case let path?: return .file(path)
        case nil:
            let folder = StatePaths(environment: request.environment).root.appendingPathComponent("logs")
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw SessionError.configuration(
                    "cannot create the server log folder \(folder.path): \(error.localizedDescription); "
                        + "use --server-stderr terminal|discard|FILE")
            }
            return .file(folder.appendingPathComponent(StatePaths.safeFileName(serverName) + ".log").path)
        }
    }
}

extension SessionOpener {
    /// `--idle-timeout`, `--max-runtime` and `--no-keepalive`, by name and whether given: AgentBay lifecycle flags.
    static func lifecycleFlags(_ request: SessionRequest) -> [(String, Bool)] {
        [("--idle-timeout", request.idleTimeout != nil), ("--max-runtime", request.maxRuntime != nil),
            ("--no-keepalive", !request.keepAlive)]
    }

    /// The units AgentBay takes them in: `Timeout` in whole seconds, `MaxRuntime` in whole minutes; a cap is set
    /// when a session is created, so it does not go with `--session-id`.
    static func validateLifecycle(_ request: SessionRequest) throws {
        if let idle = request.idleTimeout {
            guard idle >= .seconds(1), idle.components.attoseconds == 0 else {
                throw SessionError.invalidArgument(
                    "--idle-timeout \(DurationParsing.text(idle)) is not a whole number of seconds; AgentBay takes "
                        + "the idle release in seconds (for example 90s or 5m)")
            }
        }
        if let cap = request.maxRuntime {
            guard cap.components.seconds % 60 == 0, cap.components.attoseconds == 0 else {
                let minutes = Int((cap.inSeconds / 60).rounded(.up))
                throw SessionError.invalidArgument(
                    "--max-runtime \(DurationParsing.text(cap)) is not a whole number of minutes; AgentBay takes "
                        + "the max runtime in minutes (use \(minutes)m)")
            }
            if request.sessionId != nil {
                throw SessionError.invalidArgument(
                    "--max-runtime is set when a session is created; it does not go with --session-id")
            }
        }
    }
}
