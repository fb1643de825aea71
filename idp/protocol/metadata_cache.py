"""Discovery and JWKS answers kept as bytes, served in front of Flask.

Every OpenID client fetches the metadata and the keys, some on every sign-in, and the answers
change only when the tenant's configuration does.  Building one through Flask costs about
0.4 ms (routing, the policy lookup, JSON); replaying its bytes costs a few microseconds, which
is what lets one process answer as many metadata requests as node oidc-provider
(bench/results.md).

What is kept: the 200 answer to a ``GET`` of a path ending in ``/.well-known/openid-configuration``
or ``/discovery/v2.0/keys``, keyed by path and query string (``?p=`` names the policy), with
its headers, unless it sets a cookie.  Nothing else about the request changes these answers:
the issuer and every URL come from ``IDP_PUBLIC_URL``, never the Host header, and the CORS
header is ``*``.  An entry lives while :class:`~idp.store.config_version.ConfigVersion` says
the configuration is unchanged (at most ``IDP_METADATA_CACHE_SECONDS``), and the table holds at
most :data:`MAX_ENTRIES` (query strings are the client's choice, so its size must not be).
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from ..store.config_version import ConfigVersion

SUFFIXES = ("/.well-known/openid-configuration", "/discovery/v2.0/keys")
MAX_ENTRIES = 256


class MetadataCache:
    """WSGI middleware around the IdP (see the module's docstring)."""

    def __init__(self, app, version: ConfigVersion):
        self.app = app
        self.version = version
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "GET" or self.version.ttl <= 0:
            return self.app(environ, start_response)
        path = environ.get("PATH_INFO", "")
        if not path.lower().endswith(SUFFIXES):
            return self.app(environ, start_response)
        key = (environ.get("SCRIPT_NAME", ""), path, environ.get("QUERY_STRING", ""))
        entry = self._entries.get(key)
        if entry is not None and self.version.fresh(entry[0]):
            start_response(entry[1], list(entry[2]))
            return [entry[3]]
        return self._fill(key, environ, start_response)

    def _fill(self, key, environ, start_response):
        stamp = self.version.stamp()  # before building: a commit meanwhile makes it stale
        seen = {}

        def capture(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        body_iter = self.app(environ, capture)
        try:
            body = b"".join(body_iter)
        finally:
            close = getattr(body_iter, "close", None)
            if close is not None:
                close()
        status, headers = seen.get("status", ""), seen.get("headers", [])
        if status.startswith("200") and not any(
                name.lower() == "set-cookie" for name, _ in headers):
            with self._lock:
                self._entries[key] = (stamp, status, tuple(headers), body)
                self._entries.move_to_end(key)
                while len(self._entries) > MAX_ENTRIES:
                    self._entries.popitem(last=False)
        return [body]
