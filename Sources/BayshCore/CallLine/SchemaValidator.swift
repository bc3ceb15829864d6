import Foundation
import MCP
import Synchronization

/// One thing a value breaks in its schema, found by ``SchemaValidator``.
struct SchemaFinding: Equatable {
    var kind: CallLineDiagnostic.Kind
    /// Dotted path of the value (`filter.limit`, `tags[2]`); empty for the whole arguments object.
    var path: String
    /// What is wrong, without the path (`must be at least 1, got 0`).
    var problem: String
    var suggestion: String?
    /// Unknown keys where extra keys are allowed are only worth a warning.
    var isWarning = false
    /// A finding about the whole line (a pattern budget spent, Ctrl-C) rather than this value: shown once.
    var onlyOnce = false
}

/// Checks a typed value against a JSON Schema: type, enum/const, numeric bounds, lengths, pattern, items,
/// properties, required, additionalProperties, allOf/anyOf/oneOf.
struct SchemaValidator {
    /// Paths whose value could not be typed: they are already reported, so "missing" would only repeat it.
    var alreadyReported: Set<String> = []

    func isValid(_ value: Value, against schema: JSONSchema) -> Bool {
        !check(value, against: schema, path: "").contains(where: { !$0.isWarning })
    }

    func check(_ value: Value, against schema: JSONSchema, path: String) -> [SchemaFinding] {
        check(value, against: schema, path: path, depth: 0)
    }

    private func check(_ value: Value, against schema: JSONSchema, path: String, depth: Int) -> [SchemaFinding] {
        guard depth < ValueTyping.maximumSchemaDepth + JSONText.maximumDepth else { return [] }
        if schema.acceptsNothing {
            return [SchemaFinding(kind: .typeMismatch, path: path, problem: "the schema allows no value here")]
        }
        var findings: [SchemaFinding] = []
        for part in schema.allOf {
            findings += check(value, against: part, path: path, depth: depth + 1)
        }
        if !schema.branches.isEmpty {
            findings += checkBranches(value, schema: schema, path: path, depth: depth)
        }
        let types = schema.types
        if !types.isEmpty, !value.fits(types) {
            let kind: CallLineDiagnostic.Kind =
                types.contains("integer") && !types.contains("number") && value.doubleValue != nil
                ? .notAnInteger : .typeMismatch
            findings.append(SchemaFinding(
                kind: kind, path: path,
                problem: "expected \(schema.typeLabel), got \(value.typeName) \(Self.shown(value))"))
            return findings
        }
        if let constant = schema.constValue, !value.numericallyEquals(constant) {
            findings.append(SchemaFinding(
                kind: .enumMismatch, path: path,
                problem: "must be \(JSONText.encode(constant)), got \(Self.shown(value))"))
        }
        if let allowed = schema.enumValues, !allowed.contains(where: { value.numericallyEquals($0) }) {
            let names = allowed.map { $0.stringValue ?? JSONText.encode($0) }
            let list = allowed.prefix(12).map { JSONText.encode($0) }.joined(separator: ", ")
            findings.append(SchemaFinding(
                kind: .enumMismatch, path: path,
                problem: "must be one of \(list)\(allowed.count > 12 ? ", …" : ""), got \(Self.shown(value))",
                suggestion: value.stringValue.flatMap { Suggestion.closest(to: $0, among: names) }))
        }
        switch value {
        case .int(let number): findings += checkNumber(Double(number), schema: schema, path: path)
        case .double(let number): findings += checkNumber(number, schema: schema, path: path)
        case .string(let text): findings += checkString(text, schema: schema, path: path)
        case .array(let items): findings += checkArray(items, schema: schema, path: path, depth: depth)
        case .object(let members): findings += checkObject(members, schema: schema, path: path, depth: depth)
        case .null, .bool, .data: break
        }
        return findings
    }

