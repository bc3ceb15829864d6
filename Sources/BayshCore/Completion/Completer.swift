import MCP

/// Tab completion as a pure function of the line, the cursor and the tool list.
///
/// - `:des⇥` completes meta commands, and after one its argument (a tool name, a word, or a whole call line);
/// - `rea⇥` at the start of a line completes tool names;
/// - `shell ⇥` offers the keys not yet given, required first (`command=`), and `shell c⇥` narrows them;
/// - `write_file mode=⇥` offers enum members, `true`/`false` or a const; `key:=⇥` the same as JSON;
/// - `write_file content@=src/⇥` completes paths on this machine.
public enum Completer {
    /// The completion of `line` with the cursor at Character offset `cursor`.
    public static func complete(
        line: String, cursor: Int, tools: ToolIndex, metaCommands: [MetaCommandEntry] = [],
        listDirectory: @escaping PathLister = PathEntry.listLocal, lastResult: Value? = nil,
        catalog: CompletionCatalog = CompletionCatalog()
    ) -> CompletionResult {
        let characters = Array(line)
        let cursor = min(max(cursor, 0), characters.count)
        let before = String(characters[..<cursor])
        let context = Context(tools: tools, metaCommands: metaCommands, listDirectory: listDirectory, catalog: catalog)
        let leading = before.prefix(while: \.isWhitespace).count
        if before.dropFirst(leading).hasPrefix(":") {
            return context.completeMeta(String(before.dropFirst(leading)), offset: leading)
        }
        if let lastResult, let path = ResultPathCompletion.pathStart(in: before) {
            let (start, candidates) = ResultPathCompletion.complete(String(characters[path..<cursor]), in: lastResult)
            return CompletionResult(
                replaceStart: path + start, replaced: String(characters[(path + start)..<cursor]),
                candidates: candidates)
        }
        // `x = LINE`: LINE completes as a call line of its own.
        let tokens = CallLineTokenizer.tokenize(before).tokens
        if callStart(in: tokens) == 2, tokens.count > 2 || before.last?.isWhitespace == true {
            var start = tokens[1].range.upperBound
            while start < cursor, characters[start].isWhitespace { start += 1 }
            return context.completeCall(String(characters[start..<cursor]), offset: start)
        }
        return context.completeCall(before, offset: 0)
    }

    /// Where the call starts among `tokens`: 2 after an `x = ` capture, else 0.
    static func callStart(in tokens: [CallLineToken]) -> Int {
        tokens.count >= 2 && !tokens[0].quoted && tokens[1].text == "=" && !tokens[1].quoted ? 2 : 0
    }
}

private struct Context {
    let tools: ToolIndex
    let metaCommands: [MetaCommandEntry]
    let listDirectory: PathLister
    var catalog = CompletionCatalog()

    /// The word under the cursor: the last token when it reaches the cursor, else a new empty word.
    private func split(_ text: String) -> (done: [CallLineToken], current: CallLineToken?, start: Int) {
        let tokenized = CallLineTokenizer.tokenize(text)
        var tokens = tokenized.tokens
        let end = text.count
        if let last = tokens.last, last.range.upperBound >= end {
            tokens.removeLast()
            return (tokens, last, last.column)
        }
        return (tokens, nil, end)
    }

    // MARK: - Call lines

    func completeCall(_ text: String, offset: Int) -> CompletionResult {
        let (done, current, start) = split(text)
        let replaced = String(Array(text)[start...])
        func result(_ candidates: [CompletionCandidate], from column: Int = start) -> CompletionResult {
            CompletionResult(
                replaceStart: offset + column, replaced: String(Array(text)[column...]), candidates: candidates)
        }
        guard let toolToken = done.first else {
            return result(toolNames(withPrefix: current?.text ?? ""))
        }
        guard let signature = tools.signature(for: toolToken.text) else { return result([]) }
        guard let given = signature.givenParameters(by: done.dropFirst()) else { return result([]) }
        guard let current else {
            return result(keys(of: signature, excluding: given, prefix: ""))
        }
        let argument = CallLine.classify(current)
        switch argument.form {
        case .object:
            return result([])
        case .positional:
            guard !current.quoted else { return result([]) }
            if current.text.contains(".") {
                return result(nestedKeys(of: signature, dotted: current.text))
            }
            return result(keys(of: signature, excluding: given, prefix: current.text))
        case .assign, .json, .file:
            guard let equals = Self.firstUnquotedEquals(in: replaced) else { return result([]) }
            let valueColumn = start + equals + 1
            let schema = signature.schema.schema(at: argument.keyPath)
            let candidates: [CompletionCandidate]
            switch argument.form {
            case .file:
                candidates = paths(withPrefix: argument.value)
            case .json:
                candidates = (schema.map(ToolSignature.jsonChoices(of:)) ?? [])
                    .filter { $0.hasPrefix(argument.value) }
                    .map { CompletionCandidate(insertion: $0, isComplete: true) }
            default:
                candidates = ((schema.map(ToolSignature.choices(of:)) ?? []) + catalog.serverValues)
                    .filter { $0.hasPrefix(argument.value) }
                    .map { CompletionCandidate(insertion: ShellQuoting.word($0).text, display: $0, isComplete: true) }
            }
            return result(candidates, from: valueColumn)
        }
    }

