/// One problem with a call line: what is wrong, for which parameter, and where in the line.
public struct CallLineDiagnostic: Sendable, Equatable {
    /// What went wrong.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// `name="Ada` (a quote is never closed).
        case unterminatedQuote
        /// `name="a\qb"` (a double-quoted escape baysh does not know).
        case invalidEscape
        /// `filter:={"limit":}` (a value that must be JSON is not).
        case invalidJSON
        /// `read_file` without its required `path`.
        case missingRequired
        /// `read_file pth=/etc/hosts` (a key the tool's schema does not list).
        case unknownKey
        /// `mode=x` where the schema allows only `"r"` or `"w"`.
        case enumMismatch
        /// `count=abc` where the schema wants an integer.
        case typeMismatch
        /// `count=5.5` where the schema wants an integer.
        case notAnInteger
        /// `count=0` where the schema says `minimum: 1` (also maximum, exclusive bounds, multipleOf).
        case outOfRange
        /// `name=ab` under `minLength: 3`, or an array under `minItems`.
        case tooShort
        /// `name=abcdef` under `maxLength: 5`, or an array over `maxItems`.
        case tooLong
        /// `id=A1` where the schema says `pattern: "^[a-z]+$"`.
        case patternMismatch
        /// `name=a name=b` for a parameter that is not an array.
        case duplicateKey
        /// `read_file /a /b` when only one parameter is left to fill.
        case tooManyPositionals
        /// `content@=missing.txt` when the file cannot be read.
        case unreadableFile
        /// `shel ls` when no tool is called `shel`.
        case unknownTool
        /// An empty line, or one with only whitespace.
        case emptyLine
        /// `a.b.c.…=1` with more dotted levels than baysh accepts.
        case nestingTooDeep
        /// `id=$x.itms[0]` naming no capture, or a path the captured result does not have.
        case unknownCapture
        /// `LINE | .itms` where the result is not JSON or has no such step.
        case badResultPath
    }

    /// What went wrong.
    public var kind: Kind
    /// A sentence for the person at the terminal: what, where, and what to do.
    public var message: String
    /// The parameter concerned as a dotted path (`filter.limit`, `tags[2]`), if any.
    public var parameter: String?
    /// First column of the bad token (0-based Character offset into the line).
    public var column: Int
    /// How many Characters to underline.
    public var length: Int
    /// The did-you-mean candidate (a key, an enum value or a tool name), if one is close.
    public var suggestion: String?

    public init(
        kind: Kind, message: String, parameter: String? = nil, column: Int, length: Int = 1,
        suggestion: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.parameter = parameter
        self.column = column
        self.length = length
        self.suggestion = suggestion
    }

    /// The line (the physical line holding ``column`` for continued input) and, under it, `^~~~` marking the
    /// bad token. Tabs are copied into the padding and wide characters count twice, so the caret lines up.
    public func caretDisplay(for line: String) -> String {
        let characters = Array(line)
        let start = min(max(column, 0), characters.count)
        var lineStart = start
        while lineStart > 0, !characters[lineStart - 1].isNewline { lineStart -= 1 }
        var lineEnd = start
        while lineEnd < characters.count, !characters[lineEnd].isNewline { lineEnd += 1 }
        let end = min(max(start + max(length, 1), start), lineEnd)
        var padding = ""
        for character in characters[lineStart..<start] {
            padding += character == "\t" ? "\t" : String(repeating: " ", count: character.terminalWidth)
        }
        let underlinedWidth = characters[start..<end].reduce(0) { $0 + $1.terminalWidth }
        let marker = "^" + String(repeating: "~", count: max(underlinedWidth - 1, 0))
        return String(characters[lineStart..<lineEnd]) + "\n" + padding + marker
    }

    /// The diagnostic for a tool name that is not in `tools`, with a did-you-mean when one is close.
    public static func unknownTool(_ name: String, column: Int = 0, tools: [String]) -> CallLineDiagnostic {
        let suggestion = Suggestion.closest(to: name, among: tools)
        var message = "unknown tool '\(name)'"
        if let suggestion { message += "; did you mean '\(suggestion)'?" }
        return CallLineDiagnostic(
            kind: .unknownTool, message: message, column: column, length: max(name.count, 1),
            suggestion: suggestion)
    }
}

extension Character {
    /// Columns the character takes in a terminal: 2 for East Asian wide characters and emoji, 0 for controls.
    var terminalWidth: Int {
        guard let scalar = unicodeScalars.first else { return 0 }
        let value = scalar.value
        if value < 0x20 || (0x7F..<0xA0).contains(value) { return 0 }
        let wide: [ClosedRange<UInt32>] = [
            0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F,
            0x1F900...0x1F9FF, 0x20000...0x3FFFD,
        ]
        return wide.contains(where: { $0.contains(value) }) ? 2 : 1
    }
}
