import Foundation
import MCP

/// A local tool ran and failed (file missing, argument of the wrong type, command not allowed): the call answers
/// with `isError` and this message rather than throwing.
struct ToolFailure: Error, CustomStringConvertible {
    let message: String

    init(_ message: String) {
        self.message = message
    }

    var description: String { message }
}

/// What a local tool answers: the text of its one content item, and whether it reports a failure.
struct ToolAnswer: Equatable {
    var text: String
    var isError: Bool

    /// 32 random hex digits, for trace and request ids.
    static func newId() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let value = generator.next() as UInt64
            return String(repeating: "0", count: 16 - String(value, radix: 16).count) + String(value, radix: 16)
        }.joined()
    }
}

/// The arguments of one local tool call, read with the types the tool's schema promises. The call may come from any
/// MCP client through `baysh serve`, so nothing is trusted: unknown keys, missing required keys and wrong types all
/// fail with a message naming the argument and what it should be.
struct ToolArguments {
    let tool: String
    private let values: [String: Value]

    init(tool: ToolInfo, values: [String: Value]) throws {
        self.tool = tool.name
        self.values = values
        // Read once: a ToolInfo builds its schema tree anew on every read.
        let schema = tool.inputSchema.objectValue
        let properties = schema?["properties"]?.objectValue ?? [:]
        if let unknown = values.keys.sorted().first(where: { properties[$0] == nil }) {
            let known = properties.keys.sorted().joined(separator: ", ")
            throw ToolFailure(
                "\(tool.name) has no argument '\(unknown)'; it takes \(known.isEmpty ? "no arguments" : known)")
        }
        let required = schema?["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if let missing = required.first(where: { values[$0] == nil || values[$0] == .null }) {
            throw ToolFailure("\(tool.name) needs the argument '\(missing)'")
        }
    }

    /// A string argument; nil when absent or null. MCP's `Value` decodes `data:` URLs as data, so those are turned
    /// back into their URL text.
    func string(_ key: String) throws -> String? {
        switch values[key] {
        case nil, .null: return nil
        case .string(let text): return text
        case .data(let mimeType, let data): return data.dataURLEncoded(mimeType: mimeType)
        case let other?: throw wrongType(key, expected: "a string", got: other)
        }
    }

    func requiredString(_ key: String) throws -> String {
        guard let text = try string(key) else { throw ToolFailure("\(tool) needs the argument '\(key)'") }
        return text
    }

    /// An integer argument; a JSON number with no fraction (`5.0`) counts as one.
    func int(_ key: String) throws -> Int? {
        switch values[key] {
        case nil, .null: return nil
        case .int(let number): return number
        case .double(let number) where number.rounded() == number && abs(number) < 9.0e15: return Int(number)
        case let other?: throw wrongType(key, expected: "an integer", got: other)
        }
    }

    func bool(_ key: String) throws -> Bool? {
        switch values[key] {
        case nil, .null: return nil
        case .bool(let flag): return flag
        case let other?: throw wrongType(key, expected: "true or false", got: other)
        }
    }

    func stringArray(_ key: String) throws -> [String]? {
        switch values[key] {
        case nil, .null: return nil
        case .array(let items):
            return try items.enumerated().map { index, item in
                guard case .string(let text) = item else {
                    throw wrongType("\(key)[\(index)]", expected: "a string", got: item)
                }
                return text
            }
        case let other?: throw wrongType(key, expected: "an array of strings", got: other)
        }
    }

    func stringMap(_ key: String) throws -> [String: String]? {
        switch values[key] {
        case nil, .null: return nil
        case .object(let object):
            return try object.mapValues { item in
                guard case .string(let text) = item else {
                    throw wrongType(key, expected: "an object of string values", got: item)
                }
                return text
            }
        case let other?: throw wrongType(key, expected: "an object of string values", got: other)
        }
    }

    func objectArray(_ key: String) throws -> [[String: Value]]? {
        switch values[key] {
        case nil, .null: return nil
        case .array(let items):
            return try items.enumerated().map { index, item in
                guard case .object(let object) = item else {
                    throw wrongType("\(key)[\(index)]", expected: "an object", got: item)
                }
                return object
            }
        case let other?: throw wrongType(key, expected: "an array of objects", got: other)
        }
    }

    /// A string argument that must be one of `choices`; nil when absent.
    func choice(_ key: String, of choices: [String]) throws -> String? {
        guard let text = try string(key) else { return nil }
        guard choices.contains(text) else {
            throw ToolFailure(
                "\(tool): '\(key)' is '\(text)'; it must be one of \(choices.map { "'\($0)'" }.joined(separator: ", "))")
        }
        return text
    }

    private func wrongType(_ key: String, expected: String, got: Value) -> ToolFailure {
        ToolFailure("\(tool): '\(key)' must be \(expected), not \(Self.kind(of: got))")
    }

    static func kind(of value: Value) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string, .data: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
