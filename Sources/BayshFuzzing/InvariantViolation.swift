/// An input for which baysh broke one of its own promises (a diagnostic outside the line, a canonical line that
/// reads back differently, a transcript that changes when written and read again).
public struct InvariantViolation: Error, Sendable, CustomStringConvertible {
    /// Which promise, what was expected and what came out.
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
