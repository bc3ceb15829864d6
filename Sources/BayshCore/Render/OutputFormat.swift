/// How results are printed (`--format`, `:format`).
public enum OutputFormat: String, Sendable, CaseIterable {
    /// Text as is, JSON pretty-printed, the shell tool's output unpacked, binaries saved to files.
    case text
    /// The whole result as MCP JSON (`{"content":[…],"isError":false}`), for scripts and `jq`.
    case json
    /// Text items byte for byte, nothing added: the one format that prints a server's control characters and
    /// escape sequences as sent rather than spelled out.
    case raw
}

/// When a result is too big to print on a terminal, and how much of it is shown.
public struct TruncationLimits: Sendable, Equatable {
    /// A text longer than this many lines is cut.
    public var maximumLines: Int
    /// A text larger than this many bytes is cut.
    public var maximumBytes: Int
    /// Lines shown of a cut text.
    public var shownLines: Int
    /// Bytes shown at most of a cut text.
    public var shownBytes: Int

    public init(maximumLines: Int = 2000, maximumBytes: Int = 1_000_000, shownLines: Int = 200,
        shownBytes: Int = 64_000)
    {
        self.maximumLines = maximumLines
        self.maximumBytes = maximumBytes
        self.shownLines = shownLines
        self.shownBytes = shownBytes
    }
}
