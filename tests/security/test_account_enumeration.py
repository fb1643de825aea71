"""ASVS V2.2 / V3.x: a sign-in with an account that does not exist must not answer faster than
one with a wrong password, or the timing tells which e-mail addresses have accounts.

Counted, not timed: each attempt must run exactly one bcrypt check at the configured cost.
"""
from __future__ import annotations

import html

import bcrypt
import pytest

import idp.store.hashing as hashing


@pytest.fixture
def checks(monkeypatch):
    """The cost (rounds) of every bcrypt check made."""
    made: list[int] = []
    real = bcrypt.checkpw

    def counting(password, hashed):
        made.append(int(hashed.split(b"$")[2]))
        return real(password, hashed)

    monkeypatch.setattr(hashing.bcrypt, "checkpw", counting)
    return made


@pytest.mark.parametrize("who, message", [
    ("someone@example.com", "Your password is incorrect."),
    ("nobody@example.com", "We can't seem to find your account."),
])
def test_unknown_and_known_accounts_cost_the_same_bcrypt_check(flow, app, checks, who, message):
    flow.authorize(flow.rp()["client_id"], flow.rp()["redirect_uri"])
    flow.sign_up("someone@example.com")
    flow.authorize(flow.rp()["client_id"], flow.rp()["redirect_uri"], prompt="login")
    checks.clear()
    page = flow.sign_in(who, "Wrong-passw0rd")
    assert message in html.unescape(page.get_data(as_text=True))
    assert checks == [app.config["IDP_BCRYPT_ROUNDS"]]


def test_a_password_longer_than_bcrypt_takes_still_costs_a_check(app, checks):
    with app.app_context():
        assert not hashing.check_password("x" * 100, hashing.hash_password("short-Passw0rd"))
    assert checks == [app.config["IDP_BCRYPT_ROUNDS"]]
