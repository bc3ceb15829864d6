/// A session whose connection can be made again after it broke (an MCP server that exited, an HTTP stream that
/// dropped); `:reconnect` calls it. Sessions without a connection of their own (local, AgentBay's stateless HTTP
/// API) do not adopt it, and `:reconnect` says it is not needed.
public protocol ReconnectableSession: Session {
    /// Drops the old connection (if any) and connects again; the tool list is fetched afresh afterwards.
    func reconnect() async throws
}
