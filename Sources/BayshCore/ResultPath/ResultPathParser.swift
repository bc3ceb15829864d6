/// Reads the text of a ``ResultPath`` into steps.
struct ResultPathParser {
    let characters: [Character]
    var position = 0

    static func isNameCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "-"
    }

    mutating func parse() throws(ResultPathError) -> [ResultPath.Step] {
        var steps: [ResultPath.Step] = []
        skipSpaces()
        guard position < characters.count else {
            throw ResultPathError(
                message: "empty path after |: write one, for example .items[0].id, keys or length", column: 0,
                length: 1)
        }
        while position < characters.count {
            let character = characters[position]
            switch character {
            case ".":
                steps.append(contentsOf: try readDot())
            case "[":
                steps.append(try readBracket())
            case "|":
                position += 1
            case _ where character.isLetter:
                steps.append(try readWord())
            default:
                throw unexpected("start a step with '.', '[', 'keys' or 'length'")
            }
            skipSpaces()
        }
        return steps
    }

    private mutating func skipSpaces() {
        while position < characters.count, characters[position].isWhitespace { position += 1 }
    }

    private func unexpected(_ advice: String) -> ResultPathError {
        ResultPathError(
            message: "unexpected '\(characters[position])' at column \(position + 1) of the path: \(advice)",
            column: position, length: 1)
    }

    /// `.`, `.name`, `.[…]`.
    private mutating func readDot() throws(ResultPathError) -> [ResultPath.Step] {
        let start = position
        position += 1
        guard position < characters.count else { return [] }
        if characters[position] == "[" { return [try readBracket(from: start)] }
        guard Self.isNameCharacter(characters[position]) else { return [] }
        while position < characters.count, Self.isNameCharacter(characters[position]) { position += 1 }
        let name = String(characters[(start + 1)..<position])
        return [ResultPath.Step(kind: .key(name), column: start, length: position - start)]
    }

    /// `[]`, `[3]`, `[-1]`, `["key"]`.
    private mutating func readBracket(from start: Int? = nil) throws(ResultPathError) -> ResultPath.Step {
        let start = start ?? position
        position += 1
        let contentStart = position
        guard let close = closingBracket() else {
            throw ResultPathError(
                message: "'[' at column \(contentStart) of the path is never closed: end it with ']'",
                column: contentStart - 1, length: characters.count - contentStart + 1)
        }
        position = close + 1
        let inside = String(characters[contentStart..<close]).trimmingCharacters(in: .whitespaces)
        let length = position - start
        if inside.isEmpty { return ResultPath.Step(kind: .each, column: start, length: length) }
        if let index = Int(inside) { return ResultPath.Step(kind: .index(index), column: start, length: length) }
        if inside.hasPrefix("\""), case .success(.string(let key)) = JSONText.parse(inside) {
            return ResultPath.Step(kind: .key(key), column: start, length: length)
        }
        throw ResultPathError(
            message: "[\(inside)] is not an index or a key: write [0], [-1], [] or [\"key\"]", column: start,
            length: length)
    }

    /// Where the `]` closing the bracket at `position - 1` is, skipping a quoted key.
    private func closingBracket() -> Int? {
        var index = position
        var inString = false
        var escaped = false
        while index < characters.count {
            let character = characters[index]
            if inString {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" {
                    inString = false
                }
            } else if character == "\"" {
                inString = true
            } else if character == "]" {
                return index
            }
            index += 1
        }
        return nil
    }

    /// `keys` or `length`.
    private mutating func readWord() throws(ResultPathError) -> ResultPath.Step {
        let start = position
        while position < characters.count, Self.isNameCharacter(characters[position]) { position += 1 }
        let word = String(characters[start..<position])
        switch word {
        case "keys": return ResultPath.Step(kind: .keys, column: start, length: word.count)
        case "length": return ResultPath.Step(kind: .length, column: start, length: word.count)
        default:
            throw ResultPathError(
                message: "unknown word '\(word)' in the path: only keys and length are known (keys start with "
                    + "'.', as in .\(word))",
                column: start, length: word.count)
        }
    }
}
