/// `:find WORDS`: the tools ranked by how well their name, argument names and description match the words.
///
/// Each word scores where it is found, best place first: the whole name (12), a part of the name between `_`,
/// `-`, `.` or `/` (8), inside the name (5), an argument name (4, inside one 2), a whole word of the description
/// (3, inside one 1). A tool matching more of the words ranks above one matching fewer, then by score, then by name.
public enum ToolSearch {
    /// One ranked tool.
    public struct Match: Sendable, Equatable {
        public var name: String
        public var score: Int
        /// How many of the words it matched.
        public var wordsMatched: Int
    }

    /// The words of `query`, lower-cased; empty words dropped.
    public static func words(_ query: String) -> [String] {
        query.lowercased().split(whereSeparator: { $0.isWhitespace || $0 == "," }).map(String.init)
    }

    /// The tools of `index` matching at least one of `words`, best first.
    public static func rank(_ words: [String], in index: ToolIndex) -> [Match] {
        guard !words.isEmpty else { return [] }
        var matches: [Match] = []
        for position in 0..<index.count {
            let tool = index.tool(at: position)
            let arguments = JSONSchema(tool.inputSchema).propertyNames
            if let match = score(words, name: tool.name, description: tool.description, arguments: arguments) {
                matches.append(match)
            }
        }
        return matches.sorted {
            ($0.wordsMatched, $0.score, $1.name) > ($1.wordsMatched, $1.score, $0.name)
        }
    }

    /// The score of one tool, or nil when no word matches it.
    public static func score(_ words: [String], name: String, description: String, arguments: [String]) -> Match? {
        let lowerName = name.lowercased()
        let nameParts = Set(lowerName.split(whereSeparator: { "_-./ ".contains($0) }).map(String.init))
        let lowerArguments = arguments.map { $0.lowercased() }
        let descriptionWords = Set(
            description.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init))
        let lowerDescription = description.lowercased()
        var total = 0
        var matched = 0
        for word in words {
            var best = 0
            if lowerName == word {
                best = 12
            } else if nameParts.contains(word) {
                best = 8
            } else if lowerName.contains(word) {
                best = 5
            }
            var argumentScore = 0
            if lowerArguments.contains(word) {
                argumentScore = 4
            } else if lowerArguments.contains(where: { $0.contains(word) }) {
                argumentScore = 2
            }
            var descriptionScore = 0
            if descriptionWords.contains(word) {
                descriptionScore = 3
            } else if lowerDescription.contains(word) {
                descriptionScore = 1
            }
            // The best place counts in full, the others add a little, so a word in name and description outranks
            // one in the name alone.
            let places = [best, argumentScore, descriptionScore].sorted(by: >)
            let wordScore = places[0] * 2 + places[1] + places[2]
            if wordScore > 0 {
                matched += 1
                total += wordScore
            }
        }
        guard matched > 0 else { return nil }
        return Match(name: name, score: total, wordsMatched: matched)
    }
}
