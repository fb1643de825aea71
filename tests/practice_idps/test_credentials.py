"""The practice providers keep no state in memory: two app instances on the same instance
folder (two workers, or a restart) share credentials, signing key and the used-code register,
and a code issued by one is redeemed by the other."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.test import Client

from practice_idps import credentials, grants
from practice_idps.mount import practice_apps, reply_url
from tests.practice_idps.driver import hidden_fields

BASE = "http://localhost:5000"
REPLY = reply_url(BASE, "contoso")


def two_instances(folder):
    """Two instances of both providers on one instance folder, each behind its own
    dispatcher as app.py mounts them (a test client each; cookies are scoped to the mount)."""
    return [Client(DispatcherMiddleware(NotFound(), practice_apps(
        public_url=BASE, tenant="contoso", instance_path=folder, extra_redirect_uris=[])))
        for _ in range(2)]


def app_json(client: Client, kind: str) -> dict:
    return client.get(f"/practice/{kind}/developers/app.json").json


def sign_in_page(client: Client, kind: str):
    path = "/dialog/oauth" if kind == "facebook" else "/o/oauth2/v2/auth"
    return client.get(f"/practice/{kind}{path}", query_string={
        "client_id": app_json(client, kind)["client_id"], "redirect_uri": REPLY,
        "response_type": "code", "scope": "openid email profile", "state": "s",
        "nonce": "n-1"})


def code_from(client: Client, kind: str, persona: str = "1") -> str:
    """Sign in through ``client``; returns the code sent to the reply URL."""
    page = sign_in_page(client, kind)
    consent = client.post(f"/practice/{kind}/signin",
                          data={**hidden_fields(page.text), "persona": persona})
    answer = client.post(f"/practice/{kind}/consent",
                         data={**hidden_fields(consent.text), "action": "allow"})
    assert answer.status_code == 303, answer.text
    return answer.location.split("code=")[1].split("&")[0]


def test_credentials_and_keys_are_the_same_in_a_second_instance(tmp_path):
    first, second = two_instances(tmp_path)
    for kind in ("facebook", "google"):
        assert app_json(first, kind) == app_json(second, kind)
        assert app_json(first, kind)["redirect_uris"] == [REPLY]
    jwks = [client.get("/practice/google/oauth2/v3/certs").json for client in (first, second)]
    assert jwks[0] == jwks[1] and jwks[0]["keys"]
    elsewhere = two_instances(tmp_path / "other")[0]
    for kind in ("facebook", "google"):
        assert app_json(elsewhere, kind)["client_id"] != app_json(first, kind)["client_id"]


def test_a_code_from_one_instance_is_redeemed_once_at_the_other(tmp_path):
    first, second = two_instances(tmp_path)
    code = code_from(first, "google", "2")
    creds = app_json(first, "google")
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REPLY,
            "client_id": creds["client_id"], "client_secret": creds["client_secret"]}
    token = second.post("/practice/google/token", data=data)
    assert token.status_code == 200, token.text
    # the first instance knows the code is spent: the register is on disk, not in memory
    assert first.post("/practice/google/token", data=data).json["error"] == "invalid_grant"
    info = first.get("/practice/google/v1/userinfo",
                     headers={"Authorization": f"Bearer {token.json['access_token']}"})
    assert info.json["name"] == "Chen Wei"


def test_the_sign_in_pages_may_be_served_by_different_instances(tmp_path):
    first, second = two_instances(tmp_path)
    page = sign_in_page(first, "facebook")
    cookie = first.get_cookie("practice_facebook_session", path="/practice/facebook")
    assert cookie is not None
    second.set_cookie(cookie.key, cookie.value, path="/practice/facebook")
    consent = second.post("/practice/facebook/signin",
                          data={**hidden_fields(page.text), "persona": "1"})
    assert consent.status_code == 200 and 'id="allow"' in consent.text
    answer = first.post("/practice/facebook/consent",
                        data={**hidden_fields(consent.text), "action": "allow"})
    assert answer.status_code == 303 and "code=" in answer.location


def test_first_start_races_agree_on_one_secret(tmp_path):
    barrier = threading.Barrier(8)

    def start(_):
        barrier.wait()
        return credentials.secret_key(tmp_path)
    with ThreadPoolExecutor(8) as pool:
        assert len(set(pool.map(start, range(8)))) == 1
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".new-")]


def test_codes_expire(tmp_path, monkeypatch):
    register = grants.Grants("secret", tmp_path, 60)
    code = register.issue_code({"client_id": "c"})
    monkeypatch.setattr(grants, "CODE_LIFETIME", -1)
    try:
        register.read_code(code)
    except grants.GrantError as exc:
        assert exc.reason == "expired"
    else:
        raise AssertionError("an expired code was accepted")
