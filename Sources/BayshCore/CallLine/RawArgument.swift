/// One argument of a call line before the schema types it.
///
/// For `count=5` the ``form`` is ``Form/assign``, ``keyPath`` `["count"]`, ``value`` `5` and ``quoted`` false.
public struct RawArgument: Sendable, Equatable {
    /// How the argument was written.
    public enum Form: Sendable, Equatable {
        /// `key=value`: the value is typed by the schema (`count=5` is 5 for an integer, "5" for a string).
        case assign
        /// `key:=json`: the value is JSON of any type (`tags:=["a","b"]`, `limit:=5`, `name:="5"`).
        case json
        /// `key@=path`: the value is the contents of the file at `path`, as a string.
        case file
        /// `value`: a bare value that fills the next required parameter (`read_file /etc/hosts`).
        case positional
        /// `{"a": 1}`: one JSON object that is the whole argument list.
        case object
    }

    /// How the argument was written.
    public var form: Form
    /// The dotted key split at unquoted dots: `filter.limit=5` has `["filter", "limit"]`; empty for positional
    /// and object arguments.
    public var keyPath: [String]
    /// Whether the key ended in `[]` (`tags[]=a`), which appends to an array.
    public var appends: Bool
    /// The value text with quotes and escapes removed (the JSON text for `.json` and `.object`, the path for
    /// `.file`).
    public var value: String
    /// Whether any part of the value was quoted or escaped (`name="5"`), which keeps it a string when the schema
    /// allows strings.
    public var quoted: Bool
    /// First column of the whole argument token (0-based Character offset).
    public var column: Int
    /// Characters the whole argument token spans.
    public var length: Int
    /// The line column of each unit (tokenizer Character) of ``value``, for placing JSON errors; empty means
    /// unknown.
    var valueColumns: [Int]
    /// How many Unicode scalars each unit of ``value`` holds, parallel to ``valueColumns``.
    var valueScalarCounts: [Int]

    public init(
        form: Form, keyPath: [String] = [], appends: Bool = false, value: String, quoted: Bool = false,
        column: Int, length: Int
    ) {
        self.form = form
        self.keyPath = keyPath
        self.appends = appends
        self.value = value
        self.quoted = quoted
        self.column = column
        self.length = length
        self.valueColumns = []
        self.valueScalarCounts = []
    }

    /// The key as written, dots between segments (`filter.limit`).
    public var dottedKey: String { keyPath.joined(separator: ".") }

    /// Line column of the Unicode scalar at `scalarOffset` in ``value``.
    func column(ofScalar scalarOffset: Int) -> Int {
        var remaining = scalarOffset
        for (count, unitColumn) in zip(valueScalarCounts, valueColumns) {
            remaining -= count
            if remaining < 0 { return unitColumn }
        }
        return (valueColumns.last.map { $0 + 1 }) ?? (column + length)
    }
}
