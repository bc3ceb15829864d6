"""An MCP server (PyPI `mcp` 2.x) that says and asks more than answers, for baysh's conversation tests:
progress, log messages, elicitation (form and URL), sampling, roots, ping, a tool added at runtime with
tools/list_changed, and a tool whose cancellation leaves a marker file.

    rich_server.py stdio                 serve over stdio
    rich_server.py http [--json]         serve streamable HTTP on 127.0.0.1 (a free port, printed first on stdout as
                                         "PORT <n>"); SSE answers unless --json
"""
import asyncio
from typing import Literal

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp.types import SamplingMessage, TextContent
from pydantic import BaseModel, Field

server = MCPServer("rich")


@server.tool()
async def slow_count(ctx: Context, n: int = 8, delay: float = 0.3) -> str:
    """Counts to n, reporting progress at each step."""
    for i in range(1, n + 1):
        await asyncio.sleep(delay)
        await ctx.report_progress(i, n, f"step {i} of {n}")
    return f"counted to {n}"


@server.tool()
async def chatty(ctx: Context) -> str:
    """Logs one message at each of four levels, then answers."""
    await ctx.debug("debug detail", logger_name="rich.core")
    await ctx.info("info line", logger_name="rich.core")
    await ctx.warning("careful now")
    await ctx.error({"code": 7, "why": "bad"})
    return "said"


@server.tool()
async def log_later(ctx: Context, seconds: float = 1.0) -> str:
    """Answers at once and logs a warning `seconds` later, belonging to no request (the client is idle then)."""
    session = ctx.session

    async def later() -> None:
        await asyncio.sleep(seconds)
        await session.send_log_message(level="warning", data="late news", logger="rich.later")

    pending.add(asyncio.get_running_loop().create_task(later()))
    return "scheduled"


pending: set = set()


class Deletion(BaseModel):
    confirm: bool = Field(description="really delete?")
    reason: str = Field(default="", description="why")
    color: Literal["red", "green", "blue"] = "red"


@server.tool()
async def confirm_delete(ctx: Context, path: str) -> str:
    """Asks the user before deleting (it deletes nothing)."""
    answer = await ctx.elicit(f"Delete {path}?", Deletion)
    if answer.action == "accept":
        data = answer.data
        return f"accept confirm={data.confirm} reason={data.reason!r} color={data.color}"
    return answer.action


@server.tool()
async def sign_in(ctx: Context) -> str:
    """Asks the user to visit a URL (URL-mode elicitation)."""
    answer = await ctx.elicit_url("Sign in to continue", "https://example.invalid/login", "sign-in-1")
    return answer.action


@server.tool()
async def ask_model(ctx: Context, question: str) -> str:
    """Asks the client's model (sampling)."""
    try:
        result = await ctx.session.create_message(
            [SamplingMessage(role="user", content=TextContent(type="text", text=question))],
            max_tokens=50, system_prompt="Answer briefly.", related_request_id=ctx.request_id)
    except Exception as error:  # the user declined
        return f"declined: {error}"
    return f"model said: {result.content.text}"


@server.tool()
async def roots(ctx: Context) -> str:
    """Lists the client's roots."""
    listed = await ctx.session.list_roots()
    return " ".join(str(root.uri) for root in listed.roots)


@server.tool()
async def ping_client(ctx: Context) -> str:
    """Pings the client."""
    await ctx.session.send_ping()
    return "pong"


@server.tool()
async def grow(ctx: Context) -> str:
    """Adds the tool `grown` and says tools/list_changed."""
    if not any(t.name == "grown" for t in await server.list_tools()):
        server.add_tool(lambda size=1: f"grown {size}", name="grown", description="Added by grow.")
    # Each era hears it its own way: on the connection (2025), on subscriptions/listen streams (2026); the other
    # way is a no-op in each.
    await ctx.session.send_tool_list_changed()
    await ctx.notify_tools_changed()
    return "grew"


@server.tool()
async def end_listens() -> str:
    """Ends every subscriptions/listen stream gracefully (2026 era), as a server shutting down its fan-out would."""
    server._lowlevel_server._request_handlers["subscriptions/listen"].handler.close()
    return "ended"


@server.tool()
async def grow_quietly() -> str:
    """Adds the tool `quiet` without saying tools/list_changed."""
    if not any(t.name == "quiet" for t in await server.list_tools()):
        server.add_tool(lambda volume=1: "quiet!", name="quiet", description="Added by grow_quietly.")
    return "grew quietly"


@server.tool()
async def sleepy(marker: str, seconds: float = 30) -> str:
    """Sleeps; when cancelled, writes `cancelled` to the file `marker` first."""
    try:
        await anyio.sleep(seconds)
    except anyio.get_cancelled_exc_class():
        with open(marker, "w") as file:
            file.write("cancelled")
        raise
    return "slept"


if __name__ == "__main__":
    from fixture_http import main

    main(server)
