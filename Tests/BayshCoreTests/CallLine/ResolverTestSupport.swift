import MCP
import Testing
@testable import BayshCore

/// Parses and resolves `line`; records an issue and returns nil on error.
func resolved(
    _ line: String, _ schema: Value?, files: [String: String] = [:],
    sourceLocation: SourceLocation = #_sourceLocation
) -> ResolvedCall? {
    do {
        let resolver = ArgumentResolver(schema: schema) { path in
            guard let text = files[path] else { throw FileReadError("no such file") }
            return text
        }
        return try resolver.resolve(try CallLine.parse(line))
    } catch {
        Issue.record("\(line): \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The arguments `line` resolves to, or nil after recording an issue.
func arguments(
    _ line: String, _ schema: Value? = nil, files: [String: String] = [:],
    sourceLocation: SourceLocation = #_sourceLocation
) -> [String: Value]? {
    resolved(line, schema, files: files, sourceLocation: sourceLocation)?.arguments
}

/// The diagnostics resolving `line` throws; records an issue when it succeeds.
func diagnostics(
    _ line: String, _ schema: Value? = nil, files: [String: String] = [:],
    sourceLocation: SourceLocation = #_sourceLocation
) -> [CallLineDiagnostic] {
    do {
        let resolver = ArgumentResolver(schema: schema) { path in
            guard let text = files[path] else { throw FileReadError("no such file") }
            return text
        }
        let call = try resolver.resolve(try CallLine.parse(line))
        Issue.record("\(line) resolved to \(call.arguments)", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.diagnostics
    }
}

/// `{"type": "object", "properties": properties, "required": required}`.
func objectSchema(_ properties: [String: Value], required: [String] = [], closed: Bool = false) -> Value {
    var schema: [String: Value] = ["type": "object", "properties": .object(properties)]
    if !required.isEmpty { schema["required"] = .array(required.map(Value.string)) }
    if closed { schema["additionalProperties"] = false }
    return .object(schema)
}
