"""Drives a practice provider over HTTP with ``requests``, as a browser and as B2C's runtime
would: the authorize request, the sign-in and consent forms (CSRF token and hidden fields
included), then the answer sent to the reply URL, which is read, not followed (the reply URL
belongs to B2C Lab's runtime)."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import parse_qs, urlsplit

import requests

from practice_idps.personas import SEEDED

TENANT = "contoso"
AUTHORIZE = {"facebook": "/dialog/oauth", "google": "/o/oauth2/v2/auth"}
SCOPES = {"facebook": "email public_profile", "google": "openid profile email"}


def hidden_fields(html: str) -> dict:
    """The hidden inputs of a page (name -> value)."""
    fields = {}
    for tag in re.findall(r"<input[^>]*type=\"hidden\"[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = unescape(value.group(1)) if value else ""
    return fields


@dataclass
class PracticeDriver:
    base: str
    kind: str
    http: requests.Session = field(default_factory=requests.Session)

    @property
    def personas(self):
        return SEEDED[self.kind]

    @property
    def root(self) -> str:
        return f"{self.base}/practice/{self.kind}"

    @property
    def reply_url(self) -> str:
        return f"{self.base}/{TENANT}.onmicrosoft.com/oauth2/authresp"

    def app(self) -> dict:
        return requests.get(f"{self.root}/developers/app.json", timeout=10).json()

    def authorize(self, **overrides) -> requests.Response:
        """GET the authorize endpoint with the provider's app and B2C's reply URL."""
        params = {"client_id": self.app()["client_id"], "redirect_uri": self.reply_url,
                  "response_type": "code", "scope": SCOPES[self.kind],
                  "state": secrets.token_urlsafe(8)}
        if self.kind == "google":
            params["nonce"] = secrets.token_urlsafe(8)
        params.update(overrides)
        params = {key: value for key, value in params.items() if value is not None}
        response = self.http.get(self.root + AUTHORIZE[self.kind], params=params,
                                 allow_redirects=False, timeout=10)
        response.sent = params
        return response

    def choose(self, page: requests.Response, persona: str = "1", lesson: str = "",
               **typed) -> requests.Response:
        """Submit the sign-in page: a persona number or ``new`` (with ``typed`` fields)."""
        assert page.status_code == 200, page.text[:500]
        data = {**hidden_fields(page.text), "persona": persona, "lesson": lesson, **typed}
        response = self.http.post(f"{self.root}/signin", data=data, allow_redirects=False,
                                  timeout=10)
        response.sent = page.sent
        return response

    def consent(self, page: requests.Response, action: str = "allow") -> requests.Response:
        assert page.status_code == 200, page.text[:500]
        data = {**hidden_fields(page.text), "action": action}
        response = self.http.post(f"{self.root}/consent", data=data, allow_redirects=False,
                                  timeout=10)
        response.sent = page.sent
        return response

    def sign_in(self, persona: str = "1", lesson: str = "", **params) -> tuple[dict, dict]:
        """The whole interaction, allowed: (answer at the reply URL, authorize params)."""
        start = self.authorize(**params)
        answer = self.consent(self.choose(start, persona, lesson))
        return answer_params(answer), start.sent

    def token(self, code: str, **overrides) -> requests.Response:
        app = self.app()
        data = {"client_id": app["client_id"], "client_secret": app["client_secret"],
                "redirect_uri": self.reply_url, "code": code}
        if self.kind == "google":
            data["grant_type"] = "authorization_code"
        data.update(overrides)
        data = {key: value for key, value in data.items() if value is not None}
        path = "/oauth/access_token" if self.kind == "facebook" else "/token"
        return requests.post(self.root + path, data=data, timeout=10)


def answer_params(response: requests.Response) -> dict:
    """What the provider sent to the reply URL: a 303 redirect's query or a form_post page's
    fields; fails unless it goes to B2C's reply URL."""
    if response.status_code == 303:
        location = urlsplit(response.headers["Location"])
        assert location.path.endswith("/oauth2/authresp"), response.headers["Location"]
        return {key: values[0] for key, values in parse_qs(location.query).items()}
    assert response.status_code == 200, response.text[:500]
    action = re.search(r'<form method="post" action="([^"]+)" id="form-post"', response.text)
    assert action and action.group(1).endswith("/oauth2/authresp"), response.text[:800]
    return hidden_fields(response.text)
