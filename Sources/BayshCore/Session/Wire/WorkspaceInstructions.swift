import Foundation

/// The MCP `instructions` `baysh serve` gives at `initialize`: where relative paths go, with the folder on a line of
/// its own (`workspace: /path`) that a baysh client reads back, so its transcripts can mask the path as
/// `<workspace>`. Both sides of the wire use it, so it lives here.
enum WorkspaceInstructions {
    /// The instructions for a session working in `workspace`.
    static func text(workspace path: String) -> String {
        "The tools work in one folder; relative paths are resolved inside it.\n\(prefix)\(path)"
    }

    /// The folder an `instructions` text names on its `workspace: /path` line, or nil.
    static func workspace(inInstructions text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix(prefix) {
            let path = line.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
            if path.hasPrefix("/"), path.count > 1 { return path }
        }
        return nil
    }

    private static let prefix = "workspace: "
}
