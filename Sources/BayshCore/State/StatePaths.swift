import Foundation

/// Where baysh keeps state between runs: `$XDG_STATE_HOME/baysh/` (default `~/.local/state/baysh/`), holding
/// per-target history files and the output folders of sessions.
public struct StatePaths: Sendable, Equatable {
    /// `…/baysh`.
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    /// The state folder named by the environment.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let base: URL
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            base = URL(fileURLWithPath: state)
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            base = URL(fileURLWithPath: home).appendingPathComponent(".local/state")
        }
        self.root = base.appendingPathComponent("baysh")
    }

    /// `history-<target>` for a session target (`local`, `mcp-everything`).
    public func historyFile(target: String) -> URL {
        root.appendingPathComponent("history-" + Self.safeFileName(target))
    }

    /// `name` with everything but letters, digits, `.`, `_` and `-` replaced by `_`, never empty or a dot name,
    /// at most 100 characters: a server name such as `../x` or `a/b c` cannot leave the folder.
    public static func safeFileName(_ name: String) -> String {
        var safe = String(name.unicodeScalars.map { scalar -> Character in
            let allowed = (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)))
                || scalar == "." || scalar == "_" || scalar == "-"
            return allowed ? Character(scalar) : "_"
        })
        if safe.count > 100 { safe = String(safe.prefix(100)) }
        if safe.isEmpty || safe.allSatisfy({ $0 == "." }) { safe = "_" + safe }
        return safe
    }
}
