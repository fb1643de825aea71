"""A tiny static web server on loopback for the browser interop tests: it serves a fixed set of
files (a single-page app) from memory, on its own port, so each server is its own origin.

    with StaticSite({"/": ("text/html", b"...")}) as site:
        page.goto(site.url + "/")
"""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

#: (content type, body) by path
Files = dict[str, tuple[str, bytes]]


class StaticSite:
    """``http://localhost:PORT`` serving ``files``; http on localhost is a secure context, as
    msal-browser needs (Web Crypto)."""

    def __init__(self, files: Files) -> None:
        handler = type("Handler", (_Handler,), {"files": files})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self.url = f"http://localhost:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "StaticSite":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


class _Handler(BaseHTTPRequestHandler):
    files: Files = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        found = self.files.get(urlsplit(self.path).path)
        if found is None:
            self.send_error(404)
            return
        content_type, body = found
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:  # noqa: A002 (http.server's signature)
        pass  # no access log in the test output
