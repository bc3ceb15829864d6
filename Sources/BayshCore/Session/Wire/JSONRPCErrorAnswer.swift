import MCP

/// The `error` member of a JSON-RPC answer, read as the server sent it: its code, its message and its data.
///
/// The SDK's `MCPError(code:)` maps -32000, -32001 and -32603 to its own "Connection closed", "Transport error" and
/// "Internal error" texts and drops the server's message, so an answer that said *why* a tool failed reached the
/// user as a claim that the connection broke. This reads the object itself. A message or data beyond
/// ``messageLimit`` bytes is cut and its full size named: a hostile server's 10 MB error must not be printed or
/// recorded whole.
public struct JSONRPCErrorAnswer: Sendable, Equatable {
    /// The error code, or nil when the server sent none or not an integer.
    public var code: Int?
    /// The server's message, secrets masked, cut past ``messageLimit`` bytes.
    public var message: String
    /// The `data` member as JSON text, secrets masked and cut the same way; nil when absent.
    public var data: String?

    /// Bytes of a message (and of its data) that are kept.
    public static let messageLimit = 4096

    /// JSON-RPC's own codes for "no such method" and "invalid params".
    public static let methodNotFound = -32601
    public static let invalidParams = -32602

    /// The error of `answer`, or nil when it carries no `error` member.
    public init?(answer: [String: Value]) {
        guard let error = answer["error"] else { return nil }
        guard case .object(let members) = error else {
            self.init(code: nil, message: JSONText.encode(error), data: nil)
            return
        }
        let code: Int? =
            switch members["code"] {
            case .int(let number)?: number
            case .double(let number)? where number.rounded() == number && abs(number) < 1e15: Int(number)
            default: nil
            }
        let message: String =
            switch members["message"] {
            case .string(let text)?: text
            case nil, .null?: ""
            case let other?: JSONText.encode(other)
            }
        let data = members["data"].flatMap { $0 == .null ? nil : JSONText.encode($0) }
        self.init(code: code, message: message, data: data)
    }

    /// An error with `message` and `data` bounded and masked.
    public init(code: Int?, message: String, data: String?) {
        self.code = code
        self.message = Self.bounded(Redactor.shared.redact(message))
        self.data = data.map { Self.bounded(Redactor.shared.redact($0)) }
    }

    /// `JSON-RPC error -32000: the database is locked (data: {"retry":true})`.
    public var text: String {
        var out = code.map { "JSON-RPC error \($0)" } ?? "JSON-RPC error (no code)"
        out += message.isEmpty ? " (no message)" : ": " + message
        if let data { out += " (data: \(data))" }
        return out
    }

    /// `text` cut to ``messageLimit`` bytes at a character boundary, with `… (cut; 10.0 MB in all)` after it.
    static func bounded(_ text: String) -> String {
        let size = text.utf8.count
        guard size > messageLimit else { return text }
        var end = text.utf8.index(text.startIndex, offsetBy: messageLimit)
        while end > text.startIndex, end.samePosition(in: text.unicodeScalars) == nil {
            end = text.utf8.index(before: end)
        }
        return String(text[..<end]) + "… (cut; \(ByteSize.text(size)) in all)"
    }
}
