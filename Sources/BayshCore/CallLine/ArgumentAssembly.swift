import MCP

/// Where in the line a parameter was written.
struct LineSpan: Equatable {
    var column: Int
    var length: Int
}

/// Builds the arguments object of one call: groups keys, types values, builds arrays and nested objects, and
/// fills positional values. Validation against the schema happens afterwards in ``ArgumentResolver``.
struct ArgumentAssembly {
    let call: CallLine
    let schema: JSONSchema?
    let readFile: @Sendable (String) throws -> String

    private(set) var arguments: [String: Value] = [:]
    private(set) var errors: [CallLineDiagnostic] = []
    /// Dotted paths whose value could not be typed.
    private(set) var failedPaths: Set<String> = []
    /// Whether a whole-line JSON object could not be read, so checking the (empty) result would only add noise.
    private(set) var objectUnreadable = false
    private var locations: [String: LineSpan] = [:]
    private var tree: [String: Node] = [:]

    /// Arguments under construction: dotted keys make branches, values are leaves.
    private indirect enum Node {
        case leaf(Value)
        case branch([String: Node])

        var value: Value {
            switch self {
            case .leaf(let value): value
            case .branch(let children): .object(children.mapValues(\.value))
            }
        }
    }

    init(call: CallLine, schema: JSONSchema?, readFile: @escaping @Sendable (String) throws -> String) {
        self.call = call
        self.schema = schema
        self.readFile = readFile
    }

    mutating func run() {
        if let object = call.arguments.first(where: { $0.form == .object }) { addObject(object) }
        var order: [[String]] = []
        var groups: [[String]: [RawArgument]] = [:]
        for argument in call.arguments where !argument.keyPath.isEmpty {
            if groups[argument.keyPath] == nil { order.append(argument.keyPath) }
            groups[argument.keyPath, default: []].append(argument)
        }
        for keyPath in order { addGroup(keyPath, groups[keyPath] ?? []) }
        addPositionals(call.arguments.filter { $0.form == .positional })
        arguments = tree.mapValues(\.value)
    }

    // MARK: - Forms

    private mutating func addObject(_ argument: RawArgument) {
        let span = LineSpan(column: argument.column, length: argument.length)
        locations[""] = span
        switch JSONText.parse(argument.value) {
        case .success(.object(let members)):
            for (key, value) in members {
                tree[key] = .leaf(value)
                locations[key] = span
            }
        case .success(let other):
            objectUnreadable = true
            errors.append(CallLineDiagnostic(
                kind: .invalidJSON,
                message: "the arguments must be a JSON object {…}, got JSON \(other.typeName) (column "
                    + "\(argument.column + 1))",
                column: argument.column, length: argument.length))
        case .failure(let error):
            objectUnreadable = true
            let column = argument.column(ofScalar: error.offset)
            errors.append(CallLineDiagnostic(
                kind: .invalidJSON, message: "invalid JSON arguments object: \(error.message) (column \(column + 1))",
                column: column, length: 1))
        }
    }

    /// One key written once or several times (`tags=a tags=b`, `tags[]=c`).
    private mutating func addGroup(_ keyPath: [String], _ group: [RawArgument]) {
        guard let first = group.first else { return }
        let dotted = keyPath.joined(separator: ".")
        locations[dotted] = LineSpan(column: first.column, length: first.length)
        let target = schema?.schema(at: keyPath)
        let plain = group.filter { !$0.appends }
        let repeatsAsArray = plain.count > 1 && target?.acceptsArrays == true
        var whole: (value: Value, argument: RawArgument)?
        var elements: [Value] = []
        var failed = false
        for argument in group {
            if argument.appends || repeatsAsArray {
                guard let element = value(of: argument, schema: target?.arrayItems, parameter: dotted) else {
                    failed = true
                    continue
                }
                elements.append(element)
            } else if let earlier = whole {
                errors.append(duplicate(dotted, argument, earlier: earlier.argument))
                failed = true
            } else if let typed = value(of: argument, schema: target, parameter: dotted) {
                whole = (typed, argument)
            } else {
                failed = true
            }
        }
        guard !failed else {
            failedPaths.insert(dotted)
            return
        }
        var result: Value
        switch whole {
        case nil:
            result = .array(elements)
        case (.array(let items), _)?:
            result = .array(items + elements)
        case (let value, let argument)?:
            if let appended = group.first(where: \.appends) {
                errors.append(duplicate(dotted, appended, earlier: argument))
                failedPaths.insert(dotted)
                return
            }
            result = value
        }
        insert(result, at: keyPath, argument: first)
    }

    private mutating func addPositionals(_ positionals: [RawArgument]) {
        guard !positionals.isEmpty else { return }
        let given = Set(tree.keys).union(failedPaths.map { $0.split(separator: ".").first.map(String.init) ?? $0 })
        var targets: [String] = []
        if let schema {
            targets = schema.required.filter { !given.contains($0) }
            let rest = schema.propertyNames.filter { !given.contains($0) && !targets.contains($0) }
            if rest.count == 1 { targets += rest }
        }
        for (index, argument) in positionals.enumerated() {
            guard index < targets.count else {
                errors.append(tooMany(argument, targets: targets))
                continue
            }
            let name = targets[index]
            locations[name] = LineSpan(column: argument.column, length: argument.length)
            if let typed = value(of: argument, schema: schema?.property(name), parameter: name) {
                insert(typed, at: [name], argument: argument)
            } else {
                failedPaths.insert(name)
            }
        }
    }

    // MARK: - Values

