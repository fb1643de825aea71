"""The token endpoint: B2C's response shapes, client authentication, PKCE, code reuse and
refresh-token rotation (RFC 6749 §4.1.3, §5.2, §6; RFC 9700 §4.14; conformance
``oidcc-codereuse``, ``oidcc-refresh-token``, ``oidcc-server-client-secret-post``)."""
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.factories import BASE, TENANT, make_app_registration, pkce_pair, tenant_id


def decode(client, token):
    keys = client.get(f"/{TENANT}/B2C_1_susi/discovery/v2.0/keys").get_json()
    return jwt.decode(token, KeySet.import_key_set(keys))


def start(flow, email="jane@example.com", sign_up=True, **params):
    """Authorize as rp-demo with PKCE and sign up; returns (rp, code, verifier)."""
    rp = flow.rp()
    verifier, challenge = pkce_pair()
    flow.authorize(rp["client_id"], rp["redirect_uri"], code_challenge=challenge,
                   code_challenge_method="S256", **params)
    (flow.sign_up if sign_up else flow.sign_in)(email)
    return rp, flow.redirect_params()["code"], verifier


def redeem(flow, rp, code, verifier, **extra):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": rp["redirect_uri"],
            "code_verifier": verifier, **extra}
    return flow.token({k: v for k, v in data.items() if v is not None},
                      auth=(rp["client_id"], rp["secret"]))


def test_code_flow_returns_b2c_shaped_tokens(client, app, flow):
    rp, code, verifier = start(flow)
    body = redeem(flow, rp, code, verifier).get_json()
    assert "access_token" not in body  # openid alone: no access token (b2c-reference §3.5)
    assert list(body) == ["id_token", "token_type", "not_before", "id_token_expires_in",
                          "profile_info", "scope", "refresh_token", "refresh_token_expires_in"]
    token = decode(client, body["id_token"])
    assert token.header == {"typ": "JWT", "alg": "RS256", "kid": token.header["kid"]}
    claims = token.claims
    assert claims["iss"] == f"{BASE}/{tenant_id(app)}/v2.0/"
    assert claims["aud"] == rp["client_id"] and claims["nonce"] == "n-456"
    assert claims["sub"] == claims["oid"] and claims["ver"] == "1.0"
    assert claims["emails"] == ["jane@example.com"] and claims["newUser"] is True
    assert claims["name"] == "Jane Doe" and claims["given_name"] == "Jane"
    assert claims["family_name"] == "Doe" and claims["tfp"] == "B2C_1_susi"
    assert "idp" not in claims  # local accounts carry no idp claim
    assert claims["exp"] - claims["iat"] == 3600 and claims["nbf"] == claims["iat"]


def test_client_id_scope_gives_an_access_token_for_the_app(client, flow):
    rp = flow.rp()
    rp_scope = f"openid offline_access {rp['client_id']}"
    rp2, code, verifier = start(flow, scope=rp_scope)
    body = redeem(flow, rp2, code, verifier).get_json()
    access = decode(client, body["access_token"]).claims
    assert access["aud"] == rp["client_id"] and access["azp"] == rp["client_id"]
    assert body["resource"] == rp["client_id"] and body["expires_in"] == 3600
    assert body["expires_on"] == body["not_before"] + 3600


def test_client_secret_post_is_accepted(flow):
    rp, code, verifier = start(flow)
    response = flow.token({"grant_type": "authorization_code", "code": code,
                           "redirect_uri": rp["redirect_uri"], "code_verifier": verifier,
                           "client_id": rp["client_id"], "client_secret": rp["secret"]})
    assert response.status_code == 200


@pytest.mark.parametrize("auth,code", [
    ("missing", "AADB2C90079"), ("wrong", "AADB2C90081"),
])
def test_confidential_client_must_authenticate(flow, auth, code):
    rp, grant, verifier = start(flow)
    data = {"grant_type": "authorization_code", "code": grant,
            "redirect_uri": rp["redirect_uri"], "code_verifier": verifier,
            "client_id": rp["client_id"]}
    if auth == "wrong":
        data["client_secret"] = "not-the-secret"
    response = flow.token(data)
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"
    assert response.get_json()["error_description"].startswith(code)
    assert "Correlation ID:" in response.get_json()["error_description"]


def test_code_reuse_fails_and_revokes_what_it_issued(flow):
    rp, code, verifier = start(flow)
    first = redeem(flow, rp, code, verifier).get_json()
    again = redeem(flow, rp, code, verifier)
    assert again.status_code == 400 and again.get_json()["error"] == "invalid_grant"
    refreshed = flow.token({"grant_type": "refresh_token",
                            "refresh_token": first["refresh_token"]},
                           auth=(rp["client_id"], rp["secret"]))
    assert refreshed.status_code == 400
    assert refreshed.get_json()["error_description"].startswith("AADB2C90129")


