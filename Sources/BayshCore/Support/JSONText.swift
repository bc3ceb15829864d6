import Foundation
import MCP

/// Reads and writes JSON text as ``Value`` exactly as written.
///
/// Foundation's decoder is not used here because, through `Value`'s `Decodable`, it turns `1.0` into an integer and
/// any string that looks like a `data:` URL into `.data`, so `key:=1.0` would not send what the user typed. This
/// reader keeps `1.0` a double and every string a string, and says where the text goes wrong.
package enum JSONText {
    /// Deeper nesting than this is refused, so hostile input cannot exhaust the stack.
    static let maximumDepth = 512

    /// Why JSON text could not be read and where: `offset` counts Unicode scalars (text) or bytes (raw bytes).
    struct SyntaxError: Error, Equatable {
        var offset: Int
        var message: String
    }

    /// Parses one JSON value that must fill the whole text (surrounding whitespace aside). Error offsets count
    /// Unicode scalars, which is what the call line's columns are built from.
    static func parse(_ text: String) -> Result<Value, SyntaxError> {
        let bytes = Array(text.utf8)
        return parse(bytes: bytes).mapError { error in
            var scalarOffset = error
            scalarOffset.offset = String(decoding: bytes.prefix(error.offset), as: UTF8.self).unicodeScalars.count
            return scalarOffset
        }
    }

    /// Parses one JSON document from raw UTF-8 bytes (a wire answer); error offsets count bytes.
    static func parse(bytes: [UInt8]) -> Result<Value, SyntaxError> {
        var reader = Reader(bytes: bytes)
        do throws(SyntaxError) {
            reader.skipWhitespace()
            let value = try reader.readValue(depth: 0)
            reader.skipWhitespace()
            if reader.position < bytes.count {
                throw reader.failure("unexpected text after the JSON value")
            }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }

    /// Compact JSON with sorted keys. `asciiOnly` writes every non-ASCII scalar as `\uXXXX`, which survives any
    /// tokenizer that works on grapheme clusters.
    static func encode(_ value: Value, asciiOnly: Bool = false) -> String {
        var out = ""
        write(value, into: &out, asciiOnly: asciiOnly)
        return out
    }

    /// The JSON text of a number, such that ``parse(_:)`` reads back the same `Value` case.
    static func numberText(_ number: Double) -> String {
        guard number.isFinite else { return "null" }
        // Swift's shortest round-trip form (`1.0`, `1e-05`, `1e+16`) is valid JSON and keeps the fraction mark.
        return "\(number)"
    }

    private static func write(_ value: Value, into out: inout String, asciiOnly: Bool) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .int(let number): out += String(number)
        case .double(let number): out += numberText(number)
        case .string(let text): writeString(text, into: &out, asciiOnly: asciiOnly)
        case .data(let mimeType, let data):
            writeString(data.dataURLEncoded(mimeType: mimeType), into: &out, asciiOnly: asciiOnly)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                write(item, into: &out, asciiOnly: asciiOnly)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                writeString(key, into: &out, asciiOnly: asciiOnly)
                out += ":"
                write(members[key] ?? .null, into: &out, asciiOnly: asciiOnly)
            }
            out += "}"
        }
    }

    /// A JSON string literal for `text`.
    static func quoted(_ text: String, asciiOnly: Bool = false) -> String {
        var out = ""
        writeString(text, into: &out, asciiOnly: asciiOnly)
        return out
    }

    private static func writeString(_ text: String, into out: inout String, asciiOnly: Bool) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || (asciiOnly && scalar.value > 0x7E) || scalar.isUnstableNextToQuotes {
                    out += unicodeEscape(scalar)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// `\uXXXX`, or a surrogate pair for scalars beyond the Basic Multilingual Plane.
    static func unicodeEscape(_ scalar: Unicode.Scalar) -> String {
        func hex(_ unit: UInt32) -> String {
            let digits = String(unit, radix: 16, uppercase: false)
            return "\\u" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        }
        guard scalar.value > 0xFFFF else { return hex(scalar.value) }
        let offset = scalar.value - 0x10000
        return hex(0xD800 + (offset >> 10)) + hex(0xDC00 + (offset & 0x3FF))
    }
}

extension Unicode.Scalar {
    /// Scalars that are invisible or that join the character before or after them (combining marks, format
    /// characters, controls, unassigned code points): written as escapes so a quote or `=` next to them stays a
    /// separate character when the line is read back.
    var isUnstableNextToQuotes: Bool {
        guard value > 0x7E else { return value < 0x20 || value == 0x7F }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .format, .control, .lineSeparator, .paragraphSeparator,
            .privateUse, .unassigned, .surrogate:
            return true
        default:
            return properties.isGraphemeExtend || value == 0x200D
        }
    }
}

/// A recursive-descent reader over UTF-8 bytes: one byte per ASCII character, so a 100 MB tool answer costs
/// 100 MB to scan rather than four times that as scalars. Offsets are byte offsets until ``JSONText/parse(_:)``
/// turns them into scalar counts for the call line's columns.
private struct Reader {
    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    func failure(_ message: String, at offset: Int? = nil) -> JSONText.SyntaxError {
        JSONText.SyntaxError(offset: offset ?? position, message: message)
    }

    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    /// The character at the reading position, for messages that quote it.
    var currentCharacter: String {
        guard position < bytes.count else { return "" }
        var end = position + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return String(decoding: bytes[position..<end], as: UTF8.self)
    }

    mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D {
            position += 1
        }
    }

    mutating func readValue(depth: Int) throws(JSONText.SyntaxError) -> Value {
        guard let byte = current else { throw failure("unexpected end of JSON: a value is missing") }
        switch byte {
        case UInt8(ascii: "{"): return try readObject(depth: depth + 1)
        case UInt8(ascii: "["): return try readArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try readNumber()
        case UInt8(ascii: "t"): return try readWord("true", .bool(true))
        case UInt8(ascii: "f"): return try readWord("false", .bool(false))
        case UInt8(ascii: "n"): return try readWord("null", .null)
        default:
            throw failure("unexpected '\(currentCharacter)': expected a JSON value (string, number, object, "
                + "array, true, false or null)")
        }
    }

    mutating func readWord(_ word: StaticString, _ value: Value) throws(JSONText.SyntaxError) -> Value {
        let start = position
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for byte in expected {
            guard current == byte else {
                throw failure("unexpected text: expected '\(word)' (JSON strings need double quotes)", at: start)
            }
            position += 1
        }
        return value
    }

    mutating func readObject(depth: Int) throws(JSONText.SyntaxError) -> Value {
        guard depth <= JSONText.maximumDepth else {
            throw failure("JSON nested deeper than \(JSONText.maximumDepth) levels")
        }
        position += 1
        var members: [String: Value] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else {
                throw failure(current == nil ? "unexpected end of JSON: the object is not closed with '}'"
                    : "expected a double-quoted key in the JSON object")
            }
            let keyStart = position
            let key = try readString()
            if members[key] != nil { throw failure("duplicate key \"\(key)\" in the JSON object", at: keyStart) }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw failure("expected ':' after the key \"\(key)\"") }
            position += 1
            skipWhitespace()
            members[key] = try readValue(depth: depth)
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return .object(members)
            case nil: throw failure("unexpected end of JSON: the object is not closed with '}'")
            default: throw failure("expected ',' or '}' after an object member")
            }
        }
    }

    mutating func readArray(depth: Int) throws(JSONText.SyntaxError) -> Value {
        guard depth <= JSONText.maximumDepth else {
            throw failure("JSON nested deeper than \(JSONText.maximumDepth) levels")
        }
        position += 1
        var items: [Value] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try readValue(depth: depth))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                return .array(items)
            case nil: throw failure("unexpected end of JSON: the array is not closed with ']'")
            default: throw failure("expected ',' or ']' after an array item")
            }
        }
    }

    mutating func readString() throws(JSONText.SyntaxError) -> String {
        let start = position
        position += 1
        var text: [UInt8] = []
        while true {
            // Copy the run up to the next quote, backslash or control byte in one go: long strings are the common case.
            let runStart = position
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
                position += 1
            }
            text.append(contentsOf: bytes[runStart..<position])
            guard let byte = current else {
                throw failure("unexpected end of JSON: the string is not closed with '\"'", at: start)
            }
            position += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"): text.append(contentsOf: String(try readEscape()).utf8)
            default:
                throw failure("control character in a JSON string: write it as an escape such as \\n",
                    at: position - 1)
            }
        }
    }

    mutating func readEscape() throws(JSONText.SyntaxError) -> Unicode.Scalar {
        let start = position - 1
        guard let byte = current else { throw failure("unexpected end of JSON inside an escape", at: start) }
        let character = currentCharacter
        position += 1
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
            let high = try readHex(escapeStart: start)
            if (0xDC00...0xDFFF).contains(high) {
                throw failure("lone low surrogate \\u\(String(high, radix: 16)) in a JSON string", at: start)
            }
            guard (0xD800...0xDBFF).contains(high) else { return Unicode.Scalar(high) ?? "\u{FFFD}" }
            guard current == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u")
            else {
                throw failure("high surrogate \\u\(String(high, radix: 16)) must be followed by a low surrogate",
                    at: start)
            }
            position += 2
            let low = try readHex(escapeStart: position - 2)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw failure("high surrogate \\u\(String(high, radix: 16)) must be followed by a low surrogate",
                    at: start)
            }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}"
        default:
            throw failure("invalid escape '\\\(character)' in a JSON string", at: start)
        }
    }

    mutating func readHex(escapeStart: Int) throws(JSONText.SyntaxError) -> UInt32 {
        var result: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = Self.hexValue(byte) else {
                throw failure("\\u must be followed by four hex digits", at: escapeStart)
            }
            result = result * 16 + digit
            position += 1
        }
        return result
    }

    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - 0x30)
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - 0x61 + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - 0x41 + 10)
        default: nil
        }
    }

    var currentIsDigit: Bool {
        guard let byte = current else { return false }
        return byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    mutating func readNumber() throws(JSONText.SyntaxError) -> Value {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        guard currentIsDigit else { throw failure("expected a digit", at: position) }
        if current == UInt8(ascii: "0") {
            position += 1
            if currentIsDigit {
                throw failure("JSON numbers cannot have leading zeros (quote it to send a string)", at: start)
            }
        } else {
            skipDigits()
        }
        var isInteger = true
        if current == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard currentIsDigit else { throw failure("expected a digit after '.'") }
            skipDigits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard currentIsDigit else { throw failure("expected a digit in the exponent") }
            skipDigits()
        }
        let literal = String(decoding: bytes[start..<position], as: UTF8.self)
        if isInteger, let number = Int(literal) { return .int(number) }
        guard let number = Double(literal), number.isFinite else {
            throw failure("number \(literal) is too large", at: start)
        }
        return .double(number)
    }

    mutating func skipDigits() {
        while currentIsDigit { position += 1 }
    }
}
