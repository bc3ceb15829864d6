import Foundation
import MCP

/// A tool result seen as JSON, for `| PATH` and `$capture.path`: its `structuredContent` when the tool returned
/// one, else its text read as JSON.
public enum ResultJSON {
    /// Why a result has no JSON to walk.
    public enum Failure: Error, Sendable, Equatable {
        /// The tool returned no text and no structured content (only images, say).
        case noText
        /// The text is not JSON; carries the start of it for the message.
        case notJSON(preview: String)

        public var message: String {
            switch self {
            case .noText: "the result has no structured content and no text to read as JSON"
            case .notJSON(let preview): "the result is not JSON (it starts \(preview)); a path needs JSON"
            }
        }
    }

    /// The JSON of `result`.
    public static func value(of result: ToolResult) -> Result<Value, Failure> {
        if let structured = result.structuredContent { return .success(structured) }
        let text = result.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return .failure(.noText) }
        if case .success(let value) = JSONText.parse(text) { return .success(value) }
        let start = text.prefix(24)
        let preview = ResultPathOutput.compact(.string(String(start))) + (text.count > 24 ? "…" : "")
        return .failure(.notJSON(preview: preview))
    }

    /// What `$x` stands for: the result's JSON, or its text as a string when it is not JSON.
    public static func captured(_ result: ToolResult) -> Value {
        switch value(of: result) {
        case .success(let value): value
        case .failure: .string(result.text)
        }
    }
}

/// How picked values are printed: one value as indented JSON, a string bare (as `jq -r` does, so it can be
/// copied or piped); several values (after `[]`) one per line, compact.
public enum ResultPathOutput {
    public static func text(_ values: [Value]) -> String {
        if values.count == 1, let only = values.first {
            if case .string(let string) = only { return string }
            return ValueJSON.pretty(only)
        }
        return values.map { value in
            if case .string(let string) = value { return string }
            return compact(value)
        }.joined(separator: "\n")
    }

    /// One-line JSON with sorted keys, numbers as they came (JSONText, not Foundation's coder).
    public static func compact(_ value: Value) -> String {
        JSONText.encode(value)
    }
}
