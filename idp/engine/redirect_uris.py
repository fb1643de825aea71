"""Which redirect URIs an app registration may hold (the portal's Authentication blade).

The rules follow Microsoft identity platform's "Redirect URI (reply URL) restrictions":
an absolute URL, https except for the loopback host (RFC 8252 §7.3 and §8.3), no wildcard, no
fragment (RFC 6749 §3.1.2), at most 256 characters.  Public client/native apps may also use a
private-use URI scheme (RFC 8252 §7.1: ``msal{clientId}://auth``,
``com.onmicrosoft.contoso.app://oauth/redirect``) or the out-of-band URN.  The same https rule
applies to the Front-channel logout URL.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

MAX_LENGTH = 256
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}
OOB_URN = "urn:ietf:wg:oauth:2.0:oob"
#: RFC 3986 §3.1 scheme syntax.  Reverse-domain schemes carry dots; B2C documents
#: ``com.onmicrosoft.contosob2c.exampleapp://oauth/redirect`` for native apps.
SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*$")
#: schemes a browser would run or read locally: never a place to send a code or a token.
DANGEROUS_SCHEMES = {"javascript", "data", "vbscript", "file", "about", "blob", "ftp", "ws",
                     "wss", "mailto", "urn"}


def redirect_uri_problem(uri: str, platform: str, *, existing: Iterable[str] = (),
                         noun: str = "redirect URI") -> str | None:
    """What is wrong with ``uri`` as a redirect URI of a ``platform`` app
    (``web``, ``spa`` or ``public``), or None when it may be registered.

    ``existing`` are the app's URIs already registered (a duplicate is refused); ``noun`` names
    the field in the message ("front-channel logout URL").
    """
    if not uri:
        return f"Enter a {noun}."
    if len(uri) > MAX_LENGTH:
        return f"The {noun} must be {MAX_LENGTH} characters or fewer."
    if any(c.isspace() for c in uri):
        return f"The {noun} must not contain spaces."
    if "*" in uri:
        return f"The {noun} must not contain a wildcard (*)."
    if "#" in uri:
        return f"The {noun} must not contain a fragment (#)."
    if uri in set(existing):
        return f"This {noun} is already registered: {noun}s must be unique."
    return _url_problem(uri, platform, noun)


def logout_url_problem(url: str) -> str | None:
    """What is wrong with a Front-channel logout URL (https or loopback), or None."""
    return redirect_uri_problem(url, "web", noun="front-channel logout URL")


def _url_problem(uri: str, platform: str, noun: str) -> str | None:
    try:
        parts = urlsplit(uri)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return f"The {noun} is not a valid URL."
    scheme = parts.scheme.lower()
    if not scheme or not SCHEME_RE.match(parts.scheme):
        return (f"The {noun} must be an absolute URL, such as "
                "https://contoso.com/signin-oidc.")
    if scheme in ("http", "https"):
        if not host:
            return f"The {noun} must include a host name."
        if scheme == "http" and host not in LOOPBACK_HOSTS:
            return f"The {noun} must use https (http is allowed only for localhost)."
        return None
    if platform == "public":
        return _custom_scheme_problem(uri, scheme, noun)
    return f"The {noun} must use https (http is allowed only for localhost)."


def _custom_scheme_problem(uri: str, scheme: str, noun: str) -> str | None:
    if uri.lower() == OOB_URN:
        return None
    if scheme in DANGEROUS_SCHEMES:
        return f"The scheme '{scheme}' cannot be used in a {noun}."
    if len(uri) == len(scheme) + 1:
        return (f"The {noun} needs a path after the scheme, such as "
                f"{scheme}://auth.")
    return None
