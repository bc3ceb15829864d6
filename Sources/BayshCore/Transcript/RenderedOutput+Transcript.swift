extension RenderedOutput {
    /// What was printed as transcript lines, in the order the lines were completed: stdout lines as output,
    /// stderr lines as error lines (`! `). A piece without a final newline continues on its stream's next piece,
    /// so a line split over several pieces is one line.
    public var transcriptLines: [OutputLine] {
        var lines: [OutputLine] = []
        var pending: [Stream: String] = [:]
        for chunk in chunks {
            var text = (pending[chunk.stream] ?? "") + chunk.text
            let endsLine = text.hasSuffix("\n")
            var parts = OutputLine.lines(of: text, isError: chunk.stream == .standardError)
            text = endsLine || parts.isEmpty ? "" : parts.removeLast().text
            pending[chunk.stream] = text
            lines += parts
        }
        for stream in [Stream.standardOutput, .standardError] {
            if let rest = pending[stream], !rest.isEmpty {
                lines.append(OutputLine(rest, isError: stream == .standardError))
            }
        }
        return lines
    }
}
