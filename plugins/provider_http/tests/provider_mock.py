"""What the local stand-ins for HTTP email providers share (sendgrid_mock.py,
mailgun_mock.py): a real HTTP/1.1 keep-alive server on 127.0.0.1 (a free
port) that counts TCP connections, hands each request to the provider's
`answer(method, path, headers, body)`, and a client that POSTs webhooks to
Herald's public listener."""
import http.server
import json
import threading
import urllib.error
import urllib.request


class ProviderMock:
    def __init__(self):
        self.lock = threading.Lock()
        self.connections = 0
        mock = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: one connection, many requests

            def setup(self):
                super().setup()
                with mock.lock:
                    mock.connections += 1

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status, headers, answer = mock.answer("POST", self.path, self.headers, body)
                data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def answer(self, method, path, headers, body):
        raise NotImplementedError


def post(url, body, headers):
    """(status, body text) of a POST."""
    req = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
