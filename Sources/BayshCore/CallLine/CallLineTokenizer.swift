/// Splits a call line into tokens the way a POSIX shell splits words.
///
/// - whitespace separates tokens; `'single quotes'` keep everything literally;
/// - `"double quotes"` allow `\"`, `\\`, `\n`, `\t`, `\r` and `\uXXXX` (surrogate pairs too);
/// - outside quotes a backslash makes the next character literal, and a backslash before a newline joins lines;
/// - after `key:=` a value starting with `{`, `[` or `"` is raw JSON up to its matching end, and an argument starting
///   with `{` is a raw JSON object, so `tags:=["a b", "c"]` and `tool {"a": 1}` need no extra quoting.
public struct CallLineTokenizer {
    /// Splits `text`; never throws. Problems are in ``TokenizedLine/diagnostics``.
    public static func tokenize(_ text: String) -> TokenizedLine {
        var scanner = Scanner(characters: Array(text))
        scanner.run()
        return TokenizedLine(
            tokens: scanner.tokens,
            openQuote: scanner.openQuote,
            openBrackets: scanner.openBrackets,
            endsWithWhitespace: scanner.characters.last?.isSeparator ?? false,
            endsWithBackslash: scanner.endsWithBackslash,
            diagnostics: scanner.diagnostics)
    }
}

private struct Scanner {
    let characters: [Character]
    var position = 0
    var tokens: [CallLineToken] = []
    var openQuote: Character?
    var openBrackets = 0
    var endsWithBackslash = false
    var diagnostics: [CallLineDiagnostic] = []

    // The token being built.
    var units: [CallLineToken.Unit] = []
    var quoteStarts: [Int] = []
    var rawJSONStart: Int?
    var firstBareEquals: Int?

    init(characters: [Character]) {
        self.characters = characters
    }

    mutating func run() {
        while true {
            while position < characters.count, characters[position].isSeparator { position += 1 }
            guard position < characters.count else { return }
            readToken()
        }
    }

    mutating func readToken() {
        let start = position
        units = []
        quoteStarts = []
        rawJSONStart = nil
        firstBareEquals = nil
        while position < characters.count, !characters[position].isSeparator {
            let character = characters[position]
            // Comparing ASCII bytes rather than Characters keeps the common path off grapheme comparison.
            let ascii = character.asciiValue
            if ascii == UInt8(ascii: "{") || ascii == UInt8(ascii: "[") || ascii == UInt8(ascii: "\""),
                startsRawJSON(character)
            {
                readRawJSON()
                continue
            }
            switch ascii {
            case UInt8(ascii: "'"): readSingleQuoted()
            case UInt8(ascii: "\""): readDoubleQuoted()
            case UInt8(ascii: "\\"): readEscapedCharacter()
            default:
                if ascii == UInt8(ascii: "="), firstBareEquals == nil { firstBareEquals = units.count }
                append(character, literal: false)
                position += 1
            }
        }
        tokens.append(CallLineToken(
            range: start..<position, units: units, quoteStarts: quoteStarts, rawJSONStart: rawJSONStart))
    }

    /// `{` opening an argument, or `{`, `[`, `"` right after the token's first bare `:=`.
    func startsRawJSON(_ character: Character) -> Bool {
        guard rawJSONStart == nil else { return false }
        if character == "{", units.isEmpty, quoteStarts.isEmpty, !tokens.isEmpty { return true }
        guard character == "{" || character == "[" || character == "\"", let equals = firstBareEquals,
            equals == units.count - 1, equals > 0, units[equals - 1].character == ":",
            !units[equals - 1].isLiteral
        else { return false }
        return true
    }

    mutating func append(_ character: Character, literal: Bool, column: Int? = nil) {
        units.append(CallLineToken.Unit(character: character, isLiteral: literal, column: column ?? position))
    }

