/// An MCP server connection (a child process or an HTTP stream) can be made again.
extension MCPSession: ReconnectableSession {}
