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
        bytes.withUnsafeBufferPointer { parse(buffer: $0) }
    }

    /// Parses one JSON document from raw UTF-8 bytes without copying them (an HTTP answer's `Data`), handing the
    /// items of the array at `itemSink`'s path to it as each is read.
    static func parse(bytes: UnsafeRawBufferPointer, itemSink: JSONItemSink? = nil) -> Result<Value, SyntaxError> {
        parse(buffer: bytes.assumingMemoryBound(to: UInt8.self), itemSink: itemSink)
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>, itemSink: JSONItemSink? = nil)
        -> Result<Value, SyntaxError>
    {
        var reader = JSONReader(input: JSONTextInput(), window: buffer)
        reader.itemSink = itemSink
        do throws(SyntaxError) {
            reader.skipWhitespace()
            let value = try reader.readValue(depth: 0)
            reader.skipWhitespace()
            if reader.position < buffer.count {
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
        // Plain printable ASCII, by far the most common, goes in whole (a request is encoded on every call).
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            out += text
            out += "\""
            return
        }
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