    /// Copies JSON text through untouched, tracking strings and brackets only to find where it ends.
    mutating func readRawJSON() {
        rawJSONStart = units.count
        var depth = 0
        var inString = false
        var escaped = false
        while position < characters.count {
            let character = characters[position]
            append(character, literal: false)
            position += 1
            if inString {
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    inString = false
                    if depth == 0 { return }
                }
            } else if character == "\"" {
                inString = true
            } else if character == "{" || character == "[" {
                depth += 1
            } else if character == "}" || character == "]" {
                depth -= 1
                if depth <= 0 { return }
            }
        }
        openBrackets = max(depth, 0)
        if inString { openQuote = "\"" }
    }

    mutating func readSingleQuoted() {
        let quoteColumn = position
        quoteStarts.append(units.count)
        position += 1
        while position < characters.count {
            if characters[position] == "'" {
                position += 1
                return
            }
            append(characters[position], literal: true)
            position += 1
        }
        unterminated("'", at: quoteColumn)
    }

    mutating func readDoubleQuoted() {
        let quoteColumn = position
        quoteStarts.append(units.count)
        position += 1
        while position < characters.count {
            let character = characters[position]
            if character == "\"" {
                position += 1
                return
            }
            if character == "\\" {
                readDoubleQuotedEscape()
            } else {
                append(character, literal: true)
                position += 1
            }
        }
        unterminated("\"", at: quoteColumn)
    }

    mutating func unterminated(_ quote: Character, at column: Int) {
        openQuote = quote
        diagnostics.append(CallLineDiagnostic(
            kind: .unterminatedQuote,
            message: "unterminated \(quote) quote starting at column \(column + 1): close it with \(quote)",
            column: column, length: characters.count - column))
    }

    mutating func readDoubleQuotedEscape() {
        let column = position
        guard position + 1 < characters.count else {
            append("\\", literal: true)
            position += 1
            return
        }
        let next = characters[position + 1]
        let simple: [Character: Character] = ["\"": "\"", "\\": "\\", "n": "\n", "t": "\t", "r": "\r"]
        if let replacement = simple[next] {
            append(replacement, literal: true, column: column)
            position += 2
            return
        }
        if next == "u", let scalar = readUnicodeEscape() {
            append(Character(scalar), literal: true, column: column)
            return
        }
        if next != "u" {
            diagnostics.append(CallLineDiagnostic(
                kind: .invalidEscape,
                message: "invalid escape \\\(next) at column \(column + 1) inside double quotes: use \\\\ for a "
                    + "backslash (\\\" \\\\ \\n \\t \\r \\uXXXX are known), or single quotes for literal text",
                column: column, length: 2))
        }
        // Kept as typed so the lenient token still shows what the user wrote.
        append("\\", literal: true, column: column)
        append(next, literal: true, column: column + 1)
        position += 2
    }

    /// Reads `\uXXXX` (and a following low surrogate) at `position`, advancing past it; nil after reporting.
    mutating func readUnicodeEscape() -> Unicode.Scalar? {
        let column = position
        guard let high = hexQuad(at: position + 2) else {
            invalidUnicode("\\u must be followed by four hex digits", column: column, length: 2)
            return nil
        }
        if (0xDC00...0xDFFF).contains(high) {
            invalidUnicode("lone low surrogate \\u\(String(high, radix: 16))", column: column, length: 6)
            return nil
        }
        guard (0xD800...0xDBFF).contains(high) else {
            position += 6
            return Unicode.Scalar(high)
        }
        guard position + 7 < characters.count, characters[position + 6] == "\\", characters[position + 7] == "u",
            let low = hexQuad(at: position + 8), (0xDC00...0xDFFF).contains(low)
        else {
            invalidUnicode("high surrogate \\u\(String(high, radix: 16)) must be followed by a low surrogate "
                + "\\uDC00-\\uDFFF", column: column, length: 6)
            return nil
        }
        position += 12
        return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    }

    mutating func invalidUnicode(_ problem: String, column: Int, length: Int) {
        diagnostics.append(CallLineDiagnostic(
            kind: .invalidEscape,
            message: "invalid escape at column \(column + 1): \(problem)",
            column: column, length: length))
    }

    func hexQuad(at start: Int) -> UInt32? {
        guard start + 4 <= characters.count else { return nil }
        var result: UInt32 = 0
        for character in characters[start..<start + 4] {
            guard let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1,
                let digit = scalar.hexDigitValue
            else { return nil }
            result = result * 16 + UInt32(digit)
        }
        return result
    }

    mutating func readEscapedCharacter() {
        guard position + 1 < characters.count else {
            endsWithBackslash = true
            append("\\", literal: true)
            position += 1
            return
        }
        let next = characters[position + 1]
        position += 2
        // Backslash-newline joins continuation lines, as in a POSIX shell.
        if next == "\n" || next == "\r\n" { return }
        append(next, literal: true, column: position - 1)
    }
}
