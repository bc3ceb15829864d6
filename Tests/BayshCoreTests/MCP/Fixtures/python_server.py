"""A real MCP server built with the PyPI `mcp` package, for baysh's MCP client tests.

    python_server.py stdio                 serve over stdio
    python_server.py http [--json]         serve streamable HTTP on 127.0.0.1 (a free port, printed first on
                                           stdout as "PORT <n>"); SSE answers unless --json
"""

try:  # mcp 2.x renamed FastMCP to MCPServer
    from mcp.server.mcpserver import Context, MCPServer as Server
except ImportError:  # mcp 1.x
    from mcp.server.fastmcp import Context, FastMCP as Server

server = Server("python-fixture")


@server.tool()
def echo(text: str) -> str:
    """Returns its text."""
    return text


@server.tool()
def add(a: int, b: int) -> int:
    """Adds two integers."""
    return a + b


@server.tool()
def fail(message: str) -> str:
    """Raises, which the SDK turns into an isError result."""
    raise ValueError(message)


@server.tool()
def authorization(ctx: Context) -> str:
    """Returns the Authorization header the request carried ("none" without one or on stdio)."""
    headers = getattr(ctx, "headers", None)
    if headers is None:
        request = getattr(ctx.request_context, "request", None)
        headers = getattr(request, "headers", None)
    return (headers or {}).get("authorization", "none")


@server.tool()
async def grow(ctx: Context) -> str:
    """Adds the tool `extra` and says tools/list_changed."""
    if not any(t.name == "extra" for t in await server.list_tools()):
        server.add_tool(lambda: "extra!", name="extra", description="Added by grow.")
    await ctx.session.send_tool_list_changed()  # the handshake era
    if hasattr(ctx, "notify_tools_changed"):  # mcp 2.x: the 2026 era's subscriptions/listen
        await ctx.notify_tools_changed()
    return "grown"


if __name__ == "__main__":
    from fixture_http import main

    main(server)