    private func checkBranches(_ value: Value, schema: JSONSchema, path: String, depth: Int) -> [SchemaFinding] {
        var results: [(branch: JSONSchema, findings: [SchemaFinding])] = []
        for branch in schema.branches {
            let findings = check(value, against: branch, path: path, depth: depth + 1)
            if !findings.contains(where: { !$0.isWarning }) { return findings }
            results.append((branch, findings))
        }
        // When exactly one branch takes this kind of value, its complaints are the useful ones.
        let fitting = results.filter { result in
            let allowed = result.branch.allowedTypes
            return allowed.isEmpty || value.fits(Array(allowed))
        }
        if fitting.count == 1, let only = fitting.first { return only.findings }
        return [SchemaFinding(
            kind: .typeMismatch, path: path,
            problem: "matches none of \(schema.typeLabel), got \(value.typeName) \(Self.shown(value))")]
    }

    private func checkNumber(_ number: Double, schema: JSONSchema, path: String) -> [SchemaFinding] {
        var findings: [SchemaFinding] = []
        let shown = Self.numberText(number)
        func outOfRange(_ rule: String) {
            findings.append(SchemaFinding(kind: .outOfRange, path: path, problem: "must be \(rule), got \(shown)"))
        }
        if let minimum = schema.minimum, number < minimum { outOfRange("at least \(Self.numberText(minimum))") }
        if let maximum = schema.maximum, number > maximum { outOfRange("at most \(Self.numberText(maximum))") }
        if let bound = schema.exclusiveMinimum, number <= bound {
            outOfRange("greater than \(Self.numberText(bound))")
        }
        if let bound = schema.exclusiveMaximum, number >= bound { outOfRange("less than \(Self.numberText(bound))") }
        if let step = schema.multipleOf {
            let quotient = number / step
            if quotient.isFinite, abs(quotient - quotient.rounded()) > 1e-9 {
                outOfRange("a multiple of \(Self.numberText(step))")
            }
        }
        return findings
    }

    private func checkString(_ text: String, schema: JSONSchema, path: String) -> [SchemaFinding] {
        var findings: [SchemaFinding] = []
        let count = text.count
        if let minimum = schema.minLength, count < minimum {
            findings.append(SchemaFinding(
                kind: .tooShort, path: path,
                problem: "must have at least \(minimum) character\(minimum == 1 ? "" : "s"), got \(count)"))
        }
        if let maximum = schema.maxLength, count > maximum {
            findings.append(SchemaFinding(
                kind: .tooLong, path: path,
                problem: "must have at most \(maximum) character\(maximum == 1 ? "" : "s"), got \(count)"))
        }
        if let pattern = schema.pattern, let expression = PatternCache.shared.expression(pattern) {
            findings += checkPattern(pattern, expression, text: text, path: path)
        }
        return findings
    }

    /// The pattern check, within the line's ``PatternBudget`` (one of its own when the caller set none).
    private func checkPattern(_ pattern: String, _ expression: NSRegularExpression, text: String, path: String)
        -> [SchemaFinding]
    {
        let budget = PatternBudget.current ?? PatternBudget()
        switch budget.matches(expression, in: text) {
        case .matched:
            return []
        case .mismatched:
            return [SchemaFinding(
                kind: .patternMismatch, path: path,
                problem: "must match the pattern \(pattern), got \(Self.shown(.string(text)))")]
        case .overBudget:
            return [SchemaFinding(
                kind: .patternMismatch, path: path,
                problem: "pattern \(Self.shownPattern(pattern)) not checked: matching took over "
                    + "\(budget.limitText) (a pattern that backtracks badly); this and any later pattern of the "
                    + "line are sent unchecked",
                isWarning: true, onlyOnce: true)]
        case .interrupted:
            return [SchemaFinding(
                kind: .patternMismatch, path: path,
                problem: "pattern check stopped by Ctrl-C; nothing was sent", onlyOnce: true)]
        }
    }

    private static func shownPattern(_ pattern: String) -> String {
        pattern.count > 40 ? String(pattern.prefix(37)) + "…" : pattern
    }

