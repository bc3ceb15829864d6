import Foundation

/// Opens the ``Session`` a ``SessionRequest`` names: local (the default), any MCP server (`--mcp`, `--url`,
/// `--config`) or AgentBay (`--agentbay`, or implied by an AgentBay key in the environment or a `.env` file).
public enum SessionOpener {
    /// The backend a request chooses, and why when baysh chose it rather than a flag (printed on stderr).
    public struct Choice: Sendable, Equatable {
        public var backend: BackendKind
        /// Set when no backend flag was given and an AgentBay key was found.
        public var reason: String?
    }

    /// Checks the flag combination without touching files, the environment or the network: more than one backend,
    /// or a flag that belongs to another backend, is a ``SessionError/invalidArgument(_:)`` naming both flags.
    public static func validate(_ request: SessionRequest) throws {
        let backends = request.backendFlags
        if backends.count > 1 {
            throw SessionError.invalidArgument(
                "\(backends.joined(separator: " and ")) choose different backends; give only one of "
                    + "--local, --mcp, --url, --config or --agentbay")
        }
        let chosen = backends.first
        let isMCP = ["--mcp", "--url", "--config"].contains(chosen)
        func refuse(_ flag: String, _ given: Bool, unless allowed: [String], purpose: String) throws {
            guard given, let chosen, !allowed.contains(chosen) else { return }
            throw SessionError.invalidArgument("\(flag) is for \(purpose); it does not go with \(chosen)")
        }
        try refuse("--workspace", request.workspace != nil, unless: ["--local"], purpose: "a local session")
        try refuse("--no-sandbox, --network or --sandbox-*", request.sandbox != SandboxSettings(), unless: ["--local"],
            purpose: "a local session's sandbox")
        try refuse("--session-id", request.sessionId != nil, unless: ["--local", "--agentbay"],
            purpose: "attaching to a local or AgentBay session")
        try refuse("--label", !request.labels.isEmpty, unless: ["--local", "--agentbay"],
            purpose: "a new local or AgentBay session")
        let agentBayOnly = [("--image", request.imageId != nil), ("--endpoint", request.endpoint != nil),
            ("--api-key-env", request.apiKeyVariable != nil)] + lifecycleFlags(request)
        for (flag, given) in agentBayOnly {
            try refuse(flag, given, unless: ["--agentbay"], purpose: "AgentBay sessions")
        }
        let stdioOnly = [("--env", !request.mcpEnvironment.isEmpty), ("--cwd", request.mcpWorkingDirectory != nil),
            ("--server-stderr", request.serverStderr != nil)]
        for (flag, given) in stdioOnly where given && !["--mcp", "--config"].contains(chosen) {
            throw SessionError.invalidArgument("\(flag) is for an MCP server baysh starts; use it with --mcp or --config")
        }
        let httpOnly = [("--header", !request.headers.isEmpty), ("--bearer-env", request.bearerVariable != nil)]
        for (flag, given) in httpOnly where given && !["--url", "--config"].contains(chosen) {
            throw SessionError.invalidArgument("\(flag) is for an HTTP MCP server; use it with --url or --config")
        }
        if request.serverName != nil && request.configFile == nil {
            throw SessionError.invalidArgument("--server NAME picks an entry of a configuration file; add --config FILE")
        }
        if !isMCP, request.workspace != nil, agentBayOnly.contains(where: \.1) {
            throw SessionError.invalidArgument("--workspace is for a local session; it does not go with AgentBay flags")
        }
        if request.sessionId != nil, request.workspace != nil || !request.labels.isEmpty {
            throw SessionError.invalidArgument(
                "--workspace and --label are for a new session; leave them out with --session-id")
        }
        _ = try headerFields(request.headers)
        try validateLifecycle(request)
    }

