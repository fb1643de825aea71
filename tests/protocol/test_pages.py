"""The home page, the mailbox and the token viewer."""
from tests.factories import BASE, tenant_id


def test_home_shows_tenant_flows_and_apps(client, app):
    html = client.get("/").get_data(as_text=True)
    assert tenant_id(app) in html and "contoso.onmicrosoft.com" in html
    assert f"{BASE}/{tenant_id(app)}/v2.0/" in html
    assert "B2C_1_susi/v2.0/.well-known/openid-configuration" in html
    for name in ("rp-demo", "webapp1", f"{BASE}/rp/signin-oidc", f"{BASE}/jwt"):
        assert name in html
    for link in ("/rp/", "/jwt", "/mailbox", "/portal/"):
        assert f'href="{BASE}{link}"' in html or f'href="{link}' in html


def test_mailbox_json_is_newest_first_and_filters(client, flow):
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    flow.follow_link("createAccount")
    for address in ("one@example.com", "two@example.com", "One@Example.com"):
        flow.submit("attributeVerificationForm", "send_code", email=address)
    mails = client.get("/mailbox/messages.json?to=ONE@example.com").get_json()
    assert len(mails) == 2 and mails[0]["id"] > mails[1]["id"]
    assert all(len(m["code"]) == 6 and m["code"] in m["body"] for m in mails)
    assert "one@example.com" in client.get("/mailbox/").get_data(as_text=True)


def test_viewer_checks_the_signature(client, flow):
    body = flow.code_flow("viewer@example.com")
    html = client.post("/jwt", data={"token": body["id_token"]}).get_data(as_text=True)
    assert "signature valid" in html and "viewer@example.com" in html
    header, payload, signature = body["id_token"].split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}AAAA"
    assert "signature invalid" in client.post("/jwt", data={"token": tampered}).get_data(as_text=True)
    assert "not a JWT" in client.post("/jwt", data={"token": "abc"}).get_data(as_text=True)


def test_viewer_explains_a_code(client):
    html = client.get("/jwt?code=abc").get_data(as_text=True)
    assert "An authorization code arrived, not a token" in html


def test_viewer_still_checks_tokens_when_a_policy_key_cannot_be_opened(client, app, flow):
    """A container sealed under another SECRET_KEY (an instance folder copied without its
    key) must not turn the viewer into a 500: its tokens are "key unknown", others still
    verify."""
    from idp.extensions import db
    from idp.models import PolicyKey

    with app.app_context():
        db.session.add(PolicyKey(name="B2C_1A_Broken", name_key="b2c_1a_broken",
                                 key_usage="sig", key_type="RSA", kid="broken-kid",
                                 material_encrypted="not-a-fernet-token"))
        db.session.commit()
    body = flow.code_flow("viewer-keys@example.com")
    response = client.post("/jwt", data={"token": body["id_token"]})
    assert response.status_code == 200
    assert "signature valid" in response.get_data(as_text=True)
