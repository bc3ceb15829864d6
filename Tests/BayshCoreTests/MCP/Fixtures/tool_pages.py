"""A stdio MCP server that answers tools/list with pages written by the test.

Each argument is a file holding one tools/list answer on one line, with "@ID@" where the request's id goes; the
n-th tools/list request gets the n-th file (the last one again after that). Only the standard library: the answers
are the test's own text, byte for byte.
"""
import json
import sys

pages = []
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as page:
        pages.append(page.read().strip())
served = 0

for line in sys.stdin:
    if not line.strip():
        continue
    message = json.loads(line)
    if "id" not in message:
        continue
    request_id = message["id"]
    method = message.get("method")
    if method == "initialize":
        result = {
            "protocolVersion": message["params"]["protocolVersion"],
            "capabilities": {"tools": {"listChanged": True}},
            "serverInfo": {"name": "pages", "version": "1"},
        }
        text = json.dumps({"jsonrpc": "2.0", "id": request_id, "result": result})
    elif method == "tools/list":
        text = pages[min(served, len(pages) - 1)].replace('"@ID@"', json.dumps(request_id))
        served += 1
    else:
        error = {"code": -32601, "message": "no method " + str(method)}
        text = json.dumps({"jsonrpc": "2.0", "id": request_id, "error": error})
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
