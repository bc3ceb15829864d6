/// Splits a command line such as `--mcp 'uvx mcp-server-fetch --user-agent "baysh 1.0"'` into argv words with the
/// quoting rules of a POSIX shell, without running a shell: `'single'` quotes are literal, `"double"` quotes allow
/// `\"`, `\\`, `\$` and `` \` `` escapes, and a backslash outside quotes escapes the next character. Variables, globs
/// and operators are not expanded: `$HOME` stays `$HOME`.
public enum CommandWords {
    /// The words of `line`. Throws ``SessionError/invalidArgument(_:)`` for an unclosed quote or a trailing backslash.
    public static func split(_ line: String) throws -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var escaped = false

        for character in line {
            if escaped {
                if quote == "\"" && !["\"", "\\", "$", "`"].contains(character) { word.append("\\") }
                word.append(character)
                escaped = false
                continue
            }
            switch (quote, character) {
            case ("'", "'"), ("\"", "\""):
                quote = nil
            case ("'", _):
                word.append(character)
            case ("\"", "\\"), (nil, "\\"):
                escaped = true
                inWord = true
            case ("\"", _):
                word.append(character)
            case (nil, "'"), (nil, "\""):
                quote = character
                inWord = true
            case (nil, _) where character.isWhitespace:
                if inWord { words.append(word) }
                word = ""
                inWord = false
            default:
                word.append(character)
                inWord = true
            }
        }
        if let quote {
            throw SessionError.invalidArgument("the command line has an unclosed \(quote) quote: \(line)")
        }
        if escaped {
            throw SessionError.invalidArgument("the command line ends with a lone backslash: \(line)")
        }
        if inWord { words.append(word) }
        return words
    }
}
