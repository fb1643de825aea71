"""User flow > Identity providers (and New user flow's "2. Identity providers"): the local
account type plus a tick per configured provider (``config["identity_providers"]``), "None"
only with a provider ticked, CSRF required."""
from __future__ import annotations

from html import unescape

import pytest

from idp.extensions import db
from idp.models import AuditRecord, IdentityProvider, UserFlow


@pytest.fixture
def setup(app):
    with app.app_context():
        google = IdentityProvider(kind="google", display_name="Google", client_id="g")
        partner = IdentityProvider(kind="oidc", display_name="Partner AD", client_id="p",
                                   metadata_url="https://partner.example/.well-known/x")
        flow = UserFlow(name="B2C_1_social", name_key="b2c_1_social", flow_type="signUpOrSignIn",
                        config={"local_account_type": "email"})
        reset = UserFlow(name="B2C_1_reset", name_key="b2c_1_reset", flow_type="passwordReset",
                         config={})
        db.session.add_all([google, partner, flow, reset])
        db.session.commit()
        return {"google": google.id, "partner": partner.id, "flow": flow.id, "reset": reset.id}


def config(app, flow_id) -> dict:
    with app.app_context():
        return dict(db.session.get(UserFlow, flow_id).config)


def page(flow_id) -> str:
    return f"/portal/user-flows/{flow_id}/identity-providers"


def test_tab_lists_every_configured_provider(admin, client, setup):
    html = client.get(page(setup["flow"])).get_data(as_text=True)
    social = html.split('id="social-identity-providers"')[1].split("</fieldset>")[0]
    assert f'value="{setup["google"]}" id="idp-{setup["google"]}">' in social
    assert "Partner AD <span class=\"muted\">(OpenID Connect)</span>" in social
    assert "Google <span class=\"muted\">(Google)</span>" in social
    assert 'id="local-email" checked' in html


def test_tick_providers_keeps_their_order(admin, client, app, setup):
    response = admin.post_form(page(setup["flow"]), local_account_type="email",
                               identity_providers=[setup["partner"]])
    assert response.status_code == 303
    admin.post_form(page(setup["flow"]), local_account_type="email",
                    identity_providers=[setup["google"], setup["partner"]])
    assert config(app, setup["flow"])["identity_providers"] == [setup["partner"], setup["google"]]
    html = client.get(page(setup["flow"])).get_data(as_text=True)
    assert f'id="idp-{setup["google"]}" checked' in html
    with app.app_context():
        records = db.session.scalars(db.select(AuditRecord).filter_by(
            activity="Update user flow")).all()
        assert records[-1].additional_details["changed"] == "Identity providers"


def test_none_with_a_provider_is_social_only(admin, client, app, setup):
    response = admin.post_form(page(setup["flow"]), local_account_type="none",
                               identity_providers=[setup["google"]])
    assert response.status_code == 303
    saved = config(app, setup["flow"])
    assert saved["local_account_type"] == "none"
    assert saved["identity_providers"] == [setup["google"]]


def test_none_without_a_provider_is_refused(admin, client, app, setup):
    response = admin.post_form(page(setup["flow"]), local_account_type="none")
    assert response.status_code == 400
    assert ("None needs at least one identity provider ticked below: otherwise the user flow "
            "has nothing to sign in with.") in unescape(response.get_data(as_text=True))
    assert config(app, setup["flow"])["local_account_type"] == "email"


def test_unticking_all_and_unknown_ids(admin, client, app, setup):
    admin.post_form(page(setup["flow"]), local_account_type="email",
                    identity_providers=[setup["google"]])
    admin.post_form(page(setup["flow"]), local_account_type="username")
    assert config(app, setup["flow"])["identity_providers"] == []
    assert config(app, setup["flow"])["local_account_type"] == "username"
    response = admin.post_form(page(setup["flow"]), local_account_type="email",
                               identity_providers=["deleted-meanwhile"])
    assert response.status_code == 400
    assert "no longer exists" in response.get_data(as_text=True)
    response = admin.post_form(page(setup["flow"]), local_account_type="phone")
    assert response.status_code == 400
    assert "Choose Email signup, User ID signup or None." in response.get_data(as_text=True)


def test_no_provider_configured_says_where_to_add_one(admin, client, app, setup):
    with app.app_context():
        db.session.execute(db.delete(IdentityProvider))
        db.session.commit()
    html = client.get(page(setup["flow"])).get_data(as_text=True)
    assert "No identity provider is configured in this tenant." in html
    assert 'href="/portal/identity-providers/"' in html


def test_password_reset_offers_no_provider(admin, client, setup):
    html = client.get(page(setup["reset"])).get_data(as_text=True)
    assert "uses local accounts only in B2C Lab" in html
    assert 'name="identity_providers"' not in html


