import MCP

/// Where a ``JSONReader`` gets its bytes: all at once (text in memory) or a window at a time (a pipe, read as the
/// bytes arrive).
protocol JSONInput {
    /// A newline ends a message (MCP's stdio framing): inside a JSON value it is an error, not whitespace, and the
    /// reader never steps over one while failing, so the caller can resume at the next line.
    static var newlineEndsMessage: Bool { get }

    /// The window after the current one, starting with the current window's last `keeping` bytes and holding at
    /// least one byte more; nil when the input has ended (or failed: the input knows why).
    mutating func next(keeping: Int) -> UnsafeBufferPointer<UInt8>?
}

/// Text already in memory: one window, nothing more.
struct JSONTextInput: JSONInput {
    static var newlineEndsMessage: Bool { false }
    mutating func next(keeping: Int) -> UnsafeBufferPointer<UInt8>? { nil }
}

/// A recursive-descent reader over UTF-8 bytes: one byte per ASCII character, so a 100 MB tool answer costs
/// 100 MB to scan rather than four times that as scalars. Strings that lie whole in one window are made straight
/// from it; others gather in ``JSONStringBytes``, so even a string that arrives in thousands of reads is built
/// with one copy. Offsets count bytes from the start of the input until ``JSONText/parse(_:)`` turns them into
/// scalar counts for the call line's columns.
struct JSONReader<Input: JSONInput> {
    var input: Input
    private(set) var window: UnsafeBufferPointer<UInt8>
    var position = 0
    /// Bytes of the input before `window`.
    private(set) var passed = 0
    /// Takes the items of the array at its ``JSONItemSink/arrayPath`` while set.
    var itemSink: JSONItemSink?
    /// Asked with the `"id"` of a top-level object as soon as it is read: the sink for the rest of the message.
    var itemSinkForMessage: ((Value) -> JSONItemSink?)?
    /// How many names of the sink's path the objects being read match, from the top level down.
    private var matchedPath = 0
    /// The `"id"` member of the top-level object being read, once read (to blame a message that fails to parse).
    private(set) var messageID: Value?
    private var pieces: JSONStringBytes?
    /// Members of the objects being read, innermost last: an object's dictionary is made at its end with its exact
    /// size, rather than grown (and rehashed) member by member.
    private var members: [(key: String, value: Value, offset: Int)] = []
    /// Items of the arrays being read, innermost last, for the same reason.
    private var items: [Value] = []

    /// Numbers are short: one longer than this is refused rather than held across reads.
    static var longestNumber: Int { 4096 }

    init(input: Input, window: UnsafeBufferPointer<UInt8>) {
        self.input = input
        self.window = window
    }

    /// Where the reader is, in bytes from the start of the input.
    var offset: Int { passed + position }

    func failure(_ message: String, at offset: Int? = nil) -> JSONText.SyntaxError {
        if Input.newlineEndsMessage, position < window.count, window[position] == UInt8(ascii: "\n") {
            return JSONText.SyntaxError(offset: self.offset, message: "the line ends in the middle of the JSON message")
        }
        return JSONText.SyntaxError(offset: offset ?? self.offset, message: message)
    }

    /// The byte at the reading position, reading more input when the window is used up; nil at the end.
    mutating func peek() -> UInt8? {
        if position < window.count { return window[position] }
        return refill(keeping: 0) ? window[position] : nil
    }

    /// Moves to the next window, keeping the current one's last `keeping` bytes (the reading position stays after
    /// them).
    private mutating func refill(keeping: Int) -> Bool {
        guard let fresh = input.next(keeping: keeping) else { return false }
        passed += window.count - keeping
        window = fresh
        position = keeping
        return position < window.count
    }

    /// The character at the reading position, for messages that quote it.
    var currentCharacter: String { character(at: position) }

