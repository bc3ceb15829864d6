import MCP

/// The 2026-07-28 revision's multi-round-trip requests: a result of type `input_required` carries requests for the
/// client (`inputRequests`, keyed by the server) and an opaque `requestState`; the client answers each and sends the
/// original request again with `inputResponses` and the state (`mcp_types`: `InputRequiredResult`,
/// `InputResponseRequestParams`).
extension MCPSession {
    /// How many rounds one request may take before baysh stops answering: a server that asks forever is broken.
    static let inputRounds = 8

    /// The params to send again when `answer` is input-required (each embedded request answered through the
    /// conversation, as a standalone one would be); nil for any other answer.
    func inputAnswered(_ answer: [String: Value], params: Value, operation: String, round: Int) async throws
        -> Value?
    {
        guard case .object(let result)? = answer["result"], result["resultType"] == .string("input_required") else {
            return nil
        }
        guard round < Self.inputRounds else {
            throw SessionError.protocolViolation(
                "MCP server '\(serverName)' still asked for input after \(Self.inputRounds) rounds of \(operation)")
        }
        var responses: [String: Value] = [:]
        for (key, request) in (result["inputRequests"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let method = request.objectValue?["method"]?.stringValue else {
                throw SessionError.protocolViolation(
                    "MCP server '\(serverName)' sent input request '\(key)' without a method")
            }
            responses[key] = try await talk.inputResponse(method, request.objectValue?["params"]?.objectValue ?? [:])
        }
        var members = params.objectValue ?? [:]
        members["inputResponses"] = .object(responses)
        if let state = result["requestState"] { members["requestState"] = state }
        return .object(members)
    }
}
