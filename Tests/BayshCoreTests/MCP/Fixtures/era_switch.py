"""A stdio MCP server that turns modern while it starts: its first `server/discover` fails ("still starting"), and
from then on it speaks only the 2026-07-28 revision, so `initialize` is answered with -32022 naming that revision.
A client in `auto` mode must then probe again rather than give up (the Python client's rule). Every modern request
must carry the revision in `_meta`.
"""
import json
import sys

MODERN = "2026-07-28"
META = "io.modelcontextprotocol/protocolVersion"
discovers = 0


def answer(message_id, **body):
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": message_id, **body}) + "\n")
    sys.stdout.flush()


for line in sys.stdin:
    message = json.loads(line)
    method, message_id = message.get("method"), message.get("id")
    if message_id is None:
        continue
    params = message.get("params") or {}
    meta = params.get("_meta") or {}
    if method == "server/discover":
        discovers += 1
        if discovers == 1:
            answer(message_id, error={"code": -32603, "message": "still starting"})
        else:
            answer(message_id, result={
                "supportedVersions": [MODERN], "capabilities": {"tools": {}},
                "_meta": {"io.modelcontextprotocol/serverInfo": {"name": "switch", "version": "1.0"}}})
    elif method == "initialize":
        answer(message_id, error={"code": -32022, "message": "Unsupported protocol version",
                                  "data": {"supported": [MODERN], "requested": params.get("protocolVersion")}})
    elif meta.get(META) != MODERN:
        answer(message_id, error={"code": -32022, "message": "Unsupported protocol version",
                                  "data": {"supported": [MODERN], "requested": meta.get(META)}})
    elif method == "tools/list":
        answer(message_id, result={"tools": [{
            "name": "echo", "description": "Echoes text.",
            "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}}]})
    elif method == "tools/call":
        text = (params.get("arguments") or {}).get("text", "")
        answer(message_id, result={"content": [{"type": "text", "text": text}], "isError": False})
    else:
        answer(message_id, error={"code": -32601, "message": f"Method not found: {method}"})