@pytest.mark.parametrize("verifier,code", [("wrong-" + "v" * 40, "AADB2C90182"),
                                           (None, "AADB2C90083")])
def test_pkce_is_verified(flow, verifier, code):
    rp, grant, _good = start(flow)
    response = redeem(flow, rp, grant, verifier)
    assert response.status_code == 400
    assert response.get_json()["error_description"].startswith(code)


def test_verifier_without_challenge_is_refused(flow):
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    flow.sign_up("nopkce@example.com")
    code = flow.redirect_params()["code"]
    response = redeem(flow, rp, code, "v" * 43)
    assert response.get_json()["error"] == "invalid_grant"


def test_redirect_uri_must_match_the_code(flow):
    rp, code, verifier = start(flow)
    response = redeem(flow, rp, code, verifier, redirect_uri="https://other.example/")
    assert response.get_json()["error"] == "invalid_grant"


def test_code_of_another_client_is_refused(flow, app):
    rp, code, verifier = start(flow)
    other = make_app_registration(app, name="other")
    response = flow.token({"grant_type": "authorization_code", "code": code,
                           "redirect_uri": rp["redirect_uri"], "code_verifier": verifier},
                          auth=(other["client_id"], other["secret"]))
    assert response.get_json()["error_description"].startswith("AADB2C90011")


