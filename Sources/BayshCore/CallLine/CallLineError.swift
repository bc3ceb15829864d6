/// Everything wrong with a call line, found in one pass so the user can fix it all at once.
public struct CallLineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problems, ordered by column.
    public var diagnostics: [CallLineDiagnostic]

    public init(diagnostics: [CallLineDiagnostic]) {
        self.diagnostics = diagnostics.enumerated()
            .sorted { ($0.element.column, $0.offset) < ($1.element.column, $1.offset) }
            .map(\.element)
    }

    /// One message per line.
    public var description: String {
        diagnostics.map(\.message).joined(separator: "\n")
    }

    /// Each message followed by the line with a caret under the bad token, as the shell prints it.
    public func caretDisplay(for line: String) -> String {
        diagnostics.map { $0.message + "\n" + $0.caretDisplay(for: line) }.joined(separator: "\n")
    }
}
