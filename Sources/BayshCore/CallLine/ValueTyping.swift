import MCP

/// Why the text of a `key=value` could not become a value the schema allows.
struct TypingFailure: Error, Equatable {
    var kind: CallLineDiagnostic.Kind
    /// What is wrong, without the parameter name (`expected integer, got "abc"`).
    var problem: String
    var suggestion: String?
    /// For invalid JSON: the Unicode scalar offset of the error in the text.
    var jsonOffset: Int?
}

/// Turns the text of `key=value` into a ``Value`` as the parameter's schema asks.
///
/// - A string parameter keeps the text exactly (`zip=012` is "012").
/// - A quoted value is a string whenever the schema allows strings (`x="5"` under `anyOf: [integer, string]`).
/// - Integers accept whole decimals (`5`, `5.0`, `1e3`); `5.5` is ``CallLineDiagnostic/Kind/notAnInteger``.
/// - Booleans accept `true|false|yes|no|1|0` in any case, or only `true|false` when a string is also allowed.
/// - Objects and arrays accept JSON text.
/// - Without a schema: unquoted JSON numbers, `true`, `false` and `null` are typed, everything else is a string.
enum ValueTyping {
    /// Branches and `$ref`s nested deeper than this are read as "any value", so cyclic schemas cannot recurse
    /// forever.
    static let maximumSchemaDepth = 32

    static func value(of text: String, quoted: Bool, schema: JSONSchema?) -> Result<Value, TypingFailure> {
        value(of: text, quoted: quoted, schema: schema, depth: 0)
    }

    private static func value(of text: String, quoted: Bool, schema: JSONSchema?, depth: Int)
        -> Result<Value, TypingFailure>
    {
        guard let schema, schema.constrainsType, depth < maximumSchemaDepth else {
            return .success(untyped(text, quoted: quoted))
        }
        if schema.acceptsNothing {
            return .failure(TypingFailure(kind: .typeMismatch, problem: "the schema allows no value here"))
        }
        if let constant = schema.constValue {
            guard matches(text, constant) else {
                return .failure(TypingFailure(
                    kind: .enumMismatch, problem: "must be \(JSONText.encode(constant)), got \(shown(text))"))
            }
            return .success(constant)
        }
        if let allowed = schema.enumValues {
            return enumMember(text, quoted: quoted, allowed: allowed)
        }
        if schema.types.isEmpty, !schema.branches.isEmpty {
            return firstAcceptingBranch(text, quoted: quoted, schema: schema, depth: depth)
        }
        var types = schema.types
        if types.isEmpty { types = Array(schema.allowedTypes) }
        guard !types.isEmpty else { return .success(untyped(text, quoted: quoted)) }
        return typed(text, quoted: quoted, types: Set(types), label: schema.typeLabel)
    }

    private static func enumMember(_ text: String, quoted: Bool, allowed: [Value]) -> Result<Value, TypingFailure> {
        // A quoted value matches string members first, so `level="2"` picks "2" over 2 when both are allowed.
        let ordered = quoted ? allowed.filter { $0.stringValue != nil } + allowed.filter { $0.stringValue == nil }
            : allowed
        if let member = ordered.first(where: { matches(text, $0) }) { return .success(member) }
        let names = allowed.map { $0.stringValue ?? JSONText.encode($0) }
        let suggestion = Suggestion.closest(to: text, among: names)
        let list = allowed.prefix(12).map { JSONText.encode($0) }.joined(separator: ", ")
        return .failure(TypingFailure(
            kind: .enumMismatch,
            problem: "must be one of \(list)\(allowed.count > 12 ? ", …" : ""), got \(shown(text))",
            suggestion: suggestion))
    }

    private static func firstAcceptingBranch(_ text: String, quoted: Bool, schema: JSONSchema, depth: Int)
        -> Result<Value, TypingFailure>
    {
        var firstTyped: Value?
        var failures: [TypingFailure] = []
        var candidates = schema.branches
        if quoted {
            let stringBranches = candidates.filter { $0.allowedTypes.isEmpty || $0.allowedTypes.contains("string") }
            candidates = stringBranches + candidates.filter { branch in
                !stringBranches.contains(where: { $0.node == branch.node })
            }
        }
        for branch in candidates {
            switch value(of: text, quoted: quoted, schema: branch, depth: depth + 1) {
            case .success(let typed):
                if SchemaValidator().isValid(typed, against: branch) { return .success(typed) }
                firstTyped = firstTyped ?? typed
            case .failure(let failure):
                failures.append(failure)
            }
        }
        // No branch accepts the value outright: keep the first typed one so validation explains what is wrong.
        if let firstTyped { return .success(firstTyped) }
        if let json = failures.first(where: { $0.kind == .invalidJSON }), looksLikeJSON(text) { return .failure(json) }
        if failures.count == 1, let only = failures.first { return .failure(only) }
        return .failure(TypingFailure(
            kind: .typeMismatch, problem: "expected \(schema.typeLabel), got \(shown(text))"))
    }

