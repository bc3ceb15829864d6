import MCP

/// Stores each distinct JSON subtree once while one document is read: the second `{"type":"string"}` (or the same
/// property schema in a thousand tools) becomes a reference to the first one's storage instead of a copy.
///
/// Tool lists repeat themselves heavily, so interning the values of a `tools/list` answer as they are parsed
/// (children before parents, so comparing a candidate with its twin mostly compares shared storage) keeps the
/// schemas of a 10,000-tool list at a fraction of their size. Used for one parse and then dropped, on one thread.
final class ValueInterner {
    private var values: Set<Value> = []
    private var keys: Set<String> = []

    init() {}

    /// The stored twin of `value`, or `value` itself, now stored. Scalars and short strings (kept inline by
    /// `String`, no storage to share) pass through.
    func intern(_ value: Value) -> Value {
        switch value {
        case .null, .bool, .int, .double:
            return value
        case .string(let text) where text.utf8.count <= Self.inlineStringBytes:
            return value
        default:
            return values.insert(value).memberAfterInsert
        }
    }

    /// The stored twin of an object key.
    func intern(key: String) -> String {
        key.utf8.count <= Self.inlineStringBytes ? key : keys.insert(key).memberAfterInsert
    }

    /// Strings up to this many UTF-8 bytes live inside the `String` value itself on 64-bit platforms.
    private static let inlineStringBytes = 15
}
