"""A per-process counter of the tenant's configuration, for caches of data derived from it.

The database stays the only source of truth: what a process caches (discovery and JWKS
answers, the signing key, the token endpoint's snapshots of app registrations and user
flows) is derived from it, valid for at most ``IDP_METADATA_CACHE_SECONDS``,
and dropped at once when this process commits a change to configuration.  Another process's
change is seen when the entry expires: every worker agrees within that bound, which is far
shorter than the ``max-age=300`` the metadata answers give clients anyway.

"Configuration" is every table but the busy ones each sign-in and token request writes (runs,
codes, refresh tokens, audit records, ...): those never change a cached answer, and bumping
the version on each of them would empty the caches on every request.  A write that cannot be
attributed to a table (bulk ``UPDATE``/``DELETE`` through ``session.execute``) counts as
configuration.
"""
from __future__ import annotations

import threading
import time

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

#: tables written while serving sign-ins and tokens; nothing cached is derived from them
BUSY_TABLES = frozenset({
    "flow_transaction", "directory_user", "user_identity", "authorization_code",
    "refresh_token", "mail_message", "sso_session", "audit_record", "app_role_assignment",
    "admin_account",
})
#: the longest a process keeps the token endpoint's snapshots (app registrations with their
#: secrets, user flows), whatever IDP_METADATA_CACHE_SECONDS says: a secret deleted through
#: one worker stops working on the others within this bound even when the metadata are kept
#: longer
SNAPSHOT_MAX_SECONDS = 1.0
_UNKNOWN = "?"
_EXTENSION = "b2clab_config_version"


class ConfigVersion:
    """A counter that rises on every configuration commit of this process, and a clock."""

    def __init__(self, ttl: float, clock=time.monotonic):
        self.ttl = float(ttl)
        self.clock = clock
        self.value = 0
        self._lock = threading.Lock()

    def bump(self) -> None:
        with self._lock:
            self.value += 1

    def stamp(self, max_seconds: float | None = None) -> tuple[int, float]:
        """(version, expiry) for an entry filled now, kept at most ``max_seconds``."""
        ttl = self.ttl if max_seconds is None else min(self.ttl, max_seconds)
        return self.value, self.clock() + ttl

    def fresh(self, stamp: tuple[int, float]) -> bool:
        return self.ttl > 0 and stamp[0] == self.value and self.clock() < stamp[1]


def install(app: Flask) -> ConfigVersion:
    version = ConfigVersion(app.config["IDP_METADATA_CACHE_SECONDS"])
    app.extensions[_EXTENSION] = version
    _listen_once()
    return version


def current() -> ConfigVersion | None:
    return current_app.extensions.get(_EXTENSION)


def cached(name: str, load, max_seconds: float | None = None):
    """``load()``'s value, kept per process under ``name`` while the configuration is
    unchanged (see the module's docstring), and at most ``max_seconds`` when that is shorter
    than ``IDP_METADATA_CACHE_SECONDS``; ``load`` runs in the request's app context.

    None is never kept: a name that finds nothing is looked up again next time.  Callers name
    entries after what a request asks for (a client id, a policy), so keeping only what exists
    bounds the table by the tenant's configuration, not by what clients send; and an app or
    a user flow created by another worker is found at once.  Every thread of the process
    shares what is kept: keep frozen snapshots (never ORM rows), and never change what they
    hold."""
    version = current()
    if version is None:
        return load()
    store = current_app.extensions.setdefault("b2clab_config_cache", {})
    hit = store.get(name)
    if hit is not None and version.fresh(hit[0]):
        return hit[1]
    stamp = version.stamp(max_seconds)  # before loading: a commit meanwhile makes it stale
    value = load()
    if value is not None:
        store[name] = (stamp, value)
    return value


_listening = False


def _listen_once() -> None:
    global _listening
    if _listening:
        return
    _listening = True
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _on_execute)
    event.listen(Session, "after_commit", _after_commit)
    # No rollback listener: tables noted before a rollback may bump the version at the next
    # commit, which costs a cache miss, never a stale answer.


def _tables(session: Session) -> set:
    return session.info.setdefault(_EXTENSION, set())


def _after_flush(session: Session, _context) -> None:
    tables = _tables(session)
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        tables.add(table or _UNKNOWN)


def _on_execute(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(getattr(state.statement, "table", None), "name", None)
        _tables(state.session).add(table or _UNKNOWN)


def _after_commit(session: Session) -> None:
    tables = session.info.pop(_EXTENSION, set())
    if tables - BUSY_TABLES:
        try:
            version = current()
        except RuntimeError:  # a commit outside any app (scripts): no cache to drop
            return
        if version is not None:
            version.bump()