def test_csrf_and_anonymous_refused(client, app, setup):
    response = client.post(page(setup["flow"]), data={"local_account_type": "none"})
    assert response.status_code in (400, 401)
    assert config(app, setup["flow"])["local_account_type"] == "email"


def test_csrf_required_when_signed_in(admin, client, app, setup):
    response = client.post(page(setup["flow"]), data={
        "local_account_type": "username", "identity_providers": [setup["google"]]})
    assert response.status_code == 400
    assert config(app, setup["flow"]) == {"local_account_type": "email"}


def _new_flow(admin, **fields):
    data = {"flow_type": "signUpOrSignIn", "local_account_type": "email",
            "mfa_method": "email", "mfa_enforcement": "off", **fields}
    return admin.post_form("/portal/user-flows/new", **data)


def test_new_user_flow_ticks_providers(admin, client, app, setup):
    html = client.get("/portal/user-flows/new").get_data(as_text=True)
    assert f'id="idp-{setup["partner"]}"' in html
    response = _new_flow(admin, name="social2", local_account_type="none",
                         identity_providers=[setup["partner"], setup["google"]])
    assert response.status_code == 303, response.get_data(as_text=True)[-3000:]
    with app.app_context():
        flow = db.session.scalars(db.select(UserFlow).filter_by(name_key="b2c_1_social2")).one()
        assert flow.config["local_account_type"] == "none"
        assert flow.config["identity_providers"] == [setup["google"], setup["partner"]]


def test_new_user_flow_with_none_and_no_provider_is_refused(admin, client, app, setup):
    response = _new_flow(admin, name="lonely", local_account_type="none")
    assert response.status_code == 200
    assert ("Local accounts None needs at least one identity provider ticked: otherwise the "
            "user flow has nothing to sign in with.") in unescape(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalars(db.select(UserFlow).filter_by(name_key="b2c_1_lonely")
                                  ).first() is None


def tick(app, flow_id, *provider_ids):
    with app.app_context():
        flow = db.session.get(UserFlow, flow_id)
        flow.config = {**flow.config, "identity_providers": list(provider_ids)}
        db.session.commit()


def test_languages_tab_lists_the_social_sign_up_page_once_a_provider_is_ticked(
        admin, client, app, setup):
    url = f"/portal/user-flows/{setup['flow']}/languages"
    assert 'id="upload-de-api.selfasserted"' not in client.get(url).get_data(as_text=True)
    tick(app, setup["flow"], setup["google"])
    assert 'id="upload-de-api.selfasserted"' in client.get(url).get_data(as_text=True)


def test_journey_tab_shows_the_social_steps_with_their_protocols(admin, client, app, setup):
    tick(app, setup["flow"], setup["google"], setup["partner"])
    response = client.get(f"/portal/user-flows/{setup['flow']}/journey")
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    for profile in ("Google-OAUTH", "AAD-UserReadUsingAlternativeSecurityId-NoError",
                    "SelfAsserted-Social", "AAD-UserWriteUsingAlternativeSecurityId"):
        assert profile in html, profile
    assert '<Protocol Name="OAuth2"' in html and '<Protocol Name="OpenIdConnect"' in html


def test_a_social_runs_steps_are_those_of_its_flow_with_providers(app, setup):
    from types import SimpleNamespace

    from idp.portal.runs.views import journey_steps

    tick(app, setup["flow"], setup["google"])
    with app.app_context():
        config = db.session.get(UserFlow, setup["flow"]).config
        steps = journey_steps(SimpleNamespace(policy="B2C_1_social", flow_config=config))
    exchanges = [profile for step in steps for _exchange, profile in step["exchanges"]]
    assert "Google-OAUTH" in exchanges and "SelfAsserted-Social" in exchanges


def test_profile_editing_signs_in_with_the_ticked_providers(admin, client, app, setup):
    """B2C's profile editing flows list identity providers too: the user signs in with one
    before editing (the runtime: tests/flows/test_federation_runtime.py)."""
    with app.app_context():
        edit = UserFlow(name="B2C_1_edit", name_key="b2c_1_edit", flow_type="profileUpdate",
                        config={"type": "profileUpdate", "local_account_type": "email"})
        db.session.add(edit)
        db.session.commit()
        edit_id = edit.id
    assert 'name="identity_providers"' in client.get(page(edit_id)).get_data(as_text=True)
    response = admin.post_form(page(edit_id), local_account_type="email",
                               identity_providers=[setup["google"]])
    assert response.status_code == 303
    assert config(app, edit_id)["identity_providers"] == [setup["google"]]
    html = client.get(f"/portal/user-flows/{edit_id}/journey").get_data(as_text=True)
    assert "Google-OAUTH" in html and "AAD-UserWriteUsingAlternativeSecurityId" not in html