    private func checkArray(_ items: [Value], schema: JSONSchema, path: String, depth: Int) -> [SchemaFinding] {
        var findings: [SchemaFinding] = []
        if let minimum = schema.minItems, items.count < minimum {
            findings.append(SchemaFinding(
                kind: .tooShort, path: path,
                problem: "must have at least \(minimum) item\(minimum == 1 ? "" : "s"), got \(items.count)"))
        }
        if let maximum = schema.maxItems, items.count > maximum {
            findings.append(SchemaFinding(
                kind: .tooLong, path: path,
                problem: "must have at most \(maximum) item\(maximum == 1 ? "" : "s"), got \(items.count)"))
        }
        if let itemSchema = schema.items {
            for (index, item) in items.enumerated() {
                findings += check(item, against: itemSchema, path: "\(path)[\(index)]", depth: depth + 1)
            }
        }
        return findings
    }

    private func checkObject(_ members: [String: Value], schema: JSONSchema, path: String, depth: Int)
        -> [SchemaFinding]
    {
        var findings: [SchemaFinding] = []
        func childPath(_ key: String) -> String { path.isEmpty ? key : path + "." + key }
        for name in schema.required where members[name] == nil && !alreadyReported.contains(childPath(name)) {
            let label = schema.property(name)?.typeLabel ?? "any"
            findings.append(SchemaFinding(
                kind: .missingRequired, path: childPath(name),
                problem: "is required (\(label)) but missing: add \(childPath(name))=…"))
        }
        let declared = schema.propertyNames
        for key in members.keys.sorted() {
            let value = members[key] ?? .null
            if let property = schema.property(key) {
                findings += check(value, against: property, path: childPath(key), depth: depth + 1)
                continue
            }
            switch schema.additionalProperties {
            case .schema(let extra):
                findings += check(value, against: extra, path: childPath(key), depth: depth + 1)
            case .forbidden:
                findings.append(unknownKey(key, path: childPath(key), declared: declared, isWarning: false))
            case .allowed:
                // An object schema without declared properties accepts anything; warning there is noise.
                if !declared.isEmpty, schema.branches.isEmpty {
                    findings.append(unknownKey(key, path: childPath(key), declared: declared, isWarning: true))
                }
            }
        }
        return findings
    }

    private func unknownKey(_ key: String, path: String, declared: [String], isWarning: Bool) -> SchemaFinding {
        let suggestion = Suggestion.closest(to: key, among: declared)
        var problem = isWarning ? "is not in the tool's schema (sent anyway)" : "is not a parameter of this tool"
        if declared.count <= 8 { problem += "; known: " + declared.joined(separator: ", ") }
        return SchemaFinding(kind: .unknownKey, path: path, problem: problem, suggestion: suggestion,
            isWarning: isWarning)
    }

    static func numberText(_ number: Double) -> String {
        number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : "\(number)"
    }

    static func shown(_ value: Value) -> String {
        let text = JSONText.encode(value)
        return text.count > 40 ? String(text.prefix(37)) + "…" : text
    }
}

extension Value {
    /// Whether the value is one of the JSON Schema `types` (an int is a number; a whole double is an integer).
    func fits(_ types: [String]) -> Bool {
        types.contains { type in
            switch (type, self) {
            case ("null", .null), ("boolean", .bool), ("string", .string), ("string", .data), ("array", .array),
                ("object", .object), ("integer", .int), ("number", .int), ("number", .double):
                true
            case ("integer", .double(let number)): number.rounded() == number
            default: false
            }
        }
    }
}

/// Compiled `pattern`s, shared because compiling is far slower than matching and tools repeat their patterns.
final class PatternCache: Sendable {
    static let shared = PatternCache()

    private let expressions = Mutex<[String: NSRegularExpression?]>([:])

    /// The compiled pattern, or nil when it is not a valid regular expression (then it is not checked).
    func expression(_ pattern: String) -> NSRegularExpression? {
        if let known = expressions.withLock({ $0[pattern] }) { return known }
        let compiled = try? NSRegularExpression(pattern: pattern)
        expressions.withLock { cache in
            if cache.count > 512 { cache.removeAll() }
            cache[pattern] = .some(compiled)
        }
        return compiled
    }
}
