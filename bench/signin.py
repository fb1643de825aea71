"""The full sign-in flow over HTTP, from a few client threads, and the limit bcrypt sets.

One sign-in is what a web app and a browser do together, with a new cookie jar each time (so
no single sign-on helps):

1. ``GET …/oauth2/v2.0/authorize`` (code flow, PKCE S256, ``openid offline_access``): the
   unified sign-in page;
2. ``POST`` the page's form with the e-mail and password (bcrypt check at the server's cost):
   a redirect to the app with ``code``;
3. ``POST …/oauth2/v2.0/token`` with the code and the verifier (HTTP Basic as rp-demo): an
   id_token and a refresh token.

The limit: a password check is CPU-bound and releases the GIL, so one machine can do at most
``cores / check time`` of them per second, whatever the rest of the server does.
"""
from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote_plus, urljoin, urlsplit

import bcrypt
import requests

FORM = re.compile(r'<form id="localAccountForm" action="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="(csrf_token|step)" value="([^"]*)"')


def bcrypt_check_seconds(cost: int, runs: int = 7) -> float:
    """Median time of ``bcrypt.checkpw`` at ``cost`` in this process (one core)."""
    hashed = bcrypt.hashpw(b"Bench-Passw0rd!", bcrypt.gensalt(rounds=cost))
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        bcrypt.checkpw(b"Bench-Passw0rd!", hashed)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


@dataclass
class SignInRun:
    done: int = 0
    failed: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float | None:
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


class SignInClient:
    """Signs in as rp-demo through ``policy_base`` (``{base}/{tenant}/{policy}``)."""

    def __init__(self, base: str, policy_base: str, client: dict, redirect_uri: str) -> None:
        self.base, self.policy_base = base, policy_base
        self.client_id, self.secret = client["client_id"], client["client_secret"]
        self.redirect_uri = redirect_uri

    def sign_in(self, email: str, password: str) -> str:
        """One whole sign-in; returns the refresh token it ended with.

        :raise RuntimeError: with what went wrong at which step.
        """
        http = requests.Session()
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(
            hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
        page = http.get(f"{self.policy_base}/oauth2/v2.0/authorize", timeout=30, params={
            "client_id": self.client_id, "redirect_uri": self.redirect_uri,
            "response_type": "code", "scope": "openid offline_access",
            "state": secrets.token_urlsafe(8), "nonce": secrets.token_urlsafe(8),
            "code_challenge": challenge, "code_challenge_method": "S256"})
        form = FORM.search(page.text)
        if page.status_code != 200 or form is None:
            raise RuntimeError(f"authorize: {page.status_code} {page.text[:200]!r}")
        data = dict(HIDDEN.findall(page.text))
        data.update(signInName=email, password=password, action="continue")
        answer = http.post(urljoin(page.url, html.unescape(form.group(1))), data=data,
                           allow_redirects=False, timeout=30)
        location = answer.headers.get("Location", "")
        if answer.status_code not in (302, 303) or not location.startswith(self.redirect_uri):
            raise RuntimeError(f"sign-in page: {answer.status_code} "
                               f"{location or answer.text[:200]!r}")
        code = parse_qs(urlsplit(location).query).get("code", [""])[0]
        token = http.post(f"{self.policy_base}/oauth2/v2.0/token", timeout=30, data={
            "grant_type": "authorization_code", "code": code,
            "redirect_uri": self.redirect_uri, "code_verifier": verifier},
            auth=(quote_plus(self.client_id), quote_plus(self.secret)))
        body = token.json() if token.headers.get("Content-Type", "").startswith(
            "application/json") else {}
        if token.status_code != 200 or "id_token" not in body:
            raise RuntimeError(f"token: {token.status_code} {token.text[:200]!r}")
        return body.get("refresh_token", "")


def run_sign_ins(client: SignInClient, emails: list[str], password: str, *, total: int,
                 threads: int, time_limit: float) -> SignInRun:
    """``total`` sign-ins from ``threads`` threads, round-robin over ``emails``; stops early
    after ``time_limit`` seconds."""
    result = SignInRun()
    lock = threading.Lock()
    counter = iter(range(total))
    deadline = time.perf_counter() + time_limit

    def worker() -> None:
        while time.perf_counter() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            started = time.perf_counter()
            try:
                client.sign_in(emails[n % len(emails)], password)
            except (RuntimeError, requests.RequestException, ValueError) as problem:
                with lock:
                    result.failed += 1
                    if len(result.errors) < 5:
                        result.errors.append(str(problem)[:300])
                continue
            with lock:
                result.done += 1
                result.latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result
