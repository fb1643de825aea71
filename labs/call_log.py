"""What the lab apps that are only an API share: the last calls B2C made (a small JSON file in
the app's data folder, so a second worker and a restart see them) and the headers that keep
their pages from running inline script or being framed."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from flask import Flask

CSP = "default-src 'self'; style-src 'self'; frame-ancestors 'none'"
FILE = "calls.json"


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