    /// Registers the secrets in baysh's environment with the ``Redactor`` whatever the backend: a local or MCP
    /// session's tool can read the environment too (`content@=/proc/self/environ`, a `shell env`), so the AgentBay
    /// key and the `--api-key-env` / `--bearer-env` values are masked in all output, refused by `@=`, and withheld
    /// from the servers baysh starts.
    static func registerEnvironmentSecrets(_ request: SessionRequest) {
        for name in ["AGENTBAY_API_KEY", request.apiKeyVariable, request.bearerVariable].compactMap({ $0 }) {
            guard let value = request.environment[name] else { continue }
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            Redactor.shared.register(value)
            Redactor.shared.register(trimmed)
        }
    }

    /// Which backend `request` opens. A backend flag decides; AgentBay-only flags (`--image`, `--endpoint`,
    /// `--api-key-env`) mean AgentBay; `--workspace` or a `local-…` session id mean local. Otherwise an
    /// `AGENTBAY_API_KEY` in the environment, or else in the nearest `.env` walking up, means AgentBay (the `.env`
    /// search runs only in this last case), and without one the session is local.
    public static func choose(_ request: SessionRequest) -> Choice {
        if request.mcpCommand != nil || request.url != nil || request.configFile != nil {
            return Choice(backend: .mcp)
        }
        if request.agentBay || request.imageId != nil || request.endpoint != nil || request.apiKeyVariable != nil
            || lifecycleFlags(request).contains(where: \.1)
        {
            return Choice(backend: .agentbay)
        }
        if request.local || request.workspace != nil || request.sessionId?.hasPrefix("local-") == true {
            return Choice(backend: .local)
        }
        if let key = request.environment["AGENTBAY_API_KEY"], !key.isEmpty {
            return Choice(backend: .agentbay, reason: "AGENTBAY_API_KEY is set")
        }
        if let file = DotEnvFile.find(from: request.workingDirectory), let key = file.values["AGENTBAY_API_KEY"],
            !key.isEmpty
        {
            return Choice(backend: .agentbay, reason: "AGENTBAY_API_KEY is in \(file.path)")
        }
        return Choice(backend: .local)
    }

    /// Opens the session `request` names (creating, attaching or connecting). `note` receives one line for stderr
    /// about a choice the user did not spell out: the AgentBay endpoint and masked key, or the MCP server's log.
    public static func open(_ request: SessionRequest, note: (String) -> Void = { _ in }) async throws -> any Session {
        try validate(request)
        registerEnvironmentSecrets(request)
        let choice = choose(request)
        switch choice.backend {
        case .local:
            if !request.sandbox.enabled {
                note("warning: --no-sandbox: shell and run_code run unconfined as \(SandboxLayout.userName()), with "
                    + "your files, network and processes within their reach")
            }
            if let id = request.sessionId {
                return try LocalSession.attach(id: id, dataHome: request.dataHome, sandbox: request.sandbox)
            }
            return try LocalSession.create(
                workspace: request.workspace, labels: request.labels, dataHome: request.dataHome,
                sandbox: request.sandbox)
        case .mcp:
            let (target, name) = try mcpTarget(request)
            if case .stdio(_, _, _, .file(let log)) = target { note("MCP server stderr goes to \(log)") }
            // --timeout-ms bounds the handshake too: a server that never answers `initialize` must not hold
            // baysh for the default minute.
            let readTimeout = request.timeoutMilliseconds.map { Duration.milliseconds($0) }
            return try await MCPSession.connect(
                target, name: name, timeout: readTimeout ?? MCPSession.defaultConnectTimeout,
                readTimeout: readTimeout ?? MCPSession.defaultReadTimeout, protocol: request.mcpProtocol)
        case .agentbay:
            let config = try agentBayConfiguration(request)
            note("AgentBay session" + (choice.reason.map { " (\($0); --local for a local session)" } ?? "")
                + ": \(config)")
            let lifecycle = AgentBayLifecycleOptions(
                idleTimeout: request.idleTimeout, maxRuntime: request.maxRuntime, keepAlive: request.keepAlive)
            if let id = request.sessionId {
                return try await AgentBaySession.attach(config: config, sessionId: id, lifecycle: lifecycle)
            }
            return try await AgentBaySession.create(
                config: config, imageId: request.imageId ?? "linux_latest", labels: request.labels,
                lifecycle: lifecycle)
        }
    }
}
