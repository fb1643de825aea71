"""The sample app's tokens, kept server-side in its own SQLite file.

Three JWTs do not fit safely in a 4 KB cookie, and process memory would not survive a second
worker or a restart; the browser's session cookie only holds a random key into this store.
"""
from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

_SCHEMA = """CREATE TABLE IF NOT EXISTS tokens (
    session_key TEXT PRIMARY KEY, body TEXT NOT NULL, updated REAL NOT NULL)"""


class TokenStore:
    def __init__(self, path: str) -> None:
        self.path = path
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as connection:
            connection.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=10)
        connection.execute("PRAGMA journal_mode=WAL")
        return connection

    def get(self, key: str | None) -> dict | None:
        if not key:
            return None
        with self._connect() as connection:
            row = connection.execute("SELECT body FROM tokens WHERE session_key = ?",
                                     (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, key: str, tokens: dict) -> None:
        with self._connect() as connection:
            connection.execute("INSERT OR REPLACE INTO tokens VALUES (?, ?, ?)",
                               (key, json.dumps(tokens), time.time()))

    def delete(self, key: str | None) -> None:
        if key:
            with self._connect() as connection:
                connection.execute("DELETE FROM tokens WHERE session_key = ?", (key,))
