/// The `/bin/sh` scripts the sandbox's agent runs for a call: change to the folder, then replace the shell with the
/// program under exactly the environment given (`env -i`), so nothing of the agent's own leaks in.
enum SandboxScript {
    /// `text` as one single-quoted shell word (NUL bytes are refused before a call gets here).
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static func exec(
        _ argv: [String], folder: String, environment: [String: String], stdinFile: String? = nil
    ) -> String {
        var line = "exec env -i --"
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { line += " " + quote(key + "=" + value) }
        for word in argv { line += " " + quote(word) }
        if let stdinFile { line += " <" + quote(stdinFile) }
        return "cd -- \(quote(folder)) || exit 126\n\(line)\n"
    }
}
