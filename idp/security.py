"""Security headers on every IdP response (RFC 9700 §4.16 clickjacking; OWASP ASVS V14.4)."""
from __future__ import annotations

from flask import Flask, request

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


#: on every response (a view may set its own first): :func:`secure`
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Codes and tokens travel in URLs: never leak them to other sites in Referer.
    "Referrer-Policy": "no-referrer",
}


def secure(response):
    """``response`` with :data:`HEADERS` (those it has not set itself).  Flask's responses get
    them after the request; the token endpoint, which answers in front of Flask
    (idp/protocol/token_endpoint.py), calls this itself."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def install_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        secure(response)
        if request.endpoint and request.endpoint.startswith(("flows.", "protocol.authorize")):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
