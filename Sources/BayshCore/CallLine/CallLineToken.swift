/// One whitespace-separated word of a call line after shell-style unquoting.
///
/// `name="Ada Lovelace"` is one token whose ``text`` is `name=Ada Lovelace`, ``column`` 0, ``length`` 19 and
/// ``quoted`` true.
public struct CallLineToken: Sendable, Equatable {
    /// One character of ``text`` with where it came from.
    struct Unit: Sendable, Equatable {
        var character: Character
        /// Written inside quotes or after a backslash, so `=`, `.` or `:` in it are plain text.
        var isLiteral: Bool
        /// Column of the character in the line (0-based, in Characters).
        var column: Int
    }

    /// The text after quotes and escapes are removed.
    public var text: String { String(units.map { $0.character }) }
    /// Columns of the raw token in the line (0-based Character offsets), quotes included.
    public var range: Range<Int>
    /// Where the raw token starts.
    public var column: Int { range.lowerBound }
    /// How many Characters the raw token spans.
    public var length: Int { range.count }
    /// Whether any part of the token was quoted or backslash-escaped.
    public var quoted: Bool { !quoteStarts.isEmpty || units.contains(where: { $0.isLiteral }) }

    var units: [Unit]
    /// Indices into ``units`` where a quoted section opened, kept so that `key=""` still counts as quoted.
    var quoteStarts: [Int]
    /// Index into ``units`` where raw JSON began (`key:={...}`, or a whole-line `{...}`), if any.
    var rawJSONStart: Int?
}

/// A line split into tokens, leniently: partial input never fails, so completion can use it while the user types.
public struct TokenizedLine: Sendable, Equatable {
    /// The tokens in order; the last one may be cut short by an open quote.
    public var tokens: [CallLineToken]
    /// The quote character still open at the end of the line (`'` or `"`), or nil.
    public var openQuote: Character?
    /// How many JSON `{` or `[` are still open at the end of the line.
    public var openBrackets: Int
    /// Whether the line ends in whitespace, so the cursor sits at the start of a new token.
    public var endsWithWhitespace: Bool
    /// Whether the line ends in an unescaped backslash, which joins it with the next line.
    public var endsWithBackslash: Bool
    /// Problems found while splitting (unterminated quotes, invalid escapes); the tokens are still usable.
    public var diagnostics: [CallLineDiagnostic]
}
