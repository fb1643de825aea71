"""Drive B2C Lab's user-flow pages over plain HTTP with ``requests`` (no browser).

The pages work without JavaScript: every step is an HTML form POST carrying ``csrf_token`` and
``step`` hidden inputs, and the submit button's ``name="action"`` value says what to do
(``continue``, ``send_code``, ``verify_code``, ...).  Links such as "Sign up now" are GETs.

    client = FlowClient(base_url)
    client.sign_up("ann@example.com", "Passw0rd!-x", display_name="Ann")
    page = client.sign_in("ann@example.com", "Passw0rd!-x")   # ends on /rp/claims
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

import requests

TIMEOUT = 10


@dataclass
class Form:
    id: str | None
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)  # inputs with a name (not buttons)
    buttons: list[tuple[str, str, str]] = field(default_factory=list)  # (id, name, value)


class _PageParser(HTMLParser):
    """Collects forms (with their named inputs and submit buttons), links by id, and the text
    of elements with given classes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: dict[str, str] = {}
        self._form: Form | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("id"), a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
        elif tag == "a" and a.get("id"):
            self.links[a["id"]] = a.get("href", "")
        elif self._form is not None and tag == "input" and a.get("name"):
            if a.get("type", "text").lower() in ("checkbox", "radio") and "checked" not in a:
                return
            self._form.fields[a["name"]] = a.get("value", "")
        elif self._form is not None and tag == "button":
            self._form.buttons.append((a.get("id", ""), a.get("name", ""), a.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


class Page:
    """A fetched HTML page: the response plus its parsed forms and links."""

    def __init__(self, response: requests.Response) -> None:
        self.response = response
        self.url = response.url
        self.text = response.text
        parser = _PageParser()
        parser.feed(response.text)
        self.forms = parser.forms
        self.links = parser.links

    def form(self, form_id: str) -> Form:
        for form in self.forms:
            if form.id == form_id:
                return form
        raise AssertionError(f"no form #{form_id} on {self.url} "
                             f"(status {self.response.status_code}):\n{self.text[:2000]}")

    def link(self, link_id: str) -> str:
        if link_id not in self.links:
            raise AssertionError(f"no link #{link_id} on {self.url}:\n{self.text[:2000]}")
        return urljoin(self.url, self.links[link_id])

    def __contains__(self, text: str) -> bool:
        return text in self.text


class FlowClient:
    """One browser-like client (its own cookie jar) of the B2C Lab pages and the sample app."""

    def __init__(self, base_url: str, session: requests.Session | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = session or requests.Session()

    # -- plumbing ---------------------------------------------------------------------------
    def get(self, url: str, **params) -> Page:
        response = self.http.get(urljoin(self.base_url + "/", url), params=params or None,
                                 timeout=TIMEOUT)
        return Page(response)

    def submit(self, page: Page, form_id: str, action: str = "continue", **values) -> Page:
        """POST form ``form_id`` of ``page`` as if its ``action`` button was clicked, with the
        page's hidden inputs (csrf_token, step) and ``values`` for the named fields."""
        form = page.form(form_id)
        data = {**form.fields, **values, "action": action}
        response = self.http.post(urljoin(page.url, form.action), data=data, timeout=TIMEOUT)
        return Page(response)

    # -- mailbox ----------------------------------------------------------------------------
    def latest_code(self, address: str) -> str:
        response = self.http.get(f"{self.base_url}/mailbox/messages.json",
                                 params={"to": address}, timeout=TIMEOUT)
        response.raise_for_status()
        messages = response.json()
        assert messages, f"no mail sent to {address}"
        return messages[0]["code"]

    # -- whole journeys through the sample app ----------------------------------------------
    def start_sign_in(self, prompt: str | None = None) -> Page:
        """GET /rp/signin and follow the redirects to the IdP's unified page."""
        return self.get("/rp/signin", **({"prompt": prompt} if prompt else {}))

    def sign_up(self, email: str, password: str, display_name: str = "Test User",
                given_name: str = "Test", surname: str = "User") -> Page:
        """Sign up through the sample app; returns the page it lands on (/rp/claims)."""
        page = self.start_sign_in()
        page = self.get(page.link("createAccount"))
        page = self.submit(page, "attributeVerificationForm", "send_code", email=email)
        assert "verificationCode" in page.form("attributeVerificationForm").fields, page.text
        page = self.submit(page, "attributeVerificationForm", "verify_code", email=email,
                           verificationCode=self.latest_code(email))
        assert "E-mail address verified" in page, page.text
        return self.submit(page, "attributeVerificationForm", "continue", email=email,
                           newPassword=password, reenterPassword=password,
                           displayName=display_name, givenName=given_name, surname=surname)

    def sign_in(self, email: str, password: str) -> Page:
        """Sign in through the sample app; returns the page it lands on (/rp/claims)."""
        page = self.start_sign_in()
        return self.submit(page, "localAccountForm", "continue",
                           signInName=email, password=password)
