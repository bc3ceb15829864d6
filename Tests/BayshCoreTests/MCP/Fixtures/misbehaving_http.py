"""An HTTP server that answers MCP POSTs badly on purpose, for the streamable HTTP transport's error tests.
Prints "PORT <n>" first. The path picks the fault:
  /garbage   200 text/html page          /notjson  200 application/json that is not JSON-RPC
  /error     500 with a body that echoes the request's Authorization header
  /auth      401                         /sse-split  a valid SSE answer cut into odd chunks with CRLF endings
  /drop-mid  the first tools/call gets half an SSE event, then the connection is closed; later ones are answered
  /flaky     the first initialize, tools/list and tools/call each get 503, later ones are answered; answers say how
             many requests of their method arrived (serverInfo.version, the tool's description, the call's text)
  /trickle?ms=N  tools/call answers are sent one byte every N milliseconds
"""
import http.server
import json
import socket
import sys
import threading
import time
import urllib.parse

counts = {}
counts_lock = threading.Lock()


def count(path, method):
    """How many requests for `method` arrived on `path`, this one included."""
    with counts_lock:
        counts[(path, method)] = counts.get((path, method), 0) + 1
        return counts[(path, method)]


def mcp_answer(request, seen, text):
    method = request.get("method")
    if method == "initialize":
        result = {"protocolVersion": "2025-06-18", "capabilities": {"tools": {}},
                  "serverInfo": {"name": "faulty", "version": str(seen)}}
    elif method == "tools/list":
        result = {"tools": [{"name": "anything", "description": f"tools/list request {seen}",
                             "inputSchema": {"type": "object"}}]}
    elif method == "tools/call":
        result = {"content": [{"type": "text", "text": text}]}
    else:
        result = {}
    return json.dumps({"jsonrpc": "2.0", "id": request["id"], "result": result}, separators=(",", ":"))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass

    def reply(self, status, content_type, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_DELETE(self):
        self.reply(200, "text/plain", "")

    def start_events(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def faulty(self, path, query, request):
        """The /drop-mid, /flaky and /trickle paths: ordinary MCP answers, with the fault on the requests it hits."""
        if "id" not in request:
            self.reply(202, "text/plain", "")
            return
        method = request.get("method")
        seen = count(path, method)
        if path == "/flaky" and seen == 1 and method in ("initialize", "tools/list", "tools/call"):
            self.reply(503, "text/plain", "busy, try again")
            return
        event = ("event: message\ndata: " + mcp_answer(request, seen, f"{method} request {seen}") + "\n\n").encode()
        self.start_events()
        if path == "/drop-mid" and method == "tools/call" and seen == 1:
            self.chunk(event[: len(event) // 2])
            time.sleep(0.05)
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if path == "/trickle" and method == "tools/call":
            pause = int(query.get("ms", ["20"])[0]) / 1000
            for byte in event:
                self.chunk(bytes([byte]))
                time.sleep(pause)
        else:
            self.chunk(event)
        self.wfile.write(b"0\r\n\r\n")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        request = json.loads(self.rfile.read(length) or b"{}")
        parts = urllib.parse.urlsplit(self.path)
        if parts.path in ("/drop-mid", "/flaky", "/trickle"):
            try:
                self.faulty(parts.path, urllib.parse.parse_qs(parts.query), request)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up on a trickled answer
            return
        if self.path == "/garbage":
            self.reply(200, "text/html", "<html><body>Sign in to continue</body></html>")
        elif self.path == "/notjson":
            self.reply(200, "application/json", "OK then")
        elif self.path == "/error":
            self.reply(500, "text/plain", "internal failure; you sent " + self.headers.get("Authorization", "none"))
        elif self.path == "/auth":
            self.reply(401, "application/json", '{"error":"invalid_token"}')
        elif self.path == "/sse-split":
            if "id" not in request:
                self.reply(202, "text/plain", "")
                return
            result = {"protocolVersion": "2025-06-18", "capabilities": {"tools": {}},
                      "serverInfo": {"name": "split", "version": "1"}}
            if request.get("method") == "tools/call":
                result = {"content": [{"type": "text", "text": "split ok"}]}
            message = json.dumps({"jsonrpc": "2.0", "id": request["id"], "result": result})
            half = message.index(", \"result\"") + 1  # between tokens: the "\n" joining data lines stays valid JSON
            chunks = [": keep-alive\r\n\r", "\nevent: message\r\nid: 1\r\ndata: " + message[:half],
                      "\r\ndata: " + message[half:] + "\r", "\n\r\n"]
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Mcp-Session-Id", "split-session")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for chunk in chunks:
                data = chunk.encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()
                time.sleep(0.02)
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.reply(404, "text/plain", "no such path")


if __name__ == "__main__":
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()
