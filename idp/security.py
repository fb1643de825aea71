"""Security headers on every IdP response (RFC 9700 §4.16 clickjacking; OWASP ASVS V14.4)."""
from __future__ import annotations

from flask import Flask, request

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


def install_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # Codes and tokens travel in URLs: never leak them to other sites in Referer.
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if request.endpoint and request.endpoint.startswith(("flows.", "protocol.authorize")):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
