import Foundation
import MCP

/// The JSON object every AgentBay action answers with:
/// `{"RequestId":"…","Success":true,"Code":"","Message":"","HttpStatusCode":200,"Data":…,"NextToken":"…"}`.
///
/// Keys are read case-insensitively on the first letter (`Code`/`code`), since error bodies from the gateway come
/// lower-case.
package struct AgentBayEnvelope: Sendable {
    /// The whole answer object.
    package var body: [String: Value]
    /// The HTTP status the answer came with.
    package var httpStatus: Int

    package var requestId: String? { Self.string(body, "RequestId") }
    package var code: String? { Self.string(body, "Code") }
    package var message: String? { Self.string(body, "Message") }
    /// `Success`; nil when absent (the SDKs then count the call as successful).
    package var success: Bool? { Self.member(body, "Success").flatMap(WireValue.bool) }
    /// `Data` as sent: an object, an array, a JSON string, or nil.
    package var data: Value? { Self.member(body, "Data") }
    package var nextToken: String? { Self.string(body, "NextToken") }
    package var totalCount: Int? { Self.member(body, "TotalCount").flatMap(WireValue.int) }

    /// Parses an answer, turning both error styles into ``SessionError/api(code:message:requestId:httpStatus:)``:
    /// HTTP 400–599 with a JSON body, and HTTP 200 with `Success:false` and a non-empty `Code`.
    package static func parse(data: Data, httpStatus: Int, action: String) throws -> AgentBayEnvelope {
        let parsed: Value
        do {
            parsed = try WireJSON.parse(data, what: "the \(action) answer")
        } catch {
            if httpStatus >= 400 {
                let text = String(decoding: data.prefix(200), as: UTF8.self)
                throw SessionError.api(
                    code: "HTTP\(httpStatus)", message: text.isEmpty ? "no body" : text, requestId: nil,
                    httpStatus: httpStatus)
            }
            throw error
        }
        guard case .object(let body) = parsed else {
            throw SessionError.protocolViolation("the \(action) answer is not a JSON object")
        }
        let envelope = AgentBayEnvelope(body: body, httpStatus: httpStatus)
        if httpStatus >= 400 {
            throw SessionError.api(
                code: envelope.code.flatMap { $0.isEmpty ? nil : $0 } ?? "HTTP\(httpStatus)",
                message: envelope.message ?? "no message", requestId: envelope.requestId, httpStatus: httpStatus)
        }
        if envelope.success == false, let code = envelope.code, !code.isEmpty {
            throw SessionError.api(
                code: code, message: envelope.message ?? "no message", requestId: envelope.requestId,
                httpStatus: httpStatus)
        }
        return envelope
    }

    /// `Data` as an object, decoding a JSON string when the server sent one.
    package func dataObject(action: String) throws -> [String: Value] {
        switch data {
        case .object(let object):
            return object
        case .string(let text) where !text.isEmpty:
            guard case .object(let object) = try WireJSON.parse(text, what: "the \(action) Data") else {
                throw SessionError.protocolViolation("the \(action) Data is not a JSON object")
            }
            return object
        default:
            throw SessionError.protocolViolation("the \(action) answer has no Data object")
        }
    }

    package static func member(_ object: [String: Value], _ key: String) -> Value? {
        if let value = object[key] { return value }
        let lowered = key.prefix(1).lowercased() + key.dropFirst()
        return object[lowered]
    }

    package static func string(_ object: [String: Value], _ key: String) -> String? {
        member(object, key).flatMap(WireValue.string)
    }
}
