"""What the Python MCP fixture servers share: how they are started.

    <script> stdio              serve over stdio (also without an argument)
    <script> http [--json]      serve streamable HTTP on 127.0.0.1 (a free port, printed first on stdout as
                                "PORT <n>"); SSE answers unless --json

Each fixture ends with `from fixture_http import main` / `main(server)` (the script's folder is sys.path[0]).
"""
import asyncio
import socket
import sys


async def serve_http(server, json_response: bool) -> None:
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)  # before printing the port, so the first connection is not refused
    print(f"PORT {sock.getsockname()[1]}", flush=True)
    app = server.streamable_http_app(json_response=json_response)
    config = uvicorn.Config(app, log_level="warning")
    await uvicorn.Server(config).serve(sockets=[sock])


def main(server) -> None:
    """Serves `server` as the command line asks: `http [--json]`, else stdio."""
    mode = sys.argv[1] if len(sys.argv) > 1 else "stdio"
    if mode == "http":
        asyncio.run(serve_http(server, "--json" in sys.argv))
    else:
        server.run("stdio")
