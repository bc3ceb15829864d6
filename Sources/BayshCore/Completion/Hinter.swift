/// The dim text shown after the cursor, like redis-cli: the arguments of the tool on the line that are not given
/// yet. For `shell ` it is `command:string [timeout_ms:integer] [cwd:string] [envs:object]`; after
/// `shell command=ls ` it is `[timeout_ms:integer] [cwd:string] [envs:object]`.
public enum Hinter {
    /// The hint for `line` (cursor at its end), or nil when there is nothing to show: no known tool, a quote
    /// still open, a word half typed, or every argument given. Starts with a space when the line does not end in
    /// one, so the hint never touches the tool name.
    public static func hint(line: String, tools: ToolIndex) -> String? {
        let tokenized = CallLineTokenizer.tokenize(line)
        guard tokenized.openQuote == nil, tokenized.openBrackets == 0, let toolToken = tokenized.tokens.first,
            let signature = tools.signature(for: toolToken.text)
        else { return nil }
        let arguments = tokenized.tokens.dropFirst()
        // Only between words: a half-typed key would collide with the hint's first word.
        guard tokenized.endsWithWhitespace || arguments.isEmpty else { return nil }
        guard let given = signature.givenParameters(by: arguments) else { return nil }
        let remaining = signature.parameters.filter { !given.contains($0.name) }
        guard !remaining.isEmpty else { return nil }
        let text = remaining.map(\.compact).joined(separator: " ")
        return tokenized.endsWithWhitespace ? text : " " + text
    }
}