    /// The value of one argument, or nil after recording why it has none.
    private mutating func value(of argument: RawArgument, schema: JSONSchema?, parameter: String) -> Value? {
        switch argument.form {
        case .assign, .positional:
            switch ValueTyping.value(of: argument.value, quoted: argument.quoted, schema: schema) {
            case .success(let value): return value
            case .failure(let failure):
                let column = failure.jsonOffset.map(argument.column(ofScalar:)) ?? argument.column
                errors.append(CallLineDiagnostic(
                    kind: failure.kind,
                    message: Self.message(parameter, failure.problem, column: column, suggestion: failure.suggestion),
                    parameter: parameter, column: column, length: failure.jsonOffset == nil ? argument.length : 1,
                    suggestion: failure.suggestion))
                return nil
            }
        case .json, .object:
            switch JSONText.parse(argument.value) {
            case .success(let value): return value
            case .failure(let error):
                let column = argument.column(ofScalar: error.offset)
                errors.append(CallLineDiagnostic(
                    kind: .invalidJSON,
                    message: Self.message(parameter, "invalid JSON after := (\(error.message))", column: column),
                    parameter: parameter, column: column, length: 1))
                return nil
            }
        case .file:
            do {
                return .string(try readFile(argument.value))
            } catch {
                errors.append(CallLineDiagnostic(
                    kind: .unreadableFile,
                    message: Self.message(
                        parameter, "cannot read file \(JSONText.quoted(argument.value)): \(error)",
                        column: argument.column),
                    parameter: parameter, column: argument.column, length: argument.length))
                return nil
            }
        }
    }

    /// Puts a value into the tree; dotted keys merge into objects, anything else clashing is a duplicate.
    private mutating func insert(_ value: Value, at keyPath: [String], argument: RawArgument) {
        guard Self.insert(value, at: keyPath[...], into: &tree) else {
            let dotted = keyPath.joined(separator: ".")
            errors.append(CallLineDiagnostic(
                kind: .duplicateKey,
                message: Self.message(
                    dotted, "clashes with another argument that sets the same object differently; give each key "
                        + "once, either as key:={…} or as dotted keys", column: argument.column),
                parameter: dotted, column: argument.column, length: argument.length))
            failedPaths.insert(dotted)
            return
        }
    }

    private static func insert(_ value: Value, at keyPath: ArraySlice<String>, into nodes: inout [String: Node])
        -> Bool
    {
        guard let key = keyPath.first else { return false }
        let existing = nodes[key]
        if keyPath.count == 1 {
            switch (existing, value) {
            case (nil, _):
                nodes[key] = .leaf(value)
                return true
            case (.branch(var children)?, .object(let members)):
                for (member, memberValue) in members {
                    guard insert(memberValue, at: [member], into: &children) else { return false }
                }
                nodes[key] = .branch(children)
                return true
            default:
                return false
            }
        }
        var children: [String: Node]
        switch existing {
        case nil: children = [:]
        case .branch(let current)?: children = current
        case .leaf(.object(let members))?: children = members.mapValues(Node.leaf)
        case .leaf?: return false
        }
        guard insert(value, at: keyPath.dropFirst(), into: &children) else { return false }
        nodes[key] = .branch(children)
        return true
    }

    // MARK: - Diagnostics

    private func duplicate(_ dotted: String, _ argument: RawArgument, earlier: RawArgument) -> CallLineDiagnostic {
        CallLineDiagnostic(
            kind: .duplicateKey,
            message: Self.message(
                dotted, "given again (first at column \(earlier.column + 1)); give it once — repeating a key "
                    + "builds an array only for array parameters, and key[]=value always appends",
                column: argument.column),
            parameter: dotted, column: argument.column, length: argument.length)
    }

    private func tooMany(_ argument: RawArgument, targets: [String]) -> CallLineDiagnostic {
        let shown = ValueTyping.shown(argument.value)
        let reason: String
        if schema == nil {
            reason = "this tool's schema is unknown, so values must be named: key=value"
        } else if targets.isEmpty {
            reason = "no parameter is left to fill; name it: key=value"
        } else {
            reason = "only \(targets.joined(separator: ", ")) can be filled by position; name the rest: key=value"
        }
        return CallLineDiagnostic(
            kind: .tooManyPositionals,
            message: "too many values: \(shown) (column \(argument.column + 1)) — \(reason)",
            column: argument.column, length: argument.length)
    }

    /// The diagnostic for a validation finding, placed at the argument that wrote the value (or its parent).
    func diagnostic(for finding: SchemaFinding) -> CallLineDiagnostic {
        let span = span(for: finding.path)
        return CallLineDiagnostic(
            kind: finding.kind,
            message: Self.message(
                finding.path.isEmpty ? "arguments" : finding.path, finding.problem, column: span.column,
                suggestion: finding.suggestion),
            parameter: finding.path.isEmpty ? nil : finding.path, column: span.column, length: span.length,
            suggestion: finding.suggestion)
    }

    private func span(for path: String) -> LineSpan {
        var current = Substring(path)
        while !current.isEmpty {
            if let span = locations[String(current)] { return span }
            guard let cut = current.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            current = current[..<cut]
        }
        if let whole = locations[""] { return whole }
        let end = call.arguments.map { $0.column + $0.length }.max() ?? (call.toolColumn + call.tool.count)
        return LineSpan(column: end, length: 1)
    }

    static func message(_ parameter: String, _ problem: String, column: Int, suggestion: String? = nil) -> String {
        var text = "\(parameter): \(problem)"
        if let suggestion { text += "; did you mean '\(suggestion)'?" }
        return text + " (column \(column + 1))"
    }
}
