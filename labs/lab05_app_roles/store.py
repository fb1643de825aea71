"""The lab app's files in its own folder (``DATA_DIR``): ``settings.json`` (what the real sample
keeps in appsettings.json: the roles-provider app's client id and secret, the attribute name)
and ``calls.json`` (the last calls the connector received, for the log page).

Files are replaced whole (write to a temporary file, then ``os.replace``), so a reader never
sees half a file, even with several workers.
"""
from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from pathlib import Path

from .approles import DEFAULT_ATTRIBUTE

SETTINGS_FILE, CALLS_FILE = "settings.json", "calls.json"
KEEP_CALLS = 20
_lock = threading.Lock()


def _write(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=2)
    os.replace(temporary, path)


def _read(path: Path, default):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


def load_settings(folder: str) -> dict:
    """``client_id``, ``client_secret`` (empty when not set) and ``user_attribute_name``."""
    stored = _read(Path(folder) / SETTINGS_FILE, {})
    stored = stored if isinstance(stored, dict) else {}
    return {"client_id": str(stored.get("client_id") or ""),
            "client_secret": str(stored.get("client_secret") or ""),
            "user_attribute_name": str(stored.get("user_attribute_name")
                                       or DEFAULT_ATTRIBUTE)}


def save_settings(folder: str, client_id: str, client_secret: str | None,
                  user_attribute_name: str) -> dict:
    """Store the settings; an empty ``client_secret`` keeps the stored one."""
    with _lock:
        settings = load_settings(folder)
        settings.update(client_id=client_id, user_attribute_name=user_attribute_name)
        if client_secret:
            settings["client_secret"] = client_secret
        _write(Path(folder) / SETTINGS_FILE, settings)
    return settings


def add_call(folder: str, record: dict) -> None:
    """Keep ``record`` (request, response, Graph calls, problem) among the last calls."""
    with _lock:
        calls = _read(Path(folder) / CALLS_FILE, [])
        calls = calls if isinstance(calls, list) else []
        _write(Path(folder) / CALLS_FILE,
               [{"time": time.strftime("%Y-%m-%d %H:%M:%S"), **record}, *calls][:KEEP_CALLS])


def recent_calls(folder: str) -> list[dict]:
    """The last calls, newest first."""
    calls = _read(Path(folder) / CALLS_FILE, [])
    return calls if isinstance(calls, list) else []
