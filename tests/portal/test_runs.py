"""The trace of every run: steps run or skipped and why, the claims bag, and the claims that
were collected but not returned, or returned but empty; the viewer links a token to its run."""
from idp.extensions import db
from idp.models import FlowTransaction, UserFlow


def _flow_with_collected_not_returned(app):
    with app.app_context():
        flow = db.session.execute(db.select(UserFlow).filter_by(name_key="b2c_1_susi")).scalar_one()
        flow.config = {**flow.config, "application_claims": ["emails", "objectId", "city"],
                       "user_attributes": [{"claim": "displayName"}]}
        db.session.commit()


def test_run_lists_steps_and_explains_the_claims(admin, client, app, flow):
    _flow_with_collected_not_returned(app)
    flow.code_flow("trace@example.com")
    with app.app_context():
        run_id = db.session.execute(db.select(FlowTransaction)).scalar_one().id
    listing = client.get("/portal/runs/").get_data(as_text=True)
    assert run_id in listing and "completed" in listing
    html = client.get(f"/portal/runs/{run_id}").get_data(as_text=True)
    for profile in ("SelfAsserted-LocalAccountSignin-Email", "LocalAccountSignUpWithLogonEmail",
                    "AAD-UserReadUsingObjectId", "JwtIssuer"):
        assert profile in html
    assert 'data-claim="displayName" data-status="collected but not returned"' in html
    assert 'data-claim="city" data-status="returned but empty"' in html
    assert 'data-claim="emails" data-status="in the token"' in html


def test_sign_in_run_shows_the_skipped_sign_up_step(admin, client, app, flow):
    flow.code_flow("skip@example.com")
    client.delete_cookie("x-ms-cpim-sso")
    flow.code_flow("skip@example.com", sign_up=False)
    with app.app_context():
        run = db.session.execute(db.select(FlowTransaction).order_by(
            FlowTransaction.created_at.desc())).scalars().first()
        run_id = run.id
    html = client.get(f"/portal/runs/{run_id}").get_data(as_text=True)
    assert "precondition ClaimsExist: objectId exists" in html
    assert 'class="trace-skipped" data-order="2"' in html


def test_unknown_run_is_404(admin, client):
    assert client.get("/portal/runs/nope").status_code == 404


def test_viewer_links_the_token_to_its_run(admin, client, app, flow):
    body = flow.code_flow("link@example.com")
    html = client.post("/jwt", data={"token": body["id_token"]}).get_data(as_text=True)
    with app.app_context():
        run_id = db.session.execute(db.select(FlowTransaction)).scalar_one().id
    assert f'/portal/runs/{run_id}' in html


def test_viewer_claims_tab_and_compare(client, flow):
    first = flow.code_flow("compare@example.com")
    refreshed = flow.token({"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
                           auth=(flow.rp()["client_id"], flow.rp()["secret"])).get_json()
    html = client.post("/jwt", data={"token": first["id_token"]}).get_data(as_text=True)
    assert "Trust framework policy: the user flow that issued the token" in html
    assert "UTC (" in html  # readable times
    compared = client.post("/jwt/compare", data={"a": first["id_token"],
                                                 "b": refreshed["id_token"]})
    text = compared.get_data(as_text=True)
    assert 'data-claim="nonce" data-state="only in A"' in text
    assert 'data-claim="oid" data-state="same"' in text
    bad = client.post("/jwt/compare", data={"a": "x.y", "b": first["id_token"]})
    assert "Token A: This is not a JWT" in bad.get_data(as_text=True)
