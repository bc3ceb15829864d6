import Foundation

/// One server entry of the JSON files MCP hosts already use, for `baysh --config FILE --server NAME`:
///
/// ```json
/// { "mcpServers": {                                    // Claude Desktop, Cursor, .mcp.json
///     "fetch": { "command": "uvx", "args": ["mcp-server-fetch"], "env": { "KEY": "${env:FETCH_KEY}" } },
///     "remote": { "type": "http", "url": "https://host/mcp", "headers": { "X-Api-Key": "${API_KEY}" } } } }
/// ```
/// VS Code's `{"servers": {...}}` (`.vscode/mcp.json`) and `{"mcp": {"servers": {...}}}` (settings) are read too.
/// `${env:VAR}` and `${VAR}` in any string are replaced from the environment; `${workspaceFolder}` is the current
/// directory.
public struct MCPServerConfig: Sendable, Equatable {
    /// The entry's key (`fetch`).
    public var name: String
    /// `command` of a stdio server.
    public var command: String?
    public var args: [String] = []
    public var env: [String: String] = [:]
    public var cwd: String?
    /// `url` of an HTTP server.
    public var url: URL?
    public var headers: [String: String] = [:]

    /// The ``MCPTarget`` this entry describes. `bearer` (from `--bearer-env`) is added to an HTTP server's headers.
    public func target(stderr: StderrDestination = .discard, bearer: Secret? = nil) -> MCPTarget {
        if let url {
            return .http(url: url, headers: headers, bearer: bearer)
        }
        return .stdio(
            command: [command ?? ""] + args, environment: env, workingDirectory: cwd, stderr: stderr)
    }

