/// One command of a transcript and, when the transcript recorded it, what it printed.
///
/// ```
/// > read_file path=notes.txt      ← command, line 7
/// first line of notes             ← output
/// ! read_file: no such file       ← output, isError
/// ```
public struct TranscriptEntry: Sendable, Equatable {
    /// The command as typed (`read_file path=notes.txt`, `:tools`); a command the shell continued over several
    /// lines has them joined by `\n`.
    public var command: String
    /// 1-based line number of the command's first line in the file it was read from; 0 when it was not read.
    public var line: Int
    /// What the command printed, in order. Nil for a bare command (a file of commands only): nothing to check.
    public var output: [OutputLine]?
    /// The answers typed to the server's questions while the command ran (`? ` lines), given back on replay.
    public var answers: [String]

    public init(command: String, line: Int = 0, output: [OutputLine]? = nil, answers: [String] = []) {
        self.command = command
        self.line = line
        self.output = output
        self.answers = answers
    }
}
