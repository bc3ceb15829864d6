/// The table `:tools` prints: each tool's name, padded to the widest, then its compact signature.
enum ToolListing {
    /// The lines for `tools`, each ending in a newline. Built straight into one string, each signature derived and
    /// dropped in turn: with thousands of tools a table of cells, its lines and their join would each hold the
    /// listing again.
    static func text(_ tools: some Collection<ToolInfo>) -> String {
        let width = tools.map { TerminalText.width(of: $0.name) }.max() ?? 0
        var text = ""
        var signatures = CompactSignatures()
        for tool in tools {
            var line = tool.name
            line += String(repeating: " ", count: width - TerminalText.width(of: tool.name) + 2)
            line += signatures.compact(of: tool)
            while line.hasSuffix(" ") { line.removeLast() }
            text += line
            text += "\n"
        }
        return text
    }
}
