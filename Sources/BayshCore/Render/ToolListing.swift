/// The table `:tools` prints: each tool's name, padded to the widest, then its compact signature.
enum ToolListing {
    /// The lines for `tools`, each ending in a newline. Built straight into one string, each signature derived and
    /// dropped in turn: with thousands of tools a table of cells, its lines and their join would each hold the
    /// listing again.
    /// Names and signatures come from the server: they are measured and padded as they will show, control
    /// characters spelled out.
    static func text(_ tools: some Collection<ToolInfo>) -> String {
        let width = tools.map { TerminalText.width(of: TerminalText.visible($0.name)) }.max() ?? 0
        var text = ""
        var signatures = CompactSignatures()
        for tool in tools {
            var line = TerminalText.visible(tool.name)
            line += String(repeating: " ", count: width - TerminalText.width(of: line) + 2)
            line += TerminalText.visible(signatures.compact(of: tool))
            while line.hasSuffix(" ") { line.removeLast() }
            text += line
            text += "\n"
        }
        return text
    }
}
