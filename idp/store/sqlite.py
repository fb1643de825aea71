"""SQLite settings for several processes on one file: WAL and a busy timeout, so a second
worker waits for a lock instead of failing with "database is locked"."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event

from ..extensions import db


def configure_sqlite(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised by every test
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 10000")
        if ":memory:" not in app.config["SQLALCHEMY_DATABASE_URI"] and \
                app.config["SQLALCHEMY_DATABASE_URI"] != "sqlite://":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()
