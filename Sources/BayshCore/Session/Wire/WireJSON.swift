import Foundation
import MCP

/// JSON text and MCP `Value`, both ways, as the AgentBay wire needs them: ``JSONText`` with errors that name the
/// document and quote its start.
///
/// MCP's own `Value` decoding turns any string that looks like `data:…` into `.data`, so a tool whose output starts
/// with "data:" would come back changed; ``JSONText`` keeps strings strings and `1.0` a double.
package enum WireJSON {
    /// Parses one JSON document; `what` names it in the error ("the CallMcpTool answer").
    package static func parse(_ text: String, what: String) throws -> Value {
        var text = text
        return try text.withUTF8 { try parse(UnsafeRawBufferPointer($0), what: what) }
    }

    /// Parses one JSON document from raw bytes.
    package static func parse(_ data: Data, what: String) throws -> Value {
        try data.withUnsafeBytes { try parse($0, what: what) }
    }

    /// Parses in place: an answer carries a tool's whole output, which a copy would double.
    private static func parse(_ bytes: UnsafeRawBufferPointer, what: String) throws -> Value {
        switch JSONText.parse(bytes: bytes) {
        case .success(let value):
            return value
        case .failure(let failure):
            let preview = String(decoding: bytes.prefix(120), as: UTF8.self)
            throw SessionError.protocolViolation(
                "\(what) is not valid JSON (\(failure.message) at byte \(failure.offset)): \(preview)")
        }
    }

    /// Compact JSON text with sorted keys, so the same value always gives the same text.
    package static func text(_ value: Value) -> String {
        JSONText.encode(value)
    }
}
