extension RenderedOutput {
    /// What was printed as transcript lines, in the order the lines were completed: stdout lines as output,
    /// stderr lines as error lines (`! `). A piece without a final newline continues on its stream's next piece,
    /// so a line split over several pieces is one line (see ``PrintedLines``).
    public var transcriptLines: [OutputLine] {
        var lines: [OutputLine] = []
        PrintedLines(output: self).forEach { lines.append(OutputLine($0.text, isError: $0.isError)) }
        return lines
    }
}
