"""The user's part of an interop flow: a client library builds the authorization URL, this
plays the browser on the B2C Lab pages (``FlowClient``, plain HTTP) and hands back what the
IdP sent to the redirect URI, without following it there (the library, not the sample app,
redeems the code).
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

import requests

from tests.e2e.flowclient import FlowClient


class StopAtRedirectUri(requests.Session):
    """A session that follows redirects except the one to ``redirect_uri``, which it keeps."""

    def __init__(self, redirect_uri: str) -> None:
        super().__init__()
        self.redirect_uri = redirect_uri
        self.callback_url: str | None = None

    def get_redirect_target(self, resp):
        target = super().get_redirect_target(resp)
        if target:
            absolute = urljoin(resp.url, target)
            if absolute.split("?", 1)[0].split("#", 1)[0] == self.redirect_uri:
                self.callback_url = absolute
                return None
        return target


@dataclass
class AuthResponse:
    """What reached the app: the callback URL (query/fragment modes) and its parameters."""
    url: str | None
    params: dict[str, str]


def sign_in(base_url: str, authorization_url: str, redirect_uri: str, email: str,
            password: str) -> AuthResponse:
    """Open ``authorization_url`` in a fresh browser (no SSO), sign in, and return the
    authorization response (query, fragment or form_post).

    :raise AssertionError: when the flow does not end at ``redirect_uri``.
    """
    session = StopAtRedirectUri(redirect_uri)
    client = FlowClient(base_url, session)
    page = client.get(authorization_url)
    page = client.submit(page, "localAccountForm", "continue", signInName=email,
                         password=password)
    if session.callback_url:
        parts = urlsplit(session.callback_url)
        return AuthResponse(session.callback_url, dict(parse_qsl(parts.fragment or parts.query)))
    for form in page.forms:  # response_mode=form_post: the page that posts to the app
        if form.action == redirect_uri and form.method == "post":
            return AuthResponse(None, dict(form.fields))
    raise AssertionError(f"the flow did not return to {redirect_uri}; it ended on {page.url} "
                         f"(HTTP {page.response.status_code}):\n{page.text[:2000]}")


def jwt_claims(token: str) -> dict:
    """The payload of a JWT, unverified (for assertions on what a library already checked)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