    private static func typed(_ text: String, quoted: Bool, types: Set<String>, label: @autoclosure () -> String)
        -> Result<Value, TypingFailure>
    {
        let allowsString = types.contains("string")
        if quoted, allowsString { return .success(.string(text)) }
        if types.contains("null"), text == "null" { return .success(.null) }
        // `1`/`yes` read as booleans only when no string or number could be meant.
        let strictBoolean = allowsString || types.contains("integer") || types.contains("number")
        if types.contains("boolean"), let flag = boolean(text, strict: strictBoolean) { return .success(.bool(flag)) }
        var failure: TypingFailure?
        if types.contains("integer") {
            switch integer(text) {
            case .whole(let number): return .success(.int(number))
            case .fraction where !types.contains("number"):
                failure = TypingFailure(kind: .notAnInteger, problem: "expected a whole number, got \(text)")
            case .tooLarge:
                failure = TypingFailure(kind: .outOfRange, problem: "\(text) is too large for an integer")
            case .fraction, .notANumber: break
            }
        }
        if types.contains("number"), let number = number(text) { return .success(number) }
        let wantsObject = types.contains("object")
        let wantsArray = types.contains("array")
        if wantsObject || wantsArray, !allowsString || looksLikeJSON(text) {
            switch JSONText.parse(text) {
            case .success(let parsed):
                if (wantsObject && parsed.objectValue != nil) || (wantsArray && parsed.arrayValue != nil) {
                    return .success(parsed)
                }
                failure = failure ?? TypingFailure(
                    kind: .typeMismatch, problem: "expected \(label()), got JSON \(parsed.typeName) \(shown(text))")
            case .failure(let error):
                if looksLikeJSON(text) || failure == nil {
                    failure = TypingFailure(
                        kind: .invalidJSON,
                        problem: "expected \(label()) as JSON: \(error.message)"
                            + (looksLikeJSON(text)
                                ? " (after = quotes are shell quotes: write key:={\"k\": 1} or key='{\"k\": 1}')"
                                : wantsArray ? " (write a JSON array such as key:=[\"a\"], or key[]=a for one item)"
                                : " (write a JSON object such as key:={\"k\": 1})"),
                        jsonOffset: error.offset)
                }
            }
        }
        if allowsString { return .success(.string(text)) }
        return .failure(failure ?? TypingFailure(kind: .typeMismatch, problem: "expected \(label()), got \(shown(text))"))
    }

    /// The no-schema rule: unquoted JSON numbers, `true`, `false`, `null` are typed; the rest stays text.
    static func untyped(_ text: String, quoted: Bool) -> Value {
        guard !quoted else { return .string(text) }
        switch text {
        case "null": return .null
        case "true": return .bool(true)
        case "false": return .bool(false)
        default: break
        }
        guard let first = text.unicodeScalars.first, first == "-" || first.isDecimalDigit,
            case .success(let number) = JSONText.parse(text)
        else { return .string(text) }
        switch number {
        case .int: return number
        // An integer literal too large for Int would lose digits as a double: keep what was typed.
        case .double where text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }): return number
        default: return .string(text)
        }
    }

    static func boolean(_ text: String, strict: Bool) -> Bool? {
        if strict { return text == "true" ? true : text == "false" ? false : nil }
        switch text.lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: return nil
        }
    }

    enum IntegerReading: Equatable {
        case whole(Int)
        case fraction
        case tooLarge
        case notANumber
    }

    /// Reads `5`, `-3`, `007`, `5.0`, `1e3` as whole numbers; `5.5` is a fraction.
    static func integer(_ text: String) -> IntegerReading {
        guard let shape = numberShape(text) else { return .notANumber }
        if shape == .integer { return Int(text).map(IntegerReading.whole) ?? .tooLarge }
        guard let number = Double(text), number.isFinite else { return .tooLarge }
        guard number.rounded() == number else { return .fraction }
        guard abs(number) < 9.2e18 else { return .tooLarge }
        return .whole(Int(number))
    }

    /// Reads a decimal number: `.int` when written without fraction or exponent and it fits, else `.double`.
    static func number(_ text: String) -> Value? {
        guard let shape = numberShape(text) else { return nil }
        if shape == .integer, let whole = Int(text) { return .int(whole) }
        guard let number = Double(text), number.isFinite else { return nil }
        return .double(number)
    }

    enum NumberShape { case integer, decimal }

    /// `-?digits(.digits)?([eE][+-]?digits)?`, leading zeros allowed; nil for anything else (`nan`, `0x1`, `1.`).
    static func numberShape(_ text: String) -> NumberShape? {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        func digits() -> Bool {
            let start = index
            while index < scalars.count, scalars[index].isDecimalDigit { index += 1 }
            return index > start
        }
        if index < scalars.count, scalars[index] == "-" { index += 1 }
        guard digits() else { return nil }
        var shape = NumberShape.integer
        if index < scalars.count, scalars[index] == "." {
            index += 1
            shape = .decimal
            guard digits() else { return nil }
        }
        if index < scalars.count, scalars[index] == "e" || scalars[index] == "E" {
            index += 1
            shape = .decimal
            if index < scalars.count, scalars[index] == "+" || scalars[index] == "-" { index += 1 }
            guard digits() else { return nil }
        }
        return index == scalars.count ? shape : nil
    }

    /// Whether `text` reads as the enum or const member `member`.
    static func matches(_ text: String, _ member: Value) -> Bool {
        switch member {
        case .string(let string): return text == string
        case .null: return text == "null"
        case .bool(let flag): return boolean(text, strict: false) == flag
        case .int, .double: return number(text).map { $0.numericallyEquals(member) } ?? false
        case .array, .object: return (try? JSONText.parse(text).get()) == member
        case .data: return false
        }
    }

    static func looksLikeJSON(_ text: String) -> Bool {
        guard let first = text.first(where: { !$0.isWhitespace }) else { return false }
        return first == "{" || first == "["
    }

    /// The text as a JSON string for messages, cut short when long.
    static func shown(_ text: String) -> String {
        text.count > 40 ? JSONText.quoted(String(text.prefix(37)) + "…") : JSONText.quoted(text)
    }
}

extension Value {
    /// Equality that treats `5` and `5.0` as the same number.
    func numericallyEquals(_ other: Value) -> Bool {
        switch (self, other) {
        case (.int(let left), .double(let right)): Double(left) == right
        case (.double(let left), .int(let right)): left == Double(right)
        default: self == other
        }
    }
}
