/// Writes text so that ``CallLineTokenizer`` reads it back unchanged, quoting only as much as needed.
enum ShellQuoting {
    /// `value`, `'two words'`, or `"it's\n"`: bare when nothing in it is special, single quotes when it holds no
    /// `'`, double quotes with escapes otherwise. `quoted` says whether quotes were used.
    static func word(_ text: String) -> (text: String, quoted: Bool) {
        if text.isEmpty { return ("''", true) }
        if text.unicodeScalars.contains(where: \.isUnstableNextToQuotes) { return (doubleQuoted(text), true) }
        if text.allSatisfy(isBare) { return (text, false) }
        if !text.contains("'") { return ("'" + text + "'", true) }
        return (doubleQuoted(text), true)
    }

    /// Always quoted: `'5'` or `"it's"`.
    static func quoted(_ text: String) -> String {
        if text.unicodeScalars.contains(where: \.isUnstableNextToQuotes) || text.contains("'") {
            return doubleQuoted(text)
        }
        return "'" + text + "'"
    }

    /// One segment of a dotted key: bare when it is letters, digits, `_`, `-`, `$`; quoted otherwise (so a dot
    /// or `=` inside it stays part of the key).
    static func keySegment(_ segment: String) -> String {
        if !segment.isEmpty, segment.allSatisfy(\.isBareKeyCharacter),
            !segment.unicodeScalars.contains(where: \.isUnstableNextToQuotes)
        {
            return segment
        }
        return quoted(segment)
    }

    /// `"…"` with `\"`, `\\`, `\n`, `\t`, `\r` and `\uXXXX` for invisible or joining characters: a JSON string
    /// literal, whose escapes are exactly those double quotes understand.
    static func doubleQuoted(_ text: String) -> String {
        JSONText.quoted(text)
    }

    private static func isBare(_ character: Character) -> Bool {
        !character.isSeparator && character != "'" && character != "\"" && character != "\\"
    }
}
