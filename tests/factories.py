"""Test helpers: reading the seeded tenant, making app registrations, and a driver that walks
the user-flow pages like a browser (forms, hidden fields, CSRF token) over the test client."""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

from idp.extensions import db
from idp.models import AppRegistration, ClientSecret, Tenant
from idp.store.hashing import token_digest

BASE = "http://localhost:5000"
TENANT = "contoso.onmicrosoft.com"
POLICY = "B2C_1_susi"
PASSWORD = "Passw0rd!lab"


def policy_url(path: str, policy: str = POLICY) -> str:
    return f"/{TENANT}/{policy}/{path}"


def make_app_registration(app, **overrides) -> dict:
    """Create an app registration; returns its client id and (for web apps) a secret."""
    secret = secrets.token_urlsafe(30)
    with app.app_context():
        reg = AppRegistration(name=overrides.pop("name", "test-app"),
                              redirect_uris=overrides.pop("redirect_uris",
                                                          ["https://app.example/callback"]),
                              **overrides)
        if reg.platform in (None, "web"):
            reg.secrets.append(ClientSecret(description="test", secret_hash=token_digest(secret),
                                            hint=secret[:3]))
        db.session.add(reg)
        db.session.commit()
        return {"client_id": reg.client_id, "secret": secret,
                "redirect_uri": reg.redirect_uris[0] if reg.redirect_uris else None}


def tenant_id(app) -> str:
    with app.app_context():
        return db.session.execute(db.select(Tenant)).scalar_one().tenant_id


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.decode().rstrip("=")


class _Forms(HTMLParser):
    """Collects forms (action, inputs) and links by id from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict] = {}
        self.links: dict[str, str] = {}
        self.ids: set[str] = set()
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "form":
            self._form = {"action": a.get("action", ""), "fields": {}, "method": a.get("method")}
            self.forms[a.get("id", "")] = self._form
        elif tag == "input" and self._form is not None and a.get("name"):
            self._form["fields"][a["name"]] = a.get("value") or ""
        elif tag == "a" and a.get("id"):
            self.links[a["id"]] = a.get("href", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def parse(html: str) -> _Forms:
    parser = _Forms()
    parser.feed(html)
    return parser


@dataclass
class FlowDriver:
    """Walks a user flow the way a browser would, over Flask's test client."""

    client: object
    app: object
    page: object = None
    last: object = None
    history: list = field(default_factory=list)

    def rp(self) -> dict:
        with self.app.app_context():
            reg = db.session.execute(db.select(AppRegistration).filter_by(name="rp-demo")).scalar_one()
        creds = json.loads((__import__("pathlib").Path(self.app.instance_path)
                            / "rp_demo_client.json").read_text())
        return {"client_id": reg.client_id, "secret": creds["client_secret"],
                "redirect_uri": f"{BASE}/rp/signin-oidc"}

    def authorize(self, client_id: str, redirect_uri: str, policy: str = POLICY, **params):
        query = {"client_id": client_id, "redirect_uri": redirect_uri, "response_type": "code",
                 "scope": "openid offline_access", "state": "st-123", "nonce": "n-456", **params}
        query = {k: v for k, v in query.items() if v is not None}
        return self.get(policy_url("oauth2/v2.0/authorize", policy) + "?" + urlencode(query))

    def get(self, url: str):
        self.last = self.client.get(url)
        if self.last.status_code == 200 and self.last.mimetype == "text/html":
            self.page = parse(self.last.get_data(as_text=True))
        elif self.last.status_code == 303 and "/api/step" in self.last.location:
            return self.get(self.last.location)
        return self.last

    @property
    def text(self) -> str:
        return self.last.get_data(as_text=True)

    def submit(self, form_id: str, action: str = "continue", **fields):
        form = self.page.forms[form_id]
        data = {**form["fields"], **fields, "action": action}
        self.last = self.client.post(form["action"], data=data)
        if self.last.status_code == 200 and self.last.mimetype == "text/html":
            self.page = parse(self.last.get_data(as_text=True))
        elif self.last.status_code == 303 and "/api/step" in self.last.location:
            self.get(self.last.location)
        return self.last

    def follow_link(self, link_id: str):
        return self.get(self.page.links[link_id].replace("&amp;", "&"))

    def mailbox_code(self, email: str) -> str:
        messages = self.client.get(f"/mailbox/messages.json?to={email}").get_json()
        return messages[0]["code"]

    def sign_up(self, email: str, password: str = PASSWORD, display_name: str = "Jane Doe",
                given_name: str = "Jane", surname: str = "Doe"):
        """From the unified page: Sign up now, verify the e-mail, create the account."""
        self.follow_link("createAccount")
        form = "attributeVerificationForm"
        self.submit(form, "send_code", email=email)
        self.submit(form, "verify_code", email=email, verificationCode=self.mailbox_code(email))
        return self.submit(form, "continue", newPassword=password, reenterPassword=password,
                           displayName=display_name, givenName=given_name, surname=surname)

    def sign_in(self, email: str, password: str = PASSWORD):
        return self.submit("localAccountForm", signInName=email, password=password)

    def redirect_params(self, response=None) -> dict:
        """The parameters the IdP sent to the app (query or fragment of the redirect)."""
        response = response or self.last
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
        parts = urlsplit(response.location)
        raw = parts.fragment or parts.query
        return {k: v[0] for k, v in parse_qs(raw).items()}

    def token(self, data: dict, auth: tuple[str, str] | None = None, policy: str = POLICY):
        headers = {}
        if auth:
            raw = f"{auth[0]}:{auth[1]}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(raw).decode()
        return self.client.post(policy_url("oauth2/v2.0/token", policy), data=data,
                                headers=headers)

    def code_flow(self, email: str, *, sign_up: bool = True, **params) -> dict:
        """Authorize as rp-demo, sign up (or in), redeem the code; returns the token body."""
        rp = self.rp()
        verifier, challenge = pkce_pair()
        self.authorize(rp["client_id"], rp["redirect_uri"], code_challenge=challenge,
                       code_challenge_method="S256", **params)
        (self.sign_up if sign_up else self.sign_in)(email)
        code = self.redirect_params()["code"]
        response = self.token({"grant_type": "authorization_code", "code": code,
                               "redirect_uri": rp["redirect_uri"], "code_verifier": verifier},
                              auth=(rp["client_id"], rp["secret"]))
        assert response.status_code == 200, response.get_json()
        return response.get_json()
