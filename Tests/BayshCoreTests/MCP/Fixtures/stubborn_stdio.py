"""A stdio MCP server that will not go: it ignores SIGTERM, SIGHUP and SIGINT and keeps running after its stdin
ends. It writes its pid to the file named by its first argument. With --mute it never answers initialize (a
handshake that hangs); otherwise it answers initialize and tools/list with one tool (and, with --deaf, nothing
else). Raw JSON-RPC lines, so it needs no package."""
import json
import signal
import sys
import time

for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
    signal.signal(number, signal.SIG_IGN)
with open(sys.argv[1], "w") as pid_file:
    pid_file.write(str(__import__("os").getpid()))
mute = "--mute" in sys.argv
# With --deaf it never answers a method it does not know (server/discover), as some servers do, against JSON-RPC.
deaf = "--deaf" in sys.argv
for line in sys.stdin:
    try:
        request = json.loads(line)
    except ValueError:
        continue
    if mute or "id" not in request:
        continue
    method = request.get("method")
    if deaf and method not in ("initialize", "tools/list", "tools/call"):
        continue
    if method == "initialize":
        result = {"protocolVersion": request["params"].get("protocolVersion", "2025-06-18"),
                  "capabilities": {"tools": {}}, "serverInfo": {"name": "stubborn", "version": "1"}}
    elif method == "tools/list":
        result = {"tools": [{"name": "noop", "description": "does nothing", "inputSchema": {"type": "object"}}]}
    else:
        result = {"content": [{"type": "text", "text": "ok"}]}
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": request["id"], "result": result}) + "\n")
    sys.stdout.flush()
while True:
    time.sleep(1)
