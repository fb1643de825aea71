"""Fetching a Page layouts row's custom page (b2c-reference §6.3) and the Content-Security-Policy
of the merged page.

B2C fetches the custom page in the browser, by CORS, and merges its fragment with JavaScript.
B2C Lab fetches it here, on the server, and sends the browser one merged page: the pages then
work with JavaScript off (as every B2C Lab page does), and a learner's page needs no CORS
headers.  Only admins set Custom page URIs; still, only http(s) is fetched, for at most
:data:`TIMEOUT` seconds and :data:`MAX_BYTES` bytes.
"""
from __future__ import annotations

import time
from urllib.parse import urlsplit

import requests

from ..engine.errors import B2CError
from ..security import CSP

TIMEOUT = 5.0
MAX_BYTES = 1024 * 1024
HTML_TYPES = ("text/html", "application/xhtml+xml")
#: the transport; tests replace it with a session whose adapter answers without a network.
open_session = requests.Session


class CustomPageError(B2CError):
    """The custom page could not be used; shown on the error page, with the URI."""

    def __init__(self, code: str | None, *args: object, message: str | None = None,
                 hint: str) -> None:
        super().__init__(code, *args, status=502, hint=hint, message=message)


def _hint(row: str) -> str:
    return (f"Page layouts > {row}: B2C Lab fetched the Custom page URI on the server. Open the "
            "URI in a browser to check it, or set Use custom page content to No.")


def fetch_custom_page(url: str, row: str) -> str:
    """The custom page's HTML.

    :raise CustomPageError: not http(s), not answering within 5 s, not 200, not HTML, or
        larger than 1 MB.
    """
    if urlsplit(url).scheme not in ("http", "https"):
        raise CustomPageError(None, message=f"The custom page URI '{url}' is not an http or "
                                            "https URL.", hint=_hint(row))
    deadline = time.monotonic() + TIMEOUT
    try:
        with open_session() as session, session.get(
                url, timeout=TIMEOUT, stream=True,
                headers={"Accept": "text/html"}) as response:
            _check_response(response, url, row)
            body = bytearray()
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > MAX_BYTES:
                    raise CustomPageError(None, message=f"The custom page '{url}' is larger "
                                                        "than 1 MB.", hint=_hint(row))
                if time.monotonic() > deadline:
                    raise requests.Timeout()
            return bytes(body).decode(response.encoding or "utf-8", errors="replace")
    except requests.Timeout:
        raise CustomPageError(None, message=f"The custom page '{url}' did not answer within "
                                            f"{TIMEOUT:.0f} seconds.", hint=_hint(row)) from None
    except requests.RequestException as problem:
        raise CustomPageError(None, message=f"The custom page '{url}' could not be fetched "
                                            f"({type(problem).__name__}).",
                              hint=_hint(row)) from None


def _check_response(response: requests.Response, url: str, row: str) -> None:
    if response.status_code == 404:
        raise CustomPageError("AADB2C90002", url, hint=_hint(row))
    if response.status_code != 200:
        raise CustomPageError(None, message=f"The custom page '{url}' returned HTTP "
                                            f"{response.status_code}.", hint=_hint(row))
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type not in HTML_TYPES:
        raise CustomPageError(None, message=f"The custom page '{url}' is not HTML (its "
                                            f"Content-Type is '{content_type or 'none'}').",
                              hint=_hint(row))


def no_api_error(url: str, row: str) -> CustomPageError:
    return CustomPageError(None, message=(
        f"The custom page '{url}' has no <div id=\"api\"></div>: B2C merges the page's form "
        "into that element, so a custom page must have one."), hint=_hint(row))


def custom_page_csp(url: str, *, javascript: bool, script_hashes: list[str],
                    style_hashes: list[str]) -> str:
    """B2C Lab's policy (:data:`idp.security.CSP`) plus the custom page's origin for styles,
    images and fonts, and for scripts only when the flow enables JavaScript; the page's own
    inline <style> (and, with JavaScript, <script>) elements are allowed by their hashes."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    directives = dict(part.strip().split(" ", 1) for part in CSP.split(";"))
    directives.setdefault("font-src", "'self'")
    extra = {"style-src": [origin, *style_hashes], "img-src": [origin],
             "font-src": [origin]}
    if javascript:
        extra["script-src"] = [origin, *script_hashes]
    for name, sources in extra.items():
        directives[name] = " ".join([directives[name], *dict.fromkeys(sources)])
    return "; ".join(f"{name} {value}" for name, value in directives.items())
