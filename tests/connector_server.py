"""A real HTTP server on loopback that plays an API connector: each test tells it what to
answer, and it records every request it received (body, headers)."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


@dataclass
class ConnectorServer:
    status: int = 200
    body: object = field(default_factory=lambda: {"version": "1.0.0", "action": "Continue"})
    delay: float = 0.0
    received: list = field(default_factory=list)

    def answer(self, status: int, body: object, delay: float = 0.0) -> None:
        self.status, self.body, self.delay = status, body, delay

    def __call__(self, environ, start_response):
        request = Request(environ)
        self.received.append({"json": request.get_json(silent=True),
                              "headers": dict(request.headers), "method": request.method,
                              "form": request.form.to_dict(), "args": request.args.to_dict()})
        if self.delay:
            time.sleep(self.delay)  # the endpoint's own slowness, not a wait in a test
        text = self.body if isinstance(self.body, str) else json.dumps(self.body)
        return Response(text, self.status, content_type="application/json")(environ,
                                                                            start_response)


def start(server: ConnectorServer):
    """Serve ``server`` on 127.0.0.1 in a thread; returns (url, stop)."""
    httpd = make_server("127.0.0.1", 0, server, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{httpd.server_port}/api", httpd.shutdown
