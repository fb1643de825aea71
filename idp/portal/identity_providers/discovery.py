"""Checking an OpenID Connect provider's metadata URL before it is saved: its shape, then, on
Save, a real GET of the discovery document, so the admin learns now (not at the first sign-in)
that the URL is wrong, and exactly why.

Confined like API connector calls: http(s) only, a 5-second timeout, no redirects followed
(the runtime does not follow them either: enter the final URL), a 1 MB cap.
"""
from __future__ import annotations

import json
from urllib.parse import urlsplit

import requests

TIMEOUT_SECONDS = 5
MAX_BYTES = 1024 * 1024
#: what a sign-in needs from the document (OpenID Connect Discovery 1.0 §3); token_endpoint
#: only for response type code
REQUIRED = ("issuer", "authorization_endpoint", "jwks_uri")


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a metadata URL (by its shape), or None."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ("The metadata URL must be an absolute http:// or https:// URL, e.g. "
                "https://login.example.com/.well-known/openid-configuration.")
    return None


def document_problem(url: str, response_type: str = "code") -> tuple[dict | None, str | None]:
    """Fetch the discovery document: ``(document, None)`` or ``(None, what is wrong)``."""
    try:
        response = requests.get(url, timeout=TIMEOUT_SECONDS, allow_redirects=False,
                                stream=True, headers={"Accept": "application/json"})
        body = response.raw.read(MAX_BYTES + 1, decode_content=True)
        response.close()
    except requests.Timeout:
        return None, (f"The metadata URL did not answer within {TIMEOUT_SECONDS} seconds. "
                      "Check the address and that the provider is running.")
    except requests.ConnectionError as exc:
        reason = "the connection was refused" if "refused" in str(exc).lower() else \
            "the host could not be reached"
        return None, (f"The metadata URL could not be reached: {reason}. Check the address "
                      "and that the provider is running.")
    except requests.RequestException as exc:
        return None, f"The metadata URL could not be fetched: {type(exc).__name__}."
    if response.is_redirect:
        return None, (f"The metadata URL answered a redirect (HTTP {response.status_code}) to "
                      f"{response.headers.get('Location', '?')}. Enter that final URL.")
    if response.status_code != 200:
        return None, (f"The metadata URL answered HTTP {response.status_code}, not 200. It "
                      "usually ends in /.well-known/openid-configuration.")
    if len(body) > MAX_BYTES:
        return None, "The metadata URL answered more than 1 MB: not a discovery document."
    try:
        document = json.loads(body)
    except ValueError:
        return None, ("The metadata URL did not answer JSON: it is not an OpenID Connect "
                      "discovery document (…/.well-known/openid-configuration).")
    if not isinstance(document, dict):
        return None, ("The metadata URL answered JSON that is not an object: not a discovery "
                      "document.")
    needed = REQUIRED + (("token_endpoint",) if response_type == "code" else ())
    missing = [name for name in needed if not isinstance(document.get(name), str)
               or not document.get(name)]
    if missing:
        return None, ("The discovery document lacks " + ", ".join(missing) + ": it is not a "
                      "complete OpenID Connect discovery document.")
    supported = document.get("response_types_supported")
    if isinstance(supported, list) and supported and response_type not in supported:
        return None, (f"The provider does not support response type {response_type} "
                      f"(its response_types_supported: {', '.join(map(str, supported))}).")
    return document, None
