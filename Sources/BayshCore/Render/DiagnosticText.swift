/// Call-line errors and warnings as the shell prints them: the message, then the line with a caret under the
/// token at fault.
///
/// ```
/// error: count must be an integer, got "five"
///   write_file path=a count=five
///                     ^~~~~~~~~~
/// ```
public enum DiagnosticText {
    /// Every diagnostic on stderr: errors in red, warnings (`asWarnings`) in yellow.
    public static func render(_ diagnostics: [CallLineDiagnostic], line: String, asWarnings: Bool = false)
        -> RenderedOutput
    {
        var output = RenderedOutput()
        for diagnostic in diagnostics {
            output.errorLine(
                (asWarnings ? "warning: " : "error: ") + diagnostic.message, style: asWarnings ? .warning : .error)
            let caret = diagnostic.caretDisplay(for: line).split(separator: "\n", omittingEmptySubsequences: false)
                .map { "  " + $0 }.joined(separator: "\n")
            output.errorLine(caret, style: .dim)
        }
        return output
    }
}
