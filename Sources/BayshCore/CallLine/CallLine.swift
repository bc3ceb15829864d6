/// A call line split into the tool name and its untyped arguments: `read_file path=/etc/hosts`.
///
/// Parsing knows nothing about the tool; ``ArgumentResolver`` types and checks the arguments against the tool's
/// schema.
public struct CallLine: Sendable, Equatable {
    /// The tool to call, unquoted.
    public var tool: String
    /// Column where the tool name starts (0-based Character offset).
    public var toolColumn: Int
    /// The arguments in the order written.
    public var arguments: [RawArgument]

    public init(tool: String, toolColumn: Int = 0, arguments: [RawArgument]) {
        self.tool = tool
        self.toolColumn = toolColumn
        self.arguments = arguments
    }

    /// Dotted keys deeper than this are refused (they would only build absurdly nested objects).
    static let maximumKeyDepth = 64

    /// Splits `text` into a tool name and arguments.
    ///
    /// Throws every quoting problem at once: unterminated quotes, invalid escapes, a JSON object that is not the
    /// only argument, keys nested too deeply, or an empty line.
    public static func parse(_ text: String) throws(CallLineError) -> CallLine {
        try parse(CallLineTokenizer.tokenize(text))
    }

    /// ``parse(_:)-(String)`` on a line already tokenized: the shell tokenizes a typed line once, for the
    /// continuation check and for this.
    public static func parse(_ line: TokenizedLine) throws(CallLineError) -> CallLine {
        var diagnostics = line.diagnostics
        guard let toolToken = line.tokens.first, !toolToken.text.isEmpty else {
            diagnostics.append(CallLineDiagnostic(
                kind: .emptyLine,
                message: "nothing to call: start the line with a tool name, for example: shell \"ls -la\"",
                column: line.tokens.first?.column ?? 0, length: max(line.tokens.first?.length ?? 1, 1)))
            throw CallLineError(diagnostics: diagnostics)
        }
        var arguments: [RawArgument] = []
        for token in line.tokens.dropFirst() {
            let argument = classify(token)
            if argument.keyPath.count > maximumKeyDepth {
                diagnostics.append(CallLineDiagnostic(
                    kind: .nestingTooDeep,
                    message: "key at column \(token.column + 1) has \(argument.keyPath.count) dotted levels; at "
                        + "most \(maximumKeyDepth) are allowed: use key:={…} JSON for deep values",
                    parameter: argument.dottedKey, column: token.column, length: token.length))
            }
            arguments.append(argument)
        }
        if arguments.count > 1, let object = arguments.first(where: { $0.form == .object }) {
            diagnostics.append(CallLineDiagnostic(
                kind: .invalidJSON,
                message: "a JSON object at column \(object.column + 1) must be the only argument: put every "
                    + "argument inside it, or write them all as key=value",
                column: object.column, length: object.length))
        }
        guard diagnostics.isEmpty else { throw CallLineError(diagnostics: diagnostics) }
        return CallLine(tool: toolToken.text, toolColumn: toolToken.column, arguments: arguments)
    }

    /// Whether the shell should read another line and join it with "\n": a quote or a JSON `{`/`[` is still
    /// open, or the line ends in a backslash.
    public static func needsContinuation(_ text: String) -> Bool {
        needsContinuation(CallLineTokenizer.tokenize(text))
    }

    /// ``needsContinuation(_:)-(String)`` on a line already tokenized.
    public static func needsContinuation(_ line: TokenizedLine) -> Bool {
        line.openQuote != nil || line.openBrackets > 0 || line.endsWithBackslash
    }

    /// Decides the form of one argument token from its unquoted `=` and the markers before it.
    static func classify(_ token: CallLineToken) -> RawArgument {
        let units = token.units
        if token.rawJSONStart == 0 {
            return argument(.object, keyPath: [], appends: false, valueFrom: 0, token: token)
        }
        guard let equals = units.firstIndex(where: { $0.character == "=" && !$0.isLiteral }) else {
            return argument(.positional, keyPath: [], appends: false, valueFrom: 0, token: token)
        }
        var keyEnd = equals
        var form = RawArgument.Form.assign
        if keyEnd > 0, !units[keyEnd - 1].isLiteral {
            switch units[keyEnd - 1].character {
            case ":": form = .json
            case "@": form = .file
            default: break
            }
            if form != .assign { keyEnd -= 1 }
        }
        var appends = false
        if keyEnd >= 2, units[keyEnd - 2].character == "[", units[keyEnd - 1].character == "]",
            !units[keyEnd - 2].isLiteral, !units[keyEnd - 1].isLiteral
        {
            appends = true
            keyEnd -= 2
        }
        guard let keyPath = keyPath(units[0..<keyEnd], quoteStarts: token.quoteStarts) else {
            return argument(.positional, keyPath: [], appends: false, valueFrom: 0, token: token)
        }
        return argument(form, keyPath: keyPath, appends: appends, valueFrom: equals + 1, token: token)
    }

    /// Splits key units at unquoted dots; nil when the text is not a key (so the token is a positional value,
    /// such as `https://example.com/?q=1`).
    static func keyPath(_ units: ArraySlice<CallLineToken.Unit>, quoteStarts: [Int]) -> [String]? {
        var segments: [String] = []
        var segment = ""
        var segmentStart = units.startIndex
        var segmentIsEmpty = true
        func finishSegment() -> Bool {
            // An empty segment is a key only when written as quotes (`""=x`), never as `a..b` or `.a`.
            guard !segmentIsEmpty || quoteStarts.contains(segmentStart) else { return false }
            segments.append(segment)
            return true
        }
        for index in units.indices {
            let unit = units[index]
            if !unit.isLiteral, unit.character == "." {
                guard finishSegment() else { return nil }
                segment = ""
                segmentIsEmpty = true
                segmentStart = index + 1
                continue
            }
            if !unit.isLiteral, !unit.character.isBareKeyCharacter { return nil }
            segment.append(unit.character)
            segmentIsEmpty = false
        }
        guard finishSegment() else { return nil }
        return segments
    }

    private static func argument(
        _ form: RawArgument.Form, keyPath: [String], appends: Bool, valueFrom start: Int, token: CallLineToken
    ) -> RawArgument {
        let valueUnits = token.units[start...]
        var argument = RawArgument(
            form: form, keyPath: keyPath, appends: appends,
            value: String(valueUnits.map { $0.character }),
            quoted: valueUnits.contains(where: { $0.isLiteral }) || token.quoteStarts.contains(where: { $0 >= start }),
            column: token.column, length: token.length)
        argument.valueColumns = valueUnits.map { $0.column }
        argument.valueScalarCounts = valueUnits.map { $0.character.unicodeScalars.count }
        return argument
    }
}

extension Character {
    /// Characters a key may contain without quotes: letters, digits, `_`, `-` and `$`.
    var isBareKeyCharacter: Bool {
        if let ascii = asciiValue {
            // ASCII first: the Unicode property lookup is the slowest part of parsing a line.
            switch ascii {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "$"):
                return true
            default:
                return false
            }
        }
        return isLetter || isNumber
    }

    /// Whitespace between words, with an ASCII fast path (`\r\n` is one Character whose ASCII value is `\n`).
    var isSeparator: Bool {
        if let ascii = asciiValue {
            return ascii == 0x20 || (0x09...0x0D).contains(ascii)
        }
        return isWhitespace
    }
}
