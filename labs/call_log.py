"""What the lab apps that are only an API share: the Flask app itself (:func:`create_app`), one
page around their content (``templates/call_log/page.html`` and its stylesheet), the last
calls B2C made (a small JSON file in the app's data folder, so a second worker and a restart
see them) and the headers that keep their pages from running inline script or being framed."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from flask import Blueprint, Flask

CSP = "default-src 'self'; style-src 'self'; frame-ancestors 'none'"
FILE = "calls.json"
#: the page, its macros and stylesheet, registered on every lab API app
SHARED = Blueprint("call_log", __name__, template_folder="templates", static_folder="static",
                   static_url_path="/call-log-static")


def create_app(import_name: str, settings: dict) -> Flask:
    """A lab API's app: ``settings`` in its config, its ``DATA_DIR`` made, JSON answers in the
    order the code builds them (B2C's contracts list ``version`` first), a ``pretty`` filter
    for the call log, the shared page and the headers below."""
    Path(settings["DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    app = Flask(import_name, static_folder=None, template_folder="templates")
    app.config.update(settings)
    app.json.sort_keys = False
    app.jinja_env.filters["pretty"] = lambda data: json.dumps(data, indent=2,
                                                              ensure_ascii=False)
    app.register_blueprint(SHARED)
    secure_headers(app)
    return app


def recent_calls(folder: str | Path) -> list[dict]:
    """The last calls, newest first (an unreadable file counts as none)."""
    try:
        calls = json.loads((Path(folder) / FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return calls if isinstance(calls, list) else []


def remember(folder: str | Path, call: dict, keep: int = 5) -> None:
    """Put ``call`` first among the last ``keep`` calls."""
    calls = [call, *recent_calls(folder)][:keep]
    handle, temp = tempfile.mkstemp(dir=folder, prefix=".calls-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(calls, out, indent=2, ensure_ascii=False)
    os.replace(temp, Path(folder) / FILE)  # readers never see half a file


def secure_headers(app: Flask) -> None:
    """Every answer of ``app`` carries the CSP above and refuses framing."""
    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
