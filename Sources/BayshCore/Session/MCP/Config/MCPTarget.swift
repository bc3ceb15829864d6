import Foundation

/// Where an MCP server is: a command baysh starts and talks to over stdio, or a streamable HTTP endpoint.
public enum MCPTarget: Sendable, Equatable {
    /// `baysh --mcp 'uvx mcp-server-fetch' --env K=V --cwd DIR`: argv (split with ``CommandWords`` when it comes as
    /// one string), environment additions, working directory, and where the server's stderr goes.
    case stdio(
        command: [String], environment: [String: String] = [:], workingDirectory: String? = nil,
        stderr: StderrDestination = .discard)
    /// `baysh --url URL --header 'K: V' --bearer-env VAR`: the endpoint, extra headers, and a bearer token sent as
    /// `Authorization: Bearer …`.
    case http(url: URL, headers: [String: String] = [:], bearer: Secret? = nil)

    /// The name used when neither the configuration nor the server gives one: the command's base name or the host.
    var fallbackName: String {
        switch self {
        case .stdio(let command, _, _, _):
            return command.first.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "server"
        case .http(let url, _, _):
            return url.host ?? "server"
        }
    }

    /// `stdio` or `streamable HTTP`, for `:info`.
    var transportName: String {
        switch self {
        case .stdio: "stdio"
        case .http: "streamable HTTP"
        }
    }
}
