import Foundation
import MCP

/// Reads loosely typed wire values: booleans as `true`, `"true"` or Python's `"True"`; numbers as ints or strings.
package enum WireValue {
    package static func bool(_ value: Value) -> Bool? {
        switch value {
        case .bool(let flag): return flag
        case .int(let number): return number != 0
        case .string(let text):
            switch text.lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            default: return nil
            }
        default: return nil
        }
    }

    package static func int(_ value: Value) -> Int? {
        switch value {
        case .int(let number): return number
        case .double(let number): return Int(exactly: number)
        case .string(let text): return Int(text)
        default: return nil
        }
    }

    /// Strings as they are; numbers and booleans as their text (an `HttpPort` may come as 8080 or "8080").
    package static func string(_ value: Value) -> String? {
        switch value {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }
}
