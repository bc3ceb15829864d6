/// The scripts the sandbox's agent sources in a fresh subshell for a call: change to the folder, set the
/// environment, then replace the subshell with the program, so a call costs one fork and one exec.
enum SandboxScript {
    /// `text` as one single-quoted shell word (NUL bytes are refused before a call gets here).
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The agent starts with exactly the sandbox's base environment, which `environment` contains, so exporting
    /// `environment` gives the program that environment. A variable name the shell cannot export (`my.var`) makes
    /// the script go through `env -i` instead, at the cost of one more exec.
    static func exec(
        _ argv: [String], folder: String, environment: [String: String], stdinFile: String? = nil
    ) -> String {
        var script = "cd -- \(quote(folder)) || exit 126\n"
        let variables = environment.sorted(by: { $0.key < $1.key })
        var line = "exec"
        if variables.allSatisfy({ isName($0.key) }) {
            for (key, value) in variables { script += "export \(key)=\(quote(value))\n" }
        } else {
            line += " env -i --"
            for (key, value) in variables { line += " " + quote(key + "=" + value) }
        }
        for word in argv { line += " " + quote(word) }
        if let stdinFile { line += " <" + quote(stdinFile) }
        return script + line + "\n"
    }

    /// A POSIX shell variable name: a letter or `_`, then letters, digits and `_`.
    static func isName(_ text: String) -> Bool {
        func letter(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "_") || (byte | 0x20) >= 97 && (byte | 0x20) <= 122 }
        guard let first = text.utf8.first, letter(first) else { return false }
        return text.utf8.allSatisfy { letter($0) || (48...57).contains($0) }
    }
}
