import MCP

/// Tab after `LINE | `: the next path step from the last result's JSON (`.items`, `.["odd key"]`, `[0]`, `[]`,
/// `keys`, `length`).
public enum ResultPathCompletion {
    /// The candidates for `typed` (the path text up to the cursor) and the offset in it where they replace text.
    public static func complete(_ typed: String, in value: Value) -> (start: Int, candidates: [CompletionCandidate]) {
        let characters = Array(typed)
        let stepStart = lastStepStart(characters)
        let partial = String(characters[stepStart...])
        let earlier = String(characters[..<stepStart])
        let values: [Value]
        if earlier.allSatisfy(\.isWhitespace) {
            values = [value]
        } else {
            guard let path = try? ResultPath.parse(earlier), let picked = try? path.apply(to: value) else {
                return (stepStart, [])
            }
            values = picked
        }
        guard let first = values.first else { return (stepStart, []) }
        var steps: [String] = []
        switch first {
        case .object(let object):
            steps = object.keys.sorted().map(ResultPath.keyStep)
        case .array(let array):
            steps = ["[]", "[0]"] + (array.count > 1 ? ["[-1]"] : [])
        default:
            break
        }
        if partial.isEmpty || !(partial.first == "." || partial.first == "[") {
            steps += ["keys", "length"]
        }
        let candidates = steps.filter { $0.hasPrefix(partial) }
            .map { CompletionCandidate(insertion: $0, isComplete: false) }
        return (stepStart, candidates)
    }

    /// Where the path starts in a call line typed up to the cursor (after its bare `|`), or nil when it has none.
    public static func pathStart(in line: String) -> Int? {
        let tokens = CallLineTokenizer.tokenize(line)
        guard tokens.tokens.count > 1,
            let bar = tokens.tokens.dropFirst().first(where: {
                $0.units.first.map { $0.character == "|" && !$0.isLiteral } ?? false
            })
        else { return nil }
        return bar.column + 1
    }

    /// Where the step being typed starts: at its `.` or `[`, or after the last space or `|`.
    private static func lastStepStart(_ characters: [Character]) -> Int {
        var inString = false
        var start = 0
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if inString {
                if character == "\\" { index += 1 } else if character == "\"" { inString = false }
            } else if character == "\"" {
                inString = true
            } else if character == "." || character == "[" {
                // `.[` is one step.
                if !(character == "[" && index > 0 && characters[index - 1] == "." && start == index - 1) {
                    start = index
                }
            } else if character == " " || character == "|" {
                start = index + 1
            }
            index += 1
        }
        return start
    }
}
