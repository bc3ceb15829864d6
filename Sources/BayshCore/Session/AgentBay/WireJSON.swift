import Foundation
import MCP

/// JSON text and MCP `Value`, both ways, as the AgentBay wire needs them.
///
/// MCP's own `Value` decoding turns any string that looks like `data:…` into `.data`, so a tool whose output starts
/// with "data:" would come back changed. Tool output must arrive exactly as sent, so the wire uses this small parser:
/// strings stay strings, numbers without `.`/`e` are `.int` (or `.double` when too large), everything else is plain JSON.
package enum WireJSON {
    /// Parses one JSON document; `what` names it in the error ("the CallMcpTool answer").
    package static func parse(_ text: String, what: String) throws -> Value {
        try parse(Array(text.utf8), what: what)
    }

    /// Parses one JSON document from raw bytes.
    package static func parse(_ data: Data, what: String) throws -> Value {
        try parse([UInt8](data), what: what)
    }

    private static func parse(_ bytes: [UInt8], what: String) throws -> Value {
        var reader = Reader(bytes: bytes)
        do {
            reader.skipSpace()
            let value = try reader.value(depth: 0)
            reader.skipSpace()
            guard reader.index == bytes.count else { throw Reader.Failure(offset: reader.index, reason: "extra text") }
            return value
        } catch let failure as Reader.Failure {
            let preview = String(decoding: bytes.prefix(120), as: UTF8.self)
            throw SessionError.protocolViolation(
                "\(what) is not valid JSON (\(failure.reason) at byte \(failure.offset)): \(preview)")
        }
    }

    /// Compact JSON text with sorted keys, so the same value always gives the same text.
    package static func text(_ value: Value) -> String {
        var out = ""
        write(value, to: &out)
        return out
    }

    private static func write(_ value: Value, to out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .int(let number): out += String(number)
        case .double(let number): out += number.isFinite ? "\(number)" : "null"
        case .string(let string): writeString(string, to: &out)
        case .data(let mimeType, let data):
            writeString("data:\(mimeType ?? "application/octet-stream");base64,\(data.base64EncodedString())", to: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                write(item, to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                writeString(key, to: &out)
                out += ":"
                write(members[key] ?? .null, to: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ string: String, to out: inout String) {
        out += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

/// A recursive-descent reader over UTF-8 bytes.
private struct Reader {
    struct Failure: Error {
        var offset: Int
        var reason: String
    }

    let bytes: [UInt8]
    var index = 0

    /// Deeper nesting than any real answer; stops a hostile document from exhausting the stack.
    static let maximumDepth = 512

    mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    func fail(_ reason: String) -> Failure { Failure(offset: index, reason: reason) }

    mutating func value(depth: Int) throws -> Value {
        guard depth < Self.maximumDepth else { throw fail("nesting too deep") }
        guard index < bytes.count else { throw fail("unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return try number()
        }
    }

    mutating func literal(_ word: String) throws {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw fail("expected \(word)")
        }
        index += expected.count
    }

    mutating func object(depth: Int) throws -> Value {
        index += 1
        var members: [String: Value] = [:]
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a key") }
            let key = try string()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            index += 1
            skipSpace()
            members[key] = try value(depth: depth + 1)
            skipSpace()
            guard index < bytes.count else { throw fail("unexpected end in object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            } else {
                throw fail("expected ',' or '}'")
            }
        }
    }

    mutating func array(depth: Int) throws -> Value {
        index += 1
        var items: [Value] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            skipSpace()
            items.append(try value(depth: depth + 1))
            skipSpace()
            guard index < bytes.count else { throw fail("unexpected end in array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            } else {
                throw fail("expected ',' or ']'")
            }
        }
    }

    mutating func string() throws -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        var start = index
        var pending: [UInt8] = []
        while true {
            guard index < bytes.count else { throw fail("unterminated string") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                pending += bytes[start..<index]
                index += 1
                scalars.append(contentsOf: String(decoding: pending, as: UTF8.self).unicodeScalars)
                return String(scalars)
            }
            if byte == UInt8(ascii: "\\") {
                pending += bytes[start..<index]
                scalars.append(contentsOf: String(decoding: pending, as: UTF8.self).unicodeScalars)
                pending.removeAll(keepingCapacity: true)
                index += 1
                scalars.append(try escape())
                start = index
                continue
            }
            index += 1
        }
    }

    mutating func escape() throws -> Unicode.Scalar {
        guard index < bytes.count else { throw fail("unterminated escape") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try hex4()
            if (0xD800...0xDBFF).contains(high), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                bytes[index + 1] == UInt8(ascii: "u")
            {
                index += 2
                let low = try hex4()
                let combined = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                if (0xDC00...0xDFFF).contains(low), let scalar = Unicode.Scalar(combined) { return scalar }
                return "\u{FFFD}"
            }
            return Unicode.Scalar(high) ?? "\u{FFFD}"
        default: throw fail("bad escape")
        }
    }

    mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count,
            let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else { throw fail("bad \\u escape") }
        index += 4
        return value
    }

    mutating func number() throws -> Value {
        let start = index
        var isInteger = true
        while index < bytes.count {
            let byte = bytes[index]
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "+")
            {
                index += 1
            } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                isInteger = false
                index += 1
            } else {
                break
            }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard !text.isEmpty else { throw fail("unexpected character") }
        if isInteger, let number = Int(text) { return .int(number) }
        guard let number = Double(text) else { throw fail("bad number '\(text)'") }
        return .double(number)
    }
}
