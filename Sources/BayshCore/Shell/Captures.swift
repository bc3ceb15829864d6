import MCP
import Synchronization

/// The results kept by `x = LINE` and the last result (`$_`), which `$x` and `$x.path` in an argument value stand
/// for. Shared with the editor thread, whose completion of `| PATH` reads the last result.
public final class CaptureStore: Sendable {
    private struct State {
        var named: [String: Value] = [:]
        /// Names in the order they were first captured, for `:vars`.
        var order: [String] = []
        var last: Kept?

        /// The last result as a value, read as JSON the first time it is asked for.
        mutating func lastValue() -> Value? {
            guard let last else { return nil }
            switch last {
            case .value(let value): return value
            case .result(let result):
                let value = ResultJSON.captured(result)
                self.last = .value(value)
                return value
            }
        }
    }

    /// The last result as it came, or as a value once read: every call's result becomes `$_`, and reading a big
    /// text as JSON after each call would hold it three times over for a `$_` nobody may use.
    private enum Kept {
        case value(Value)
        case result(ToolResult)
    }

    private let state = Mutex(State())

    public init() {}

    /// The name of the last result.
    public static let lastName = "_"

    /// Keeps `value` as the last result.
    func setLast(_ value: Value) {
        state.withLock { $0.last = .value(value) }
    }

    /// Keeps `result` as the last result, to be read as JSON only when `$_` is used.
    func setLast(result: ToolResult) {
        state.withLock { $0.last = .result(result) }
    }

    /// Keeps `value` as `name` (and as the last result).
    func set(_ name: String, _ value: Value) {
        state.withLock { state in
            if state.named[name] == nil { state.order.append(name) }
            state.named[name] = value
            state.last = .value(value)
        }
    }

    /// The value of `name` (`_` is the last result).
    public func value(_ name: String) -> Value? {
        state.withLock { name == Self.lastName ? $0.lastValue() : $0.named[name] }
    }

    /// The last result, for completing `| PATH`.
    public var last: Value? { state.withLock { $0.lastValue() } }

    /// Every capture in order, then `_` when there is a last result.
    var all: [(name: String, value: Value)] {
        state.withLock { state in
            var all = state.order.compactMap { name in state.named[name].map { (name, $0) } }
            if let last = state.lastValue() { all.append((Self.lastName, last)) }
            return all
        }
    }

    /// Whether `name` can be captured into: letters, digits and `_`, not starting with a digit, and not `_`.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.first, first.isLetter || first == "_", name != lastName else { return false }
        return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }
}

/// One `$x.path` replaced in a call line, for `:explain`.
struct CaptureSubstitution: Sendable {
    var written: String
    var value: Value
}

extension CaptureStore {
    /// `call` with every unquoted `$x` / `$x.path` value replaced by that part of the capture, before the schema
    /// types it: a string stays a string where the schema allows one, a number is typed by the schema, an object or
    /// array becomes JSON. Quoted values are left as written.
    func substitute(_ call: CallLine) throws(CallLineError) -> (CallLine, [CaptureSubstitution]) {
        var call = call
        var substitutions: [CaptureSubstitution] = []
        var diagnostics: [CallLineDiagnostic] = []
        for index in call.arguments.indices {
            let argument = call.arguments[index]
            guard argument.form == .assign || argument.form == .positional, !argument.quoted,
                argument.value.hasPrefix("$"), argument.value.count > 1
            else { continue }
            switch resolveReference(argument.value) {
            case .failure(let failure):
                let valueStart = argument.column + argument.length - argument.value.count
                diagnostics.append(CallLineDiagnostic(
                    kind: .unknownCapture, message: failure.message, parameter: argument.dottedKey.isEmpty
                        ? nil : argument.dottedKey, column: valueStart, length: argument.value.count))
            case .success(let value):
                substitutions.append(CaptureSubstitution(written: argument.value, value: value))
                call.arguments[index] = Self.replacing(argument, with: value)
            }
        }
        guard diagnostics.isEmpty else { throw CallLineError(diagnostics: diagnostics) }
        return (call, substitutions)
    }

    private static func replacing(_ argument: RawArgument, with value: Value) -> RawArgument {
        var replaced = RawArgument(
            form: argument.form, keyPath: argument.keyPath, appends: argument.appends, value: "", quoted: false,
            column: argument.column, length: argument.length)
        switch value {
        case .string(let string):
            replaced.value = string
            replaced.quoted = true
        case .array, .object:
            if replaced.form == .assign { replaced.form = .json }
            replaced.value = ResultPathOutput.compact(value)
        default:
            replaced.value = ResultPathOutput.compact(value)
        }
        return replaced
    }

    /// The value `$name.path` stands for, or why there is none.
    func resolveReference(_ written: String) -> Result<Value, ReferenceFailure> {
        let body = written.dropFirst()
        let name = String(body.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
        let pathText = String(body.dropFirst(name.count))
        guard !name.isEmpty, let value = value(name) else {
            let known = all.map { "$" + $0.name }
            let what = name.isEmpty ? "'\(written)' names no capture" : "no capture named $\(name)"
            let advice = known.isEmpty
                ? "capture one with: NAME = LINE"
                : "captures: \(known.joined(separator: ", "))"
            return .failure(ReferenceFailure("\(what) (\(advice)); quote the value to send it as text"))
        }
        guard !pathText.isEmpty else { return .success(value) }
        do throws(ResultPathError) {
            let picked = try ResultPath.parse(pathText).apply(to: value)
            return .success(picked.count == 1 ? picked[0] : .array(picked))
        } catch {
            return .failure(ReferenceFailure("in $\(name)\(pathText): \(error.message)"))
        }
    }

    struct ReferenceFailure: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }
}