    /// The character starting at `index` of the window, for messages that quote it.
    func character(at index: Int) -> String {
        guard index >= 0, index < window.count else { return "" }
        var end = index + 1
        while end < window.count, window[end] & 0xC0 == 0x80 { end += 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: window[index..<end]), as: UTF8.self)
    }

    /// Skips spaces, tabs and carriage returns, and newlines unless they end messages.
    mutating func skipWhitespace() {
        while let byte = peek(),
            byte == 0x20 || byte == 0x09 || byte == 0x0D || (byte == 0x0A && !Input.newlineEndsMessage)
        {
            position += 1
        }
    }

    /// Starts a new top-level value: forgets the last message's id and sink.
    mutating func beginMessage() {
        messageID = nil
        itemSink = nil
        matchedPath = 0
        // A message that failed to parse may have left members and items behind.
        members.removeAll(keepingCapacity: true)
        items.removeAll(keepingCapacity: true)
    }

    mutating func readValue(depth: Int) throws(JSONText.SyntaxError) -> Value {
        guard let byte = peek() else { throw failure("unexpected end of JSON: a value is missing") }
        switch byte {
        case UInt8(ascii: "{"): return try readObject(depth: depth + 1)
        case UInt8(ascii: "["): return try readArray(depth: depth + 1)
        case UInt8(ascii: "\""):
            return .string(try readString())
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
        let start = offset
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for byte in expected {
            guard peek() == byte else {
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
        let base = members.count
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            return .object([:])
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else {
                throw failure(peek() == nil ? "unexpected end of JSON: the object is not closed with '}'"
                    : "expected a double-quoted key in the JSON object")
            }
            let keyStart = offset
            let key = try readString()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw failure("expected ':' after the key \"\(key)\"") }
            position += 1
            skipWhitespace()
            // The value lies on the sink's path when this object does and the key is the path's next name.
            let onPath = itemSink.map { matchedPath == depth - 1 && depth <= $0.arrayPath.count
                && $0.arrayPath[depth - 1] == key } ?? false
            if onPath { matchedPath = depth }
            let value = try readValue(depth: depth)
            if onPath { matchedPath = depth - 1 }
            if depth == 1 && key == "id" {
                messageID = value
                if itemSink == nil, let sink = itemSinkForMessage?(value) { itemSink = sink }
            }
            members.append((key, value, keyStart))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                var object: [String: Value] = .init(minimumCapacity: members.count - base)
                for (key, value, keyStart) in members[base...] {
                    // One hash per member: a duplicate shows when its key is stored.
                    if object.updateValue(value, forKey: key) != nil {
                        throw failure("duplicate key \"\(key)\" in the JSON object", at: keyStart)
                    }
                }
                members.removeSubrange(base...)
                return .object(object)
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
        let base = items.count
        var sink: JSONItemSink?
        if let itemSink, matchedPath == itemSink.arrayPath.count, depth == matchedPath + 1 {
            sink = itemSink
            itemSink.beginArray()
        }
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            return .array([])
        }
        while true {
            skipWhitespace()
            let item = try readValue(depth: depth)
            if let sink { sink.take(item) } else { items.append(item) }
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                let array = Array(items[base...])
                items.removeSubrange(base...)
                return .array(array)
            case nil: throw failure("unexpected end of JSON: the array is not closed with ']'")
            default: throw failure("expected ',' or ']' after an array item")
            }
        }
    }

    mutating func readString() throws(JSONText.SyntaxError) -> String {
        let start = offset
        position += 1
        var gathering = false
        while true {
            // Take the run up to the next quote, backslash or control byte in one go: long strings are common.
            let runStart = position
            while position < window.count {
                let byte = window[position]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
                position += 1
            }
            let run = UnsafeBufferPointer(rebasing: window[runStart..<position])
            if !gathering, position < window.count, window[position] == UInt8(ascii: "\"") {
                // The whole string lies in the window: no copy but the string's own.
                position += 1
                return String(decoding: run, as: UTF8.self)
            }
            let pieces = self.pieces ?? JSONStringBytes()
            self.pieces = pieces
            if !gathering { pieces.discard() }
            gathering = true
            pieces.append(run)
            guard position < window.count || refill(keeping: 0) else {
                pieces.discard()
                throw failure("unexpected end of JSON: the string is not closed with '\"'", at: start)
            }
            let byte = window[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return pieces.take()
            case UInt8(ascii: "\\"):
                position += 1
                do {
                    pieces.append(try readEscape())
                } catch {
                    pieces.discard()
                    throw error
                }
            case UInt8(ascii: "\n") where Input.newlineEndsMessage:
                pieces.discard()
                throw failure("the string is not closed with '\"'", at: offset)
            case 0..<0x20:
                pieces.discard()
                position += 1
                throw failure("control character in a JSON string: write it as an escape such as \\n",
                    at: offset - 1)
            default:
                continue
            }
        }
    }

    mutating func readEscape() throws(JSONText.SyntaxError) -> Unicode.Scalar {
        let start = offset - 1
        guard let byte = peek() else { throw failure("unexpected end of JSON inside an escape", at: start) }
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
            let lowStart = offset
            guard peek() == UInt8(ascii: "\\") else { throw missingLowSurrogate(high, at: start) }
            position += 1
            guard peek() == UInt8(ascii: "u") else { throw missingLowSurrogate(high, at: start) }
            position += 1
            let low = try readHex(escapeStart: lowStart)
            guard (0xDC00...0xDFFF).contains(low) else { throw missingLowSurrogate(high, at: start) }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}"
        default:
            // Quoted only here: building it for every escape cost a String per `\n` of every answer.
            throw failure("invalid escape '\\\(character(at: position - 1))' in a JSON string", at: start)
        }
    }

    private func missingLowSurrogate(_ high: UInt32, at start: Int) -> JSONText.SyntaxError {
        failure("high surrogate \\u\(String(high, radix: 16)) must be followed by a low surrogate", at: start)
    }

    mutating func readHex(escapeStart: Int) throws(JSONText.SyntaxError) -> UInt32 {
        var result: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek(), let digit = Self.hexValue(byte) else {
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

    /// The byte at the reading position of a number that began at `start` in the window; a new window keeps the
    /// number's bytes, and `start` follows them.
    private mutating func peekInNumber(from start: inout Int) -> UInt8? {
        if position < window.count { return window[position] }
        let kept = position - start
        guard kept < Self.longestNumber, refill(keeping: kept) else { return nil }
        start = 0
        return window[position]
    }

    private mutating func isDigitInNumber(from start: inout Int) -> Bool {
        guard let byte = peekInNumber(from: &start) else { return false }
        return byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    mutating func readNumber() throws(JSONText.SyntaxError) -> Value {
        var start = position
        let startOffset = offset
        if window[position] == UInt8(ascii: "-") { position += 1 }
        guard isDigitInNumber(from: &start) else { throw failure("expected a digit", at: offset) }
        if window[position] == UInt8(ascii: "0") {
            position += 1
            if isDigitInNumber(from: &start) {
                throw failure("JSON numbers cannot have leading zeros (quote it to send a string)", at: startOffset)
            }
        } else {
            while isDigitInNumber(from: &start) { position += 1 }
        }
        var isInteger = true
        if peekInNumber(from: &start) == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard isDigitInNumber(from: &start) else { throw failure("expected a digit after '.'") }
            while isDigitInNumber(from: &start) { position += 1 }
        }
        if let mark = peekInNumber(from: &start), mark == UInt8(ascii: "e") || mark == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if let sign = peekInNumber(from: &start), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                position += 1
            }
            guard isDigitInNumber(from: &start) else { throw failure("expected a digit in the exponent") }
            while isDigitInNumber(from: &start) { position += 1 }
        }
        guard offset - startOffset <= Self.longestNumber else {
            throw failure("number longer than \(Self.longestNumber) characters", at: startOffset)
        }
        let literal = String(decoding: UnsafeBufferPointer(rebasing: window[start..<position]), as: UTF8.self)
        if isInteger, let number = Int(literal) { return .int(number) }
        guard let number = Double(literal), number.isFinite else {
            throw failure("number \(literal) is too large", at: startOffset)
        }
        return .double(number)
    }
}
