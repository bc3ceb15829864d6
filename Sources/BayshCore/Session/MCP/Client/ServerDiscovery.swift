import Foundation
import MCP

/// The 2026-07-28 revision's start: `server/discover` instead of the `initialize` handshake, and the `_meta` every
/// later request carries (protocol version, client info, client capabilities: the reserved
/// `io.modelcontextprotocol/*` keys of the Python package's `mcp_types`).
///
/// Era choice follows the Python client's `negotiate_auto` (`mcp/client/_probe.py`): a JSON-RPC error answer, an
/// HTTP-level refusal or a result that lists no modern version means "speak the handshake"; `-32022` (unsupported
/// protocol version) whose `supported` list holds no handshake version means the server is modern-only and shares
/// nothing with baysh; a broken connection or a timeout is not an era verdict and fails the connect.
enum ServerDiscovery {
    static let protocolVersionKey = "io.modelcontextprotocol/protocolVersion"
    static let clientInfoKey = "io.modelcontextprotocol/clientInfo"
    static let clientCapabilitiesKey = "io.modelcontextprotocol/clientCapabilities"
    static let serverInfoKey = "io.modelcontextprotocol/serverInfo"
    static let logLevelKey = "io.modelcontextprotocol/logLevel"
    static let unsupportedProtocolVersion = -32022
    /// How long `auto` waits for the answer to `server/discover` before it tries the handshake.
    static let discoverLimit: Duration = .seconds(10)

    private struct ProbeUnanswered: Error {}

    /// The server's answer says the era does not fit (`reason` says how): the connect ends with it.
    struct EraMismatch: Error {
        let reason: SessionError
    }

    /// The `_meta` of every modern request, with the capabilities declared to handshake-era servers: this era asks
    /// the same questions through input-required results (MCPSession+InputRequired.swift).
    static let meta: [String: Value] = [
        protocolVersionKey: .string(MCPProtocolChoice.modernVersion),
        clientInfoKey: ["name": "baysh", "version": .string(BayshVersion.current)],
        clientCapabilitiesKey: [
            "roots": ["listChanged": false], "sampling": [:], "elicitation": ["form": [:], "url": [:]],
        ],
    ]

    /// What `server/discover` said, as the handshake result the rest of baysh reads; nil when the server should be
    /// spoken to with the `initialize` handshake (only when `choice` is `.auto`).
    static func probe(
        transport: any Transport, router: ResponseRouter, choice: MCPProtocolChoice, server: String, attempt: Int = 1
    ) async throws -> Initialize.Result? {
        try await transport.connect()
        let http = transport as? StreamableHTTPTransport
        http?.speak(version: MCPProtocolChoice.modernVersion)
        // Each probe its own id: a late answer to the first must not be taken for the second's.
        let idText = "baysh-discover-\(attempt)"
        let id = ID.string(idText)
        let request = MCPSession.request(id: idText, method: "server/discover", params: ["_meta": .object(meta)])
        let notModern = { (why: String) throws -> Initialize.Result? in
            guard choice == .auto else {
                throw EraMismatch(
                    reason: .protocolViolation(
                        "MCP server '\(server)' does not offer the \(MCPProtocolChoice.modernVersion) revision (\(why)); "
                            + "use --protocol 2025 or auto"))
            }
            http?.speak(version: nil)
            return nil
        }
        // Only `auto` has somewhere else to go: a server that never answers (one starting slowly, or one that
        // ignores methods it does not know) is spoken to with the handshake after a while, as the Python client
        // does after 10 s; a server that did answer meanwhile says so with -32022 to `initialize` (MCPConnection).
        let timer = choice == .auto ? Task {
            try await Task.sleep(for: discoverLimit)
            router.abandon(id, with: ProbeUnanswered())
        } : nil
        defer { timer?.cancel() }
        let answer: Value
        do {
            answer = try await router.response(to: id, answerArrivesDuringSend: http != nil) {
                try await transport.send(request)
            }
        } catch is ProbeUnanswered {
            return try notModern("no answer to server/discover within \(discoverLimit)")
        } catch let error as SessionError {
            // A connection that broke meanwhile (a stdio server that printed garbage or exited) is no verdict.
            if router.hasFailed { throw error }
            switch error {
            case .protocolViolation, .api: return try notModern("\(error)")
            // An HTTP-level refusal (a handshake-era server wants a session id): not modern, as for the Python
            // client, which turns such answers into JSON-RPC errors. Other transport failures are no verdict.
            case .transport(let message) where http != nil && message.contains(" answered HTTP 4"):
                return try notModern(message)
            default: throw error
            }
        }
        guard case .object(let members) = answer else { return try notModern("its answer is not an object") }
        if let error = JSONRPCErrorAnswer(answer: members) {
            if error.code == unsupportedProtocolVersion, case .object(let data)? = members["error"]?.objectValue?["data"],
                case .array(let supported)? = data["supported"],
                !supported.contains(where: { ($0.stringValue ?? "").hasPrefix("2025") || ($0.stringValue ?? "").hasPrefix("2024") })
            {
                throw EraMismatch(
                    reason: .protocolViolation(
                        "MCP server '\(server)' speaks only \(supported.compactMap(\.stringValue).joined(separator: ", ")), "
                            + "none of which baysh knows"))
            }
            return try notModern("it answered server/discover with \(error.text)")
        }
        guard case .object(let result)? = members["result"],
            case .array(let versions)? = result["supportedVersions"],
            versions.contains(.string(MCPProtocolChoice.modernVersion))
        else { return try notModern("server/discover lists no modern version") }
        var handshake: [String: Value] = [
            "protocolVersion": .string(MCPProtocolChoice.modernVersion),
            "capabilities": result["capabilities"] ?? [:],
            "serverInfo": result["_meta"]?.objectValue?[serverInfoKey] ?? ["name": "", "version": ""],
        ]
        if var info = handshake["serverInfo"]?.objectValue, info["version"] == nil {
            info["version"] = ""
            handshake["serverInfo"] = .object(info)
        }
        if let instructions = result["instructions"] { handshake["instructions"] = instructions }
        do {
            return try JSONDecoder().decode(Initialize.Result.self, from: Data(JSONText.encode(.object(handshake)).utf8))
        } catch {
            return try notModern("its server/discover result is unreadable: \(error)")
        }
    }
}
