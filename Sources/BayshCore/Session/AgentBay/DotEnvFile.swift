import Foundation

/// A `.env` file: `KEY=value` lines as the AgentBay SDKs read them.
///
/// Accepted line shapes: `KEY=value`, `export KEY=value`, `KEY="value with spaces"` (with `\n`, `\"` escapes),
/// `KEY='literal value'`, `KEY=value # comment`; blank lines and `# comment` lines are skipped, as are lines
/// without `=`.
public struct DotEnvFile: Sendable, Equatable {
    /// Where the file was read from.
    public var path: String
    /// The variables in file order; a key given twice keeps its last value.
    public var values: [String: String]

    public init(path: String, values: [String: String]) {
        self.path = path
        self.values = values
    }

    /// The first `.env` found in `directory` or any directory above it, or nil when there is none.
    public static func find(from directory: URL) -> DotEnvFile? {
        var current = directory.standardizedFileURL
        while true {
            let candidate = current.appendingPathComponent(".env")
            if let text = try? String(contentsOf: candidate, encoding: .utf8) {
                return DotEnvFile(path: candidate.path, values: parse(text))
            }
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { return nil }
            current = parent
        }
    }

    /// Parses the text of a `.env` file.
    public static func parse(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { continue }
            values[key] = value(String(line[line.index(after: equals)...]).trimmingCharacters(in: .whitespaces))
        }
        return values
    }

    private static func value(_ raw: String) -> String {
        if raw.hasPrefix("\""), let close = closingQuote(in: raw) {
            return unescape(String(raw[raw.index(after: raw.startIndex)..<close]))
        }
        if raw.hasPrefix("'"), let close = raw.dropFirst().firstIndex(of: "'") {
            return String(raw[raw.index(after: raw.startIndex)..<close])
        }
        // An unquoted value ends at " #": `KEY=abc # note` is `abc`, while `KEY=a#b` keeps its '#'.
        if let comment = raw.range(of: " #") ?? raw.range(of: "\t#") {
            return raw[..<comment.lowerBound].trimmingCharacters(in: .whitespaces)
        }
        return raw
    }

    private static func closingQuote(in raw: String) -> String.Index? {
        var index = raw.index(after: raw.startIndex)
        while index < raw.endIndex {
            if raw[index] == "\\" {
                index = raw.index(after: index)
                if index < raw.endIndex { index = raw.index(after: index) }
                continue
            }
            if raw[index] == "\"" { return index }
            index = raw.index(after: index)
        }
        return nil
    }

    private static func unescape(_ text: String) -> String {
        var out = ""
        var escaping = false
        for character in text {
            if escaping {
                switch character {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                default: out.append(character)
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                out.append(character)
            }
        }
        return out
    }
}