    /// The entry called `server` in `file`. Throws ``SessionError/configuration(_:)`` for a missing file, bad JSON
    /// (with line and column), an unknown server (listing the names, with a suggestion) or a bad entry.
    public static func load(
        file: String, server: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> MCPServerConfig {
        let entries = try serverEntries(file: file)
        guard let entry = entries[server] else {
            let names = entries.keys.sorted()
            var message = "\(file) has no MCP server named '\(server)'"
            if let guess = closest(to: server, in: names) { message += "; did you mean '\(guess)'?" }
            message += names.isEmpty ? " (it lists none)" : " (it lists: \(names.joined(separator: ", ")))"
            throw SessionError.configuration(message)
        }
        return try parse(entry, name: server, file: file, environment: environment)
    }

    /// The names of the servers `file` lists, sorted.
    public static func serverNames(file: String) throws -> [String] {
        try serverEntries(file: file).keys.sorted()
    }

    private static func serverEntries(file: String) throws -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: file) else {
            let reason = FileManager.default.fileExists(atPath: file) ? "cannot be read" : "does not exist"
            throw SessionError.configuration("MCP configuration file '\(file)' \(reason)")
        }
        let root: Any
        let plain: Data
        do {
            plain = Data(try JSONWithComments.blanked([UInt8](data)))
        } catch {
            throw SessionError.configuration(
                "MCP configuration file '\(file)' has a /* comment that is never closed (opened at line "
                    + "\(error.line), column \(error.column)): add the closing */")
        }
        do {
            root = try JSONSerialization.jsonObject(with: plain, options: [])
        } catch {
            throw SessionError.configuration(
                "MCP configuration file '\(file)' is not valid JSON: \(describe(error, in: data))")
        }
        guard let object = root as? [String: Any] else {
            throw SessionError.configuration("MCP configuration file '\(file)' must hold a JSON object")
        }
        let nested = (object["mcp"] as? [String: Any])?["servers"]
        guard let servers = object["mcpServers"] ?? object["servers"] ?? nested else {
            throw SessionError.configuration(
                "MCP configuration file '\(file)' has no \"mcpServers\" (or VS Code \"servers\") object")
        }
        guard let entries = servers as? [String: Any] else {
            throw SessionError.configuration("in '\(file)', the servers entry must be an object of named servers")
        }
        return entries
    }

    private static func parse(_ entry: Any, name: String, file: String, environment: [String: String]) throws
        -> MCPServerConfig
    {
        let place = "server '\(name)' in '\(file)'"
        guard let fields = entry as? [String: Any] else {
            throw SessionError.configuration("\(place) must be an object with \"command\" or \"url\"")
        }
        let expand = { (text: String) in try expandVariables(text, environment: environment, place: place) }
        func string(_ key: String) throws -> String? {
            guard let value = fields[key] else { return nil }
            guard let text = value as? String else {
                throw SessionError.configuration("\(place): \"\(key)\" must be a string")
            }
            return try expand(text)
        }
        func strings(_ key: String) throws -> [String] {
            guard let value = fields[key] else { return [] }
            guard let list = value as? [Any], list.allSatisfy({ $0 is String }) else {
                throw SessionError.configuration("\(place): \"\(key)\" must be a list of strings")
            }
            return try list.map { try expand($0 as! String) }
        }
        func table(_ key: String) throws -> [String: String] {
            guard let value = fields[key] else { return [:] }
            guard let object = value as? [String: Any] else {
                throw SessionError.configuration("\(place): \"\(key)\" must be an object of strings")
            }
            return try object.mapValues { value in
                if let text = value as? String { return try expand(text) }
                if let number = value as? NSNumber { return number.stringValue }
                throw SessionError.configuration("\(place): every value of \"\(key)\" must be a string")
            }
        }

        var config = MCPServerConfig(name: name)
        config.command = try string("command")
        config.args = try strings("args")
        config.env = try table("env")
        config.cwd = try string("cwd")
        config.headers = try table("headers")
        let type = try string("type")?.lowercased()
        let address = try string("url") ?? string("serverUrl")

        switch type {
        case nil, "stdio", "http", "sse", "streamable-http", "streamablehttp":
            break
        case let other?:
            throw SessionError.configuration(
                "\(place): unknown \"type\" '\(other)'; use \"stdio\" or \"http\" (\"sse\", \"streamable-http\")")
        }
        if type == "stdio" || (type == nil && address == nil) {
            guard let command = config.command, !command.isEmpty else {
                throw SessionError.configuration("\(place) has no \"command\" to start (or \"url\" to reach)")
            }
            return config
        }
        guard let address else {
            throw SessionError.configuration("\(place) is of type '\(type ?? "http")' but has no \"url\"")
        }
        guard let url = URL(string: address), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host != nil
        else {
            throw SessionError.configuration("\(place): \"url\" '\(address)' is not an http:// or https:// URL")
        }
        config.url = url
        return config
    }

    /// Replaces `${env:VAR}`, `${VAR}` and `${workspaceFolder}`.
    static func expandVariables(_ text: String, environment: [String: String], place: String) throws -> String {
        guard text.contains("${") else { return text }
        var result = ""
        var rest = text[...]
        while let open = rest.range(of: "${") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                throw SessionError.configuration("\(place): '\(text)' has a '${' without its '}'")
            }
            let variable = String(rest[open.upperBound..<close])
            let key = variable.hasPrefix("env:") ? String(variable.dropFirst(4)) : variable
            if key == "workspaceFolder" {
                result += FileManager.default.currentDirectoryPath
            } else if key.contains(":") {
                throw SessionError.configuration(
                    "\(place): '${\(variable)}' needs an editor to fill in; write the value or use ${env:NAME}")
            } else if let value = environment[key] {
                result += value
            } else {
                throw SessionError.configuration("\(place): environment variable \(key) is not set (used as ${\(variable)})")
            }
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    private static func describe(_ error: Error, in data: Data) -> String {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        if text.contains("line") { return text }
        // Foundation gives "Invalid value around character 42."; people count lines and columns.
        guard let range = text.range(of: "around character "),
            let offset = Int(text[range.upperBound...].prefix { $0.isNumber })
        else { return text }
        let prefix = data.prefix(offset)
        let line = prefix.count { $0 == UInt8(ascii: "\n") } + 1
        let column = offset - (prefix.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
        let reason = text[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
        return "\(reason) at line \(line), column \(column)"
    }

    /// The name within edit distance 3 of `name`, for "did you mean".
    static func closest(to name: String, in names: [String]) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var previous = Array(0...b.count)
            for (i, x) in a.enumerated() {
                var current = [i + 1]
                for (j, y) in b.enumerated() {
                    current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
                }
                previous = current
            }
            return previous[b.count]
        }
        let target = Array(name.lowercased())
        return names.map { ($0, distance(target, Array($0.lowercased()))) }
            .filter { $0.1 <= min(3, max(1, name.count / 2)) }
            .min { $0.1 < $1.1 }?.0
    }
}
