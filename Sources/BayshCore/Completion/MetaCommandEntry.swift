/// What the completion engine knows about one meta command: its name and what Tab offers after it.
public struct MetaCommandEntry: Sendable, Equatable {
    /// What Tab offers for a meta command's arguments.
    public enum Arguments: Sendable, Equatable {
        /// No completion (`:quit`, `:history 10`).
        case nothing
        /// A tool name (`:describe shell`).
        case toolName
        /// A meta command name, without its colon (`:help describe`).
        case metaCommandName
        /// Fixed words per position: `:set hints on` is `[["hints"], ["on", "off"]]`. The last list repeats.
        case words([[String]])
        /// A whole call line (`:explain shell command=ls`).
        case callLine
        /// A resource URI, or a value of a template's variable (`:read notes://mi`).
        case resourceURI
        /// A prompt name, then its argument names and values (`:prompt review language=py`).
        case promptCall
    }

    /// The name without its colon (`describe`).
    public var name: String
    /// One line of help, shown in completion lists.
    public var summary: String
    /// What Tab offers after the name.
    public var arguments: Arguments

    public init(name: String, summary: String, arguments: Arguments) {
        self.name = name
        self.summary = summary
        self.arguments = arguments
    }
}
