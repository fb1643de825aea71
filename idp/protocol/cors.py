"""CORS (Fetch standard §3.2) for the protocol endpoints, as B2C answers it.

Discovery and JWKS are public and cacheable: any origin may read them (``*``).  The token
endpoint answers a browser only for a **single-page application**: the request's ``Origin``
must be the origin of a redirect URI of an app registration whose platform is ``spa``, and
the request's ``client_id`` must be that app's, so a page cannot read the tokens of a web app
or of another SPA.  Other origins get no CORS headers (the browser then hides the answer) and
their preflight is refused.

The functions here are pure; the views call them with the registrations from the store.
"""
from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from ..engine.authorize import ClientInfo

DEFAULT_PORTS = {"http": 80, "https": 443}
#: the request headers MSAL.js and other SPA libraries send to the token endpoint
ALLOWED_HEADERS = ("content-type", "client-request-id",
                   "return-client-request-id", "x-client-sku", "x-client-ver", "x-client-os",
                   "x-client-cpu", "x-client-xtra-sku", "x-client-current-telemetry",
                   "x-client-last-telemetry", "x-ms-lib-capability", "x-app-name", "x-app-ver",
                   "x-anchormailbox")
MAX_AGE = 86400  # seconds a browser may keep a preflight's answer (Chromium caps it at 7200)
PUBLIC = {"Access-Control-Allow-Origin": "*"}
PUBLIC_PREFLIGHT = {**PUBLIC, "Access-Control-Allow-Methods": "GET",
                    "Access-Control-Allow-Headers": ", ".join(ALLOWED_HEADERS),
                    "Access-Control-Max-Age": str(MAX_AGE)}
REFUSED = ("This origin is not allowed to call the token endpoint: add a redirect URI on this "
           "origin to a Single-page application registration (Authentication > Add a platform "
           "> Single-page application).")


def origin_of(uri: str) -> str | None:
    """The origin (RFC 6454 §4) of an http(s) URI as a browser serializes it in ``Origin``:
    lower-case scheme and host, the port only when it is not the scheme's default."""
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in DEFAULT_PORTS or not host:
        return None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    suffix = f":{port}" if port is not None and port != DEFAULT_PORTS[scheme] else ""
    return f"{scheme}://{host}{suffix}"


def spa_origins(clients: Iterable[ClientInfo]) -> dict[str, frozenset[str]]:
    """Each origin of a SPA redirect URI, with the (lower-cased) client ids it belongs to."""
    found: dict[str, set[str]] = {}
    for client in clients:
        if client.platform != "spa":
            continue
        for uri in client.redirect_uris:
            origin = origin_of(uri)
            if origin:
                found.setdefault(origin, set()).add(client.client_id.lower())
    return {origin: frozenset(ids) for origin, ids in found.items()}


def token_preflight(origin: str | None,
                    clients: Iterable[ClientInfo]) -> tuple[int, dict[str, str], str]:
    """The answer to ``OPTIONS`` on the token endpoint: (status, headers, body).

    A preflight carries no body, so no client id: the origin alone decides (any SPA's)."""
    if origin and origin in spa_origins(clients):
        return 204, {"Access-Control-Allow-Origin": origin,
                     "Access-Control-Allow-Methods": "POST",
                     "Access-Control-Allow-Headers": ", ".join(ALLOWED_HEADERS),
                     "Access-Control-Max-Age": str(MAX_AGE), "Vary": "Origin"}, ""
    return 403, {"Vary": "Origin"}, REFUSED


def token_response_headers(origin: str | None, client_id: str | None,
                           clients: Iterable[ClientInfo]) -> dict[str, str]:
    """The CORS headers of a token endpoint answer (success or error): ``Allow-Origin`` only
    when ``origin`` is a redirect URI origin of the SPA that ``client_id`` names."""
    headers = {"Vary": "Origin"}
    if origin and client_id and client_id.lower() in spa_origins(clients).get(origin, ()):
        headers["Access-Control-Allow-Origin"] = origin
    return headers
