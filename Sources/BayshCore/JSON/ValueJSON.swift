import Foundation
import MCP

/// A `Value` written as JSON people read: indented, keys sorted, so the same value always prints the same.
enum ValueJSON {
    static func pretty(_ value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "\(value)" }
        return String(decoding: data, as: UTF8.self)
    }
}
