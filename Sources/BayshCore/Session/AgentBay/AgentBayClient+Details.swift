import Foundation
import MCP

/// Per-session facts: GetLabel/SetLabel, GetLink, GetMcpResource.
extension AgentBayClient {
    /// GetLabel: `Data.Labels` is a JSON string of a string→string object.
    public func labels(sessionId: String) async throws -> [String: String] {
        let envelope = try await notFoundAsTyped(sessionId) { try await send("GetLabel", ["SessionId": sessionId]) }
        let data = try envelope.dataObject(action: "GetLabel")
        var labels = AgentBayEnvelope.member(data, "Labels") ?? .object([:])
        if case .string(let text) = labels {
            labels = text.isEmpty ? .object([:]) : try WireJSON.parse(text, what: "the GetLabel Labels")
        }
        guard case .object(let object) = labels else {
            throw SessionError.protocolViolation("the GetLabel Labels are not a JSON object")
        }
        return object.compactMapValues(WireValue.string)
    }

    /// SetLabel: replaces the session's labels (validated first, as the SDK does).
    public func setLabels(sessionId: String, _ labels: [String: String]) async throws {
        try AgentBaySession.validateLabels(labels)
        _ = try await notFoundAsTyped(sessionId) {
            try await send(
                "SetLabel", ["SessionId": sessionId, "Labels": WireJSON.text(.object(labels.mapValues(Value.string)))])
        }
    }

    /// GetLink: a URL for a port of the session (`Data.Url`; a JSON-string `Data` is accepted too).
    public func link(sessionId: String, protocolType: String?, port: Int?, options: String?) async throws -> String {
        try AgentBaySession.validateLinkPort(port)
        var parameters = ["SessionId": sessionId]
        if let protocolType, !protocolType.isEmpty { parameters["ProtocolType"] = protocolType }
        if let port { parameters["Port"] = String(port) }
        if let options, !options.isEmpty { parameters["Option"] = options }
        let envelope = try await notFoundAsTyped(sessionId) { try await send("GetLink", parameters) }
        if case .string(let text) = envelope.data, !text.hasPrefix("{"), !text.isEmpty { return text }
        let data = try envelope.dataObject(action: "GetLink")
        guard let url = AgentBayEnvelope.string(data, "Url"), !url.isEmpty else {
            throw SessionError.protocolViolation("the GetLink answer has no Url")
        }
        return url
    }

    /// GetMcpResource: the facts `info` shows.
    public func resource(sessionId: String) async throws -> AgentBayResource {
        let envelope = try await notFoundAsTyped(sessionId) {
            try await send("GetMcpResource", ["SessionId": sessionId])
        }
        let data = try envelope.dataObject(action: "GetMcpResource")
        var desktop: [String: Value] = [:]
        switch AgentBayEnvelope.member(data, "DesktopInfo") {
        case .object(let object): desktop = object
        case .string(let text) where !text.isEmpty:
            if case .object(let object) = try WireJSON.parse(text, what: "DesktopInfo") { desktop = object }
        default: break
        }
        let field = { (key: String) in AgentBayEnvelope.string(desktop, key).flatMap { $0.isEmpty ? nil : $0 } }
        return AgentBayResource(
            sessionId: AgentBayEnvelope.string(data, "SessionId") ?? sessionId,
            resourceUrl: AgentBayEnvelope.string(data, "ResourceUrl"), appId: field("AppId"),
            authCode: field("AuthCode").map(Secret.init), connectionProperties: field("ConnectionProperties"),
            resourceId: field("ResourceId"), resourceType: field("ResourceType"), ticket: field("Ticket").map(Secret.init),
            requestId: envelope.requestId)
    }
}
