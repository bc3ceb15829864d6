"""An HTTP server that answers MCP POSTs badly on purpose, for the streamable HTTP transport's error tests.
Prints "PORT <n>" first. The path picks the fault:
  /garbage   200 text/html page          /notjson  200 application/json that is not JSON-RPC
  /error     500 with a body that echoes the request's Authorization header
  /auth      401                         /sse-split  a valid SSE answer cut into odd chunks with CRLF endings
"""
import http.server
import json
import socket
import sys
import time


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

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        request = json.loads(self.rfile.read(length) or b"{}")
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
