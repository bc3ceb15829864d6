"""A streamable HTTP MCP server that misbehaves the way hostile or broken peers do, for the hostile-network tests.
Prints "PORT <n>" first. Every path answers MCP normally (JSON bodies) except for its fault:
  /mcp                plain server; tools/call answers "call <n>" (n counts tools/call requests on all paths)
  /lose-first-call    the first tools/call is read and counted, then the connection is closed without an answer
                      (the connection was kept alive since initialize, so a client may reuse it)
  /slow-call          tools/call answers after 1.5 s (a proxy in front can be killed meanwhile)
  /same-origin-307    every POST gets 307 to /mcp on this same server
  /other-origin-307   every POST gets 307 to http://localhost:<port>/landing: another origin (host differs)
  /landing            records the Authorization and X-Team headers it received, then answers like /mcp
  /hang-initialize    initialize is never answered (the connection is held open)
GET /seen answers {"tools_call": n, "landing_headers": [...], "bodies": {path: [sizes]}}.
"""
import http.server
import json
import socket
import threading
import time

lock = threading.Lock()
seen = {"tools_call": 0, "landing_headers": [], "bodies": {}}


def answer(request):
    method = request.get("method")
    if method == "initialize":
        result = {"protocolVersion": "2025-06-18", "capabilities": {"tools": {}},
                  "serverInfo": {"name": "hostile", "version": "1"}}
    elif method == "tools/list":
        result = {"tools": [{"name": "anything", "description": "does anything", "inputSchema": {"type": "object"}}]}
    elif method == "tools/call":
        with lock:
            seen["tools_call"] += 1
            count = seen["tools_call"]
        result = {"content": [{"type": "text", "text": f"call {count}"}]}
    else:
        result = {}
    return {"jsonrpc": "2.0", "id": request["id"], "result": result}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=()):
        data = body.encode()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def do_GET(self):
        if self.path == "/seen":
            with lock:
                self.reply(200, json.dumps(seen))
        else:
            self.reply(405, "")

    def do_DELETE(self):
        self.reply(200, "")

    def do_POST(self):
        path = self.path.split("?")[0].rstrip("/") or "/"
        if path == "/landing":
            with lock:
                seen["landing_headers"].append({"Authorization": self.headers.get("Authorization"),
                                                "X-Team": self.headers.get("X-Team")})
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length) if length else b""
        with lock:
            seen["bodies"].setdefault(path, []).append(len(body))
        if path == "/same-origin-307":
            self.reply(307, "", [("Location", "/mcp")])
            return
        if path == "/other-origin-307":
            port = self.server.server_address[1]
            self.reply(307, "", [("Location", f"http://localhost:{port}/landing")])
            return
        request = json.loads(body or b"{}")
        if "id" not in request:
            self.reply(202, "")
            return
        method = request.get("method")
        if path == "/hang-initialize" and method == "initialize":
            time.sleep(60)
            return
        if path == "/lose-first-call" and method == "tools/call":
            with lock:
                seen["tools_call"] += 1
                first = seen["tools_call"] == 1
            if first:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            with lock:
                seen["tools_call"] -= 1
        if path == "/slow-call" and method == "tools/call":
            time.sleep(1.5)
        self.reply(200, json.dumps(answer(request)), [("Mcp-Session-Id", "hostile-1")])


if __name__ == "__main__":
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()
