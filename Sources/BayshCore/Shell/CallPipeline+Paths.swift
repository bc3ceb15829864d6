import MCP

/// Step 6 for `LINE | PATH` and the keeping of results for `x = LINE` and `$_`.
extension Shell {
    /// ``resolve(_:)`` giving the `$x` values it substituted as well, for `:explain`.
    func resolveShowingSubstitutions(_ line: String) throws(CallLineError)
        -> (call: ResolvedCall, substitutions: [CaptureSubstitution])
    {
        let resolved = try resolve(LineParts(CallLineTokenizer.tokenize(line), text: line).call)
        return (resolved.call, resolved.substitutions)
    }

    /// Keeps `result` as the last result, and as `name` when the line was `name = LINE`.
    func keep(_ result: ToolResult, as name: String?) {
        if let name { captures.set(name, ResultJSON.captured(result)) } else { captures.setLast(result: result) }
    }

    func keep(_ value: Value, as name: String?) {
        if let name { captures.set(name, value) } else { captures.setLast(value) }
    }

    /// The part of `result` that `path` picks, one value per line after `[]`; a result that is not JSON or a step
    /// that does not fit is an error with a caret under the step. What is kept (`$_`, the capture) is the picked
    /// part, or the whole result when the path fails.
    func renderPath(_ path: (text: String, column: Int), of result: ToolResult, line: String, capture: String?)
        -> RenderedResult
    {
        let failure: CallLineDiagnostic
        switch ResultJSON.value(of: result) {
        case .failure(let notJSON):
            failure = CallLineDiagnostic(
                kind: .badResultPath, message: notJSON.message, column: path.column,
                length: max(path.text.count, 1))
        case .success(let json):
            do throws(ResultPathError) {
                let picked = try ResultPath.parse(path.text).apply(to: json)
                keep(picked.count == 1 ? picked[0] : .array(picked), as: capture)
                var output = RenderedOutput()
                if !picked.isEmpty { output.line(ResultPathOutput.text(picked)) }
                return RenderedResult(output: output, failed: false, savedFiles: [])
            } catch {
                failure = error.diagnostic(pathColumn: path.column)
            }
        }
        keep(result, as: capture)
        return RenderedResult(
            output: DiagnosticText.render([failure], line: line), failed: true, savedFiles: [])
    }
}
