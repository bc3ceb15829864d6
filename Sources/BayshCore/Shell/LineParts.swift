/// A typed call line split into what the shell does around the call: `NAME = ` in front keeps the result as a
/// capture, ` | PATH` after it prints part of the result's JSON. Split on the tokens, so a `|` or `=` inside quotes
/// or raw JSON is part of a value.
struct LineParts {
    /// `x` of `x = LINE`.
    var captureName: String?
    /// The call itself (the tokens keep their columns in the whole line, so diagnostics point into it).
    var call: TokenizedLine
    /// The text after `|` and the column where it starts in the whole line.
    var path: (text: String, column: Int)?

    /// Whether the line uses captures or a path, so a transcript must keep it as typed.
    var isPlain: Bool { captureName == nil && path == nil }

    init(_ tokens: TokenizedLine, text: String) {
        var callTokens = tokens.tokens[...]
        if callTokens.count >= 2, let name = callTokens.first, !name.quoted, CaptureStore.isValidName(name.text),
            callTokens[callTokens.startIndex + 1].text == "=", !callTokens[callTokens.startIndex + 1].quoted
        {
            captureName = name.text
            callTokens = callTokens.dropFirst(2)
        }
        if let bar = callTokens.firstIndex(where: Self.opensPath) {
            let token = callTokens[bar]
            let characters = Array(text)
            let start = token.column + 1
            path = (String(characters[min(start, characters.count)...]), start)
            callTokens = callTokens[..<bar]
        }
        call = tokens
        call.tokens = Array(callTokens)
        if let pathColumn = path?.column {
            // A quote left open in the path is the path's to report, not the call's.
            call.diagnostics.removeAll { $0.column >= pathColumn }
            call.openQuote = nil
            call.openBrackets = 0
        }
    }

    /// `|` written bare (not quoted, not inside raw JSON), alone or at the start of a word (`|.items`).
    private static func opensPath(_ token: CallLineToken) -> Bool {
        guard let first = token.units.first, first.character == "|", !first.isLiteral, token.rawJSONStart != 0
        else { return false }
        return true
    }
}
