import MCP

/// A path into a result's JSON, the part after `|` in `LINE | PATH`: `.a.b`, `.a[0]`, `.a[-1]`, `.a[]`,
/// `.["odd key"]`, and the words `keys` and `length`. Stages are joined by `|` (`.items | length`).
///
/// `[]` turns one value into a stream of its elements; later steps apply to each of them. A step that does not
/// fit the value is a ``ResultPathError`` naming that step and where it is in the path.
public struct ResultPath: Sendable, Equatable {
    /// One step and where it was written (Character offsets into the path text).
    public struct Step: Sendable, Equatable {
        /// What a step does.
        public enum Kind: Sendable, Equatable {
            /// `.name` or `.["name"]`.
            case key(String)
            /// `[3]`, `[-1]` (from the end).
            case index(Int)
            /// `[]`: every element of an array (or every value of an object).
            case each
            /// `keys`: an object's keys in order, or an array's indices.
            case keys
            /// `length`: elements of an array, keys of an object, characters of a string.
            case length
        }

        public var kind: Kind
        /// Where the step starts in the path text, and how many Characters it takes.
        public var column: Int
        public var length: Int
    }

    /// The steps in order; empty is the whole value (`.`).
    public var steps: [Step]

    /// Reads `text`; throws with the column of the first thing it cannot read.
    public static func parse(_ text: String) throws(ResultPathError) -> ResultPath {
        var parser = ResultPathParser(characters: Array(text))
        return ResultPath(steps: try parser.parse())
    }

    /// The values the path picks out of `value`: one, or several after `[]`.
    public func apply(to value: Value) throws(ResultPathError) -> [Value] {
        var current = [value]
        for step in steps {
            var next: [Value] = []
            for item in current {
                next.append(contentsOf: try Self.apply(step, to: item))
            }
            current = next
        }
        return current
    }

    private static func apply(_ step: Step, to value: Value) throws(ResultPathError) -> [Value] {
        func fail(_ message: String) -> ResultPathError {
            ResultPathError(message: message, column: step.column, length: step.length)
        }
        switch step.kind {
        case .key(let key):
            guard case .object(let object) = value else {
                throw fail("\(step.describe) needs an object, but the value here is \(value.kindName)")
            }
            guard let found = object[key] else {
                var message = "no key \(quoted(key)) here"
                if let close = Suggestion.closest(to: key, among: Array(object.keys)) {
                    message += "; did you mean \(quoted(close))?"
                } else if !object.isEmpty {
                    message += " (keys: \(object.keys.sorted().prefix(8).joined(separator: ", ")))"
                }
                throw fail(message)
            }
            return [found]
        case .index(let index):
            guard case .array(let array) = value else {
                throw fail("\(step.describe) needs an array, but the value here is \(value.kindName)")
            }
            let position = index < 0 ? array.count + index : index
            guard array.indices.contains(position) else {
                throw fail("index \(index) is out of range: the array has \(array.count) elements")
            }
            return [array[position]]
        case .each:
            switch value {
            case .array(let array): return array
            case .object(let object): return object.keys.sorted().compactMap { object[$0] }
            default: throw fail("[] needs an array or an object, but the value here is \(value.kindName)")
            }
        case .keys:
            switch value {
            case .object(let object): return [.array(object.keys.sorted().map(Value.string))]
            case .array(let array): return [.array(array.indices.map(Value.int))]
            default: throw fail("keys needs an object or an array, but the value here is \(value.kindName)")
            }
        case .length:
            switch value {
            case .object(let object): return [.int(object.count)]
            case .array(let array): return [.int(array.count)]
            case .string(let string): return [.int(string.count)]
            case .null: return [.int(0)]
            default: throw fail("length needs an array, object or string, but the value here is \(value.kindName)")
            }
        }
    }

    /// A key as messages show it: `'name'`.
    static func quoted(_ key: String) -> String {
        "'\(key)'"
    }

    /// `.name` for a key that reads as an identifier, `.["odd key"]` otherwise: how completion writes a step.
    public static func keyStep(_ key: String) -> String {
        if let first = key.first, first.isLetter || first == "_", key.allSatisfy(ResultPathParser.isNameCharacter) {
            return "." + key
        }
        return ".[" + JSONText.quoted(key) + "]"
    }
}

extension ResultPath.Step {
    /// The step as written, for messages (`.items`, `[0]`).
    var describe: String {
        switch kind {
        case .key(let key): ResultPath.keyStep(key)
        case .index(let index): "[\(index)]"
        case .each: "[]"
        case .keys: "keys"
        case .length: "length"
        }
    }
}

extension Value {
    /// `an object`, `a string`, … for messages.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .data: "binary data"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// A path that cannot be read or does not fit the result: what, and where in the path.
public struct ResultPathError: Error, Sendable, Equatable {
    public var message: String
    /// First Character of the failing step in the path text.
    public var column: Int
    public var length: Int

    /// The error as a diagnostic placed in the whole line, the path starting at `pathColumn`.
    func diagnostic(pathColumn: Int) -> CallLineDiagnostic {
        CallLineDiagnostic(kind: .badResultPath, message: message, column: pathColumn + column, length: length)
    }
}