def test_refresh_rotates_and_reuse_revokes_the_family(client, flow):
    rp, code, verifier = start(flow)
    first = redeem(flow, rp, code, verifier).get_json()
    auth = (rp["client_id"], rp["secret"])
    second = flow.token({"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
                        auth=auth).get_json()
    assert second["refresh_token"] != first["refresh_token"]
    refreshed = decode(client, second["id_token"]).claims
    original = decode(client, first["id_token"]).claims
    assert refreshed["auth_time"] == original["auth_time"] and "nonce" not in refreshed
    reuse = flow.token({"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
                       auth=auth)
    assert reuse.get_json()["error_description"].startswith("AADB2C90129")
    # the whole family is gone, including the token issued by the legitimate rotation
    latest = flow.token({"grant_type": "refresh_token", "refresh_token": second["refresh_token"]},
                        auth=auth)
    assert latest.get_json()["error_description"].startswith("AADB2C90129")


def test_refresh_at_another_policy_is_refused(flow, app):
    from idp.extensions import db
    from idp.models import UserFlow
    from idp.seed import SUSI_CONFIG
    with app.app_context():
        db.session.add(UserFlow(name="B2C_1_other", name_key="b2c_1_other",
                                flow_type="signUpOrSignIn", config=SUSI_CONFIG))
        db.session.commit()
    rp, code, verifier = start(flow)
    body = redeem(flow, rp, code, verifier).get_json()
    response = flow.token({"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
                          auth=(rp["client_id"], rp["secret"]), policy="B2C_1_other")
    assert response.get_json()["error_description"].startswith("AADB2C90088")


@pytest.mark.parametrize("data,error,code", [
    ({}, "invalid_request", "AADB2C90083"),
    ({"grant_type": "password"}, "unsupported_grant_type", "AADB2C90086"),
    ({"grant_type": "authorization_code", "code": "nope", "redirect_uri": "x"},
     "invalid_grant", "AADB2C90090"),
])
def test_bad_token_requests(flow, data, error, code):
    rp = flow.rp()
    response = flow.token(data, auth=(rp["client_id"], rp["secret"]))
    body = response.get_json()
    assert response.status_code == 400
    assert body["error"] == error and body["error_description"].startswith(code)
    assert response.headers["Cache-Control"] == "no-store"


def test_client_credentials(client, flow):
    rp = flow.rp()
    response = flow.token({"grant_type": "client_credentials",
                           "scope": f"{rp['client_id']}/.default"},
                          auth=(rp["client_id"], rp["secret"]))
    body = response.get_json()
    assert response.status_code == 200 and body["resource"] == rp["client_id"]
    claims = decode(client, body["access_token"]).claims
    assert claims["azp"] == rp["client_id"] and claims["aud"] == rp["client_id"]
    bad = flow.token({"grant_type": "client_credentials", "scope": "openid"},
                     auth=(rp["client_id"], rp["secret"]))
    assert bad.get_json()["error"] == "invalid_scope"


def test_public_client_must_not_send_a_secret(flow, app):
    spa = make_app_registration(app, name="spa2", platform="spa",
                                redirect_uris=["http://localhost:3000/"])
    response = flow.token({"grant_type": "authorization_code", "code": "x",
                           "redirect_uri": "http://localhost:3000/",
                           "client_id": spa["client_id"], "client_secret": "something"})
    assert response.get_json()["error_description"].startswith("AADB2C90084")


def spa_sign_up(app, flow, name: str, email: str):
    """A SPA's code flow with PKCE and no secret: (the registration, the token response)."""
    spa = make_app_registration(app, name=name, platform="spa",
                                redirect_uris=["http://localhost:3000/"])
    verifier, challenge = pkce_pair()
    flow.authorize(spa["client_id"], spa["redirect_uri"], code_challenge=challenge,
                   code_challenge_method="S256")
    flow.sign_up(email)
    code = flow.redirect_params()["code"]
    return spa, flow.token({"grant_type": "authorization_code", "code": code,
                            "redirect_uri": spa["redirect_uri"], "code_verifier": verifier,
                            "client_id": spa["client_id"]})


def test_spa_code_flow_with_pkce_and_no_secret(client, app, flow):
    _, response = spa_sign_up(app, flow, "spa3", "spa@example.com")
    assert response.status_code == 200 and "id_token" in response.get_json()


def _spa_refresh_row(app, value):
    from idp.extensions import db
    from idp.models import RefreshToken
    from idp.store.hashing import token_digest
    with app.app_context():
        return db.session.execute(db.select(RefreshToken).filter_by(
            token_hash=token_digest(value))).scalar_one()


def test_a_spa_gets_a_24_hour_refresh_token_its_successors_keep(client, app, flow):
    """b2c-reference §4.2: whatever the flow's refresh token lifetime (14 days by default)."""
    import datetime as dt

    from idp.extensions import db
    from idp.models import RefreshToken
    from idp.models._base import utcnow
    spa, response = spa_sign_up(app, flow, "spa24", "spa24@example.com")
    first = response.get_json()
    assert first["refresh_token_expires_in"] == 86400
    row = _spa_refresh_row(app, first["refresh_token"])
    assert abs((row.expires_at - utcnow()) - dt.timedelta(hours=24)) < dt.timedelta(minutes=1)
    assert row.family_expires_at == row.expires_at

    with app.app_context():  # 20 hours later
        db.session.execute(db.update(RefreshToken).where(RefreshToken.id == row.id).values(
            expires_at=row.expires_at - dt.timedelta(hours=20),
            family_expires_at=row.family_expires_at - dt.timedelta(hours=20)))
        db.session.commit()
    second = flow.token({"grant_type": "refresh_token", "refresh_token": first["refresh_token"],
                         "client_id": spa["client_id"]}).get_json()
    assert 4 * 3600 - 60 <= second["refresh_token_expires_in"] <= 4 * 3600
    successor = _spa_refresh_row(app, second["refresh_token"])
    assert successor.expires_at == successor.family_expires_at
    assert abs((successor.expires_at - utcnow()) - dt.timedelta(hours=4)) < dt.timedelta(minutes=1)


def test_a_web_app_keeps_the_flows_refresh_token_lifetime(client, app, flow):
    web = make_app_registration(app, name="web14")
    flow.authorize(web["client_id"], web["redirect_uri"])
    flow.sign_up("web14@example.com")
    body = flow.token({"grant_type": "authorization_code", "code": flow.redirect_params()["code"],
                       "redirect_uri": web["redirect_uri"]},
                      auth=(web["client_id"], web["secret"])).get_json()
    assert body["refresh_token_expires_in"] == 14 * 86400


def test_implicit_id_token_to_the_viewer(client, app, flow):
    from idp.extensions import db
    from idp.models import AppRegistration
    with app.app_context():
        webapp1 = db.session.execute(db.select(AppRegistration).filter_by(name="webapp1")).scalar_one()
        client_id = webapp1.client_id
    flow.authorize(client_id, f"{BASE}/jwt", response_type="id_token", scope="openid",
                   nonce="defaultNonce", prompt="login", state=None)
    flow.sign_up("implicit@example.com")
    params = flow.redirect_params()
    claims = decode(client, params["id_token"]).claims
    assert claims["nonce"] == "defaultNonce" and claims["aud"] == client_id
    assert "c_hash" not in claims and "code" not in params


def test_hybrid_code_id_token_carries_c_hash(client, app, flow):
    from idp.extensions import db
    from idp.models import AppRegistration
    with app.app_context():
        reg = db.session.execute(db.select(AppRegistration).filter_by(name="webapp1")).scalar_one()
        client_id = reg.client_id
    flow.authorize(client_id, f"{BASE}/jwt", response_type="code id_token", scope="openid")
    flow.sign_up("hybrid@example.com")
    params = flow.redirect_params()
    from authlib.oidc.core.util import create_half_hash
    claims = decode(client, params["id_token"]).claims
    assert claims["c_hash"] == create_half_hash(params["code"], "RS256").decode()


def test_form_post_response_mode(flow):
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"], response_mode="form_post", state="fp")
    response = flow.sign_up("formpost@example.com")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'action="{rp["redirect_uri"]}"' in html
    assert 'name="code"' in html and 'name="state" value="fp"' in html
    assert response.headers["Cache-Control"] == "no-store"
