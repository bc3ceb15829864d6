import MCP

extension MCPSession {
    public func setConversation(_ conversation: (any SessionConversation)?) {
        talk.conversation = conversation
    }

    /// Sends `logging/setLevel`; a server that did not declare logging is still asked (many log anyway). In the
    /// 2026 era the level rides every request's `_meta` instead.
    public func setLogLevel(_ level: LogLevel) async throws {
        let connection = try currentConnection()
        if connection.isModern {
            modernLogLevel.withLock { $0 = level.rawValue }
            return
        }
        let (answer, _, _) = try await exchange(
            SetLoggingLevel.name, params: ["level": .string(level.rawValue)], on: connection,
            operation: "logging/setLevel", timeout: .seconds(10))
        if case .object(let error)? = answer["error"] {
            let message = error["message"]?.stringValue ?? JSONText.encode(.object(error))
            throw SessionError.invalidArgument(
                "MCP server '\(serverName)' refused logging/setLevel: \(Redactor.shared.redact(message))")
        }
    }

    /// MCP servers may add and remove tools at any time (`notifications/tools/list_changed`).
    public var toolListCanChange: Bool { true }
}
