"""A stdio 'server' that answers `initialize` with the JSON-RPC error given on the command line (and any other
request with "method not found", as JSON-RPC requires), then waits."""
import json
import sys

code = int(sys.argv[1]) if len(sys.argv) > 1 else -32000
for line in sys.stdin:
    message = json.loads(line)
    if message.get("method") == "initialize":
        answer = {"jsonrpc": "2.0", "id": message["id"],
                  "error": {"code": code, "message": "license expired for this host"}}
    elif "id" in message:
        answer = {"jsonrpc": "2.0", "id": message["id"], "error": {"code": -32601, "message": "Method not found"}}
    else:
        continue
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
