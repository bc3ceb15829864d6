import Foundation

/// One HTTP/1.1 request as the loopback server read it.
public struct HTTPRequestMessage: Sendable {
    /// `POST`, `GET`.
    public var method: String
    /// The path without the query: `/`, `/link/session-…/callTool`.
    public var path: String
    /// The raw query string after `?` ("" when none).
    public var query: String
    /// Header names lower-cased; a repeated header keeps its last value.
    public var headers: [String: String]
    public var body: Data

    /// `Connection: close` or HTTP/1.0 without keep-alive.
    var wantsClose: Bool
}

/// What the server writes back.
public struct HTTPResponseMessage: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data

    public init(status: Int, headers: [(String, String)] = [], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON answer.
    static func json(_ status: Int, _ text: String) -> HTTPResponseMessage {
        HTTPResponseMessage(
            status: status, headers: [("Content-Type", "application/json;charset=utf-8")], body: Data(text.utf8))
    }

    var reason: String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}

/// What to do with a request that was read.
enum HTTPReply: Sendable {
    /// Answer it.
    case respond(HTTPResponseMessage)
    /// Close the connection without answering (the request may have been processed).
    case drop
}