    private func toolNames(withPrefix prefix: String) -> [CompletionCandidate] {
        tools.positions(withPrefix: prefix).map { position in
            CompletionCandidate(
                insertion: tools.insertion(at: position), display: tools.name(at: position),
                detail: tools.summary(at: position), isComplete: true)
        }
    }

    private func keys(of signature: ToolSignature, excluding given: Set<String>, prefix: String)
        -> [CompletionCandidate]
    {
        signature.parameters.filter { !given.contains($0.name) && $0.name.hasPrefix(prefix) }.map { parameter in
            CompletionCandidate(
                insertion: ShellQuoting.keySegment(parameter.name) + "=", display: parameter.name,
                detail: Self.detail(type: parameter.typeLabel, required: parameter.isRequired,
                    description: parameter.description),
                isComplete: false)
        }
    }

    /// `filter.li⇥`: the properties of the object at `filter` that start with `li`.
    private func nestedKeys(of signature: ToolSignature, dotted: String) -> [CompletionCandidate] {
        var path = dotted.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let leaf = path.removeLast()
        guard let parent = signature.schema.schema(at: path) else { return [] }
        let required = Set(parent.required)
        let stem = path.map(ShellQuoting.keySegment).joined(separator: ".") + "."
        return ToolSignature.parameters(of: parent, required: required).filter { $0.name.hasPrefix(leaf) }.map {
            CompletionCandidate(
                insertion: stem + ShellQuoting.keySegment($0.name) + "=", display: $0.name,
                detail: Self.detail(type: $0.typeLabel, required: $0.isRequired, description: $0.description),
                isComplete: false)
        }
    }

    private func paths(withPrefix typed: String) -> [CompletionCandidate] {
        let slash = typed.lastIndex(of: "/")
        let directory = slash.map { String(typed[...$0]) } ?? ""
        let base = slash.map { String(typed[typed.index(after: $0)...]) } ?? typed
        return listDirectory(directory.isEmpty ? "." : directory)
            .filter { $0.name.hasPrefix(base) && (base.hasPrefix(".") || !$0.name.hasPrefix(".")) }
            .sorted { $0.name < $1.name }
            .map { entry in
                let path = directory + entry.name + (entry.isDirectory ? "/" : "")
                return CompletionCandidate(
                    insertion: ShellQuoting.word(path).text, display: entry.name + (entry.isDirectory ? "/" : ""),
                    isComplete: !entry.isDirectory)
            }
    }

    /// `string, required  the command to run`.
    static func detail(type: String, required: Bool, description: String) -> String {
        var text = required ? "\(type), required" : type
        let firstLine = description.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        if !firstLine.isEmpty { text += "  " + firstLine }
        return text
    }

    /// The offset of the first `=` outside quotes and escapes in a raw token.
    static func firstUnquotedEquals(in raw: String) -> Int? {
        var quote: Character?
        var escaped = false
        for (offset, character) in raw.enumerated() {
            if escaped {
                escaped = false
            } else if let open = quote {
                if character == open { quote = nil } else if character == "\\", open == "\"" { escaped = true }
            } else if character == "\\" {
                escaped = true
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "=" {
                return offset
            }
        }
        return nil
    }

    // MARK: - Meta commands

    func completeMeta(_ text: String, offset: Int) -> CompletionResult {
        guard let space = text.firstIndex(where: \.isWhitespace) else {
            let prefix = text.dropFirst()
            let candidates = metaCommands.filter { $0.name.hasPrefix(prefix) }.map {
                CompletionCandidate(insertion: ":" + $0.name, detail: $0.summary, isComplete: true)
            }
            return CompletionResult(replaceStart: offset, replaced: text, candidates: candidates)
        }
        let name = String(text[text.index(after: text.startIndex)..<space])
        let restOffset = text.distance(from: text.startIndex, to: space)
        guard let entry = metaCommands.first(where: { $0.name == name }) else { return .none(at: offset + text.count) }
        let rest = String(text[space...])
        let (done, current, start) = split(rest)
        let word = current?.text ?? ""
        let words: [String]
        switch entry.arguments {
        case .nothing:
            words = []
        case .callLine:
            return completeCall(rest, offset: offset + restOffset)
        case .promptCall:
            let prompts = Context(tools: catalog.prompts, metaCommands: [], listDirectory: listDirectory, catalog: catalog)
            return prompts.completeCall(rest, offset: offset + restOffset)
        case .resourceURI:
            guard done.isEmpty else { return .none(at: offset + text.count) }
            return CompletionResult(
                replaceStart: offset + restOffset + start, replaced: String(Array(rest)[start...]),
                candidates: catalog.uris(withPrefix: word))
        case .toolName:
            guard done.isEmpty else { return .none(at: offset + text.count) }
            return CompletionResult(
                replaceStart: offset + restOffset + start, replaced: String(Array(rest)[start...]),
                candidates: toolNames(withPrefix: word))
        case .metaCommandName:
            words = done.isEmpty ? metaCommands.map(\.name) : []
        case .words(let positions):
            words = positions.isEmpty ? [] : positions[min(done.count, positions.count - 1)]
        }
        let candidates = words.filter { $0.hasPrefix(word) }.map { word in
            CompletionCandidate(
                insertion: word, detail: metaCommands.first { $0.name == word }?.summary ?? "",
                isComplete: !word.hasSuffix("="))
        }
        return CompletionResult(
            replaceStart: offset + restOffset + start, replaced: String(Array(rest)[start...]), candidates: candidates)
    }
}
