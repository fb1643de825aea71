"""Microsoft Graph as the roles-provider app: an app-only token from the client-credentials
grant (RFC 6749 §4.4, scope ``https://graph.microsoft.com/.default``) at a user flow's token
endpoint, then Graph GETs with it, all over HTTP.

The real sample asks ``login.microsoftonline.com/<tenant>`` for the token; B2C Lab issues it at
any user flow's token endpoint (README "Graph API").  Tokens are reused until a minute before
they expire, as the sample's ``ClientSecretCredential`` does, except that a 401 or 403 from
Graph drops the token (so a permission granted meanwhile applies to the next sign-in).  Each
HTTP call made is kept in ``calls`` so the lab app's log page can show it.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from urllib.parse import unquote_plus

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
#: the user flow whose token endpoint issues the Graph token (it is seeded in every tenant)
TOKEN_POLICY = "B2C_1_susi"
TIMEOUT = 10
_tokens: dict[tuple, tuple[str, float]] = {}
_lock = threading.Lock()


class GraphFailure(Exception):
    """A token or Graph request that did not succeed; the message says what came back."""


@dataclass(frozen=True)
class Credentials:
    idp_url: str
    tenant: str
    client_id: str
    client_secret: str

    @property
    def token_endpoint(self) -> str:
        return (f"{self.idp_url}/{self.tenant}.onmicrosoft.com/{TOKEN_POLICY}"
                "/oauth2/v2.0/token")

    @property
    def graph_url(self) -> str:
        return f"{self.idp_url}/graph/v1.0"


def _reason(response) -> str:
    try:
        data = response.json()
    except ValueError:
        return f"HTTP {response.status_code} (not JSON)"
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):  # Graph: {"error": {"code", "message"}}
        return f"HTTP {response.status_code} {error.get('code')}: {error.get('message')}"
    description = data.get("error_description") if isinstance(data, dict) else None
    first_line = str(description).splitlines()[0] if description else ""  # no correlation id
    return f"HTTP {response.status_code} {error}: {first_line}"


@dataclass
class GraphClient:
    """Graph reads as the roles-provider app.  ``http`` is ``requests`` or a Session."""

    credentials: Credentials
    http: object
    calls: list[dict] = field(default_factory=list)

    def _record(self, method: str, url: str, status: int | str, note: str = "") -> None:
        self.calls.append({"method": method, "url": url, "status": status, "note": note})

    def token(self) -> str:
        """:raise GraphFailure: when the token endpoint refuses (wrong id or secret...)."""
        c = self.credentials
        key = (c.token_endpoint, c.client_id, c.client_secret)
        with _lock:
            cached = _tokens.get(key)
        if cached and cached[1] > time.time() + 60:
            if not any(call["method"] == "POST" for call in self.calls):
                self._record("POST", c.token_endpoint, "cached", "token reused until it expires")
            return cached[0]
        try:
            reply = self.http.post(c.token_endpoint, timeout=TIMEOUT,
                                   auth=(c.client_id, c.client_secret),
                                   data={"grant_type": "client_credentials",
                                         "scope": GRAPH_SCOPE})
        except Exception as error:  # refused, timed out...
            raise GraphFailure(f"The token endpoint did not answer: {error}") from None
        self._record("POST", c.token_endpoint, reply.status_code, "client credentials")
        if reply.status_code != 200:
            raise GraphFailure(f"No Graph token: {_reason(reply)}")
        body = reply.json()
        with _lock:
            _tokens[key] = (body["access_token"], time.time() + int(body.get("expires_in", 0)))
        return body["access_token"]

    def get(self, path: str, params: dict | None = None) -> dict:
        """:raise GraphFailure: for any answer but 200, with Graph's error code and message."""
        url = self.credentials.graph_url + path
        token = self.token()
        try:
            reply = self.http.get(url, params=params, timeout=TIMEOUT,
                                  headers={"Authorization": f"Bearer {token}"})
        except Exception as error:
            raise GraphFailure(f"Graph did not answer: {error}") from None
        self._record("GET", unquote_plus(reply.url or url), reply.status_code)
        if reply.status_code in (401, 403):  # e.g. a permission granted since: ask anew
            c = self.credentials
            with _lock:
                _tokens.pop((c.token_endpoint, c.client_id, c.client_secret), None)
        if reply.status_code != 200:
            raise GraphFailure(f"GET {path}: {_reason(reply)}")
        return reply.json()


def forget_tokens() -> None:
    """Drop cached tokens (after the settings change)."""
    with _lock:
        _tokens.clear()
