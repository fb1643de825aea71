"""Tenant export and import carry the identity providers (never their client secret) and the
user flows' ticks: a round trip into a fresh B2C Lab gives the same file back and says which
providers need their secret typed again; importing into the same tenant keeps the secrets; bad
provider entries are refused with the entry and field named, and nothing is written."""
from __future__ import annotations

import json
from html import unescape

import pytest

from idp.extensions import db
from idp.models import IdentityProvider, UserFlow
from idp.store import identity_providers as store
from tests.portal.test_tenant_transfer import other_app  # noqa: F401  (a fixture)
from tests.portal.test_tenant_transfer import (audits, export_file, import_file, signed_in,
                                               snapshot)

FLOW = "B2C_1_social"
SECRETS = ("fb-SECRET-value", "oidc-SECRET-value")


def configure(app) -> dict:
    with app.app_context():
        facebook = IdentityProvider(kind="facebook", display_name="Facebook", client_id="1234",
                                    scope="email public_profile", response_mode="query",
                                    claims_mapping=dict(store.DEFAULT_MAPPINGS["facebook"]))
        partner = IdentityProvider(kind="oidc", display_name="Partner AD", client_id="partner",
                                   metadata_url="https://partner.example/.well-known/"
                                                "openid-configuration",
                                   scope="openid profile", response_type="code",
                                   response_mode="form_post", domain_hint="partner.example",
                                   claims_mapping={**store.DEFAULT_MAPPINGS["oidc"],
                                                   "user_id": "oid"})
        store.set_client_secret(facebook, SECRETS[0])
        store.set_client_secret(partner, SECRETS[1])
        db.session.add_all([facebook, partner])
        db.session.flush()
        db.session.add(UserFlow(name=FLOW, name_key=FLOW.lower(), flow_type="signUpOrSignIn",
                                config={"local_account_type": "none",
                                        "identity_providers": [partner.id, facebook.id]}))
        db.session.commit()
        return {"facebook": facebook.id, "partner": partner.id}


def flow_config(app) -> dict:
    with app.app_context():
        return db.session.scalars(db.select(UserFlow).filter_by(name_key=FLOW.lower())).one().config


def test_round_trip_without_secrets(admin, app, other_app):  # noqa: F811
    ids = configure(app)
    first = export_file(admin)
    text = json.dumps(first)
    assert all(secret not in text for secret in SECRETS)
    assert all("secret" not in key.lower() for p in first["identityProviders"] for key in p)
    by_name = {p["displayName"]: p for p in first["identityProviders"]}
    assert by_name["Partner AD"]["claimsMapping"]["user_id"] == "oid"
    assert by_name["Partner AD"]["metadataUrl"].startswith("https://partner.example/")
    assert by_name["Facebook"]["metadataUrl"] is None  # the practice provider's URL is derived
    flow = next(f for f in first["userFlows"] if f["name"] == FLOW)
    assert flow["config"]["identity_providers"] == [ids["partner"], ids["facebook"]]

    room = signed_in(other_app)
    response = import_file(room, first)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    page = unescape(room.client.get("/portal/tenant/").get_data(as_text=True))
    assert "2 identity provider(s)" in page  # the summary counts them
    assert ("Type the client secret of Facebook, Partner AD again (Identity providers): "
            "exports never carry it.") in page
    assert flow_config(other_app)["identity_providers"] == [ids["partner"], ids["facebook"]]
    with other_app.app_context():
        row = db.session.get(IdentityProvider, ids["partner"])
        assert row.client_secret_encrypted is None and row.domain_hint == "partner.example"
    second = export_file(room)
    assert second["identityProviders"] == first["identityProviders"]
    # the blade of the room lists them, the flow tab shows both ticked
    html = room.client.get("/portal/identity-providers/").get_data(as_text=True)
    assert "Partner AD" in html and "Facebook" in html


def test_import_into_the_same_tenant_keeps_the_secrets(admin, app):
    ids = configure(app)
    doc = export_file(admin)
    doc["identityProviders"][0]["clientId"] = "changed"
    response = import_file(admin, doc)
    assert response.status_code == 303
    page = unescape(admin.client.get("/portal/tenant/").get_data(as_text=True))
    assert "Type the client secret" not in page
    with app.app_context():
        assert store.client_secret(db.session.get(IdentityProvider, ids["facebook"])) == SECRETS[0]
        assert db.session.get(IdentityProvider, ids["facebook"]).client_id == "changed"


def test_replace_removes_providers_the_file_does_not_have(admin, app):
    ids = configure(app)
    doc = export_file(admin)
    doc["identityProviders"] = [p for p in doc["identityProviders"] if p["id"] == ids["partner"]]
    for flow in doc["userFlows"]:
        if flow["name"] == FLOW:
            flow["config"]["identity_providers"] = [ids["partner"]]
    assert import_file(admin, doc).status_code == 303
    with app.app_context():
        assert db.session.get(IdentityProvider, ids["facebook"]) is None
        assert store.client_secret(db.session.get(IdentityProvider, ids["partner"])) == SECRETS[1]


def _spoil_tick(doc):
    next(f for f in doc["userFlows"] if f["name"] == FLOW)["config"]["identity_providers"] = [
        "no-such-provider"]


def _entry(doc, name):
    return next(p for p in doc["identityProviders"] if p["displayName"] == name)


@pytest.mark.parametrize("spoil, message", [
    (_spoil_tick, "config.identity_providers: 'no-such-provider' is not an identity provider "
                  "of the file or this tenant"),
    (lambda d: _entry(d, "Partner AD").update(metadataUrl="partner.example"),
     ".metadataUrl: must be an absolute http:// or https:// URL"),
    (lambda d: _entry(d, "Partner AD").update(kind="myspace"),
     ".kind: must be one of facebook, google, oidc"),
    (lambda d: _entry(d, "Partner AD").update(displayName="FACEBOOK"),
     "displayName: the identity provider 'FACEBOOK' appears twice in the file"),
    (lambda d: _entry(d, "Partner AD").update(kind="facebook", metadataUrl=None),
     ".kind: the identity provider kind (configured once per tenant) 'facebook' appears twice"),
    (lambda d: _entry(d, "Partner AD").update(responseMode="fragment"),
     ".responseMode: must be form_post or query"),
    (lambda d: _entry(d, "Partner AD")["claimsMapping"].update(user_id=""),
     ".claimsMapping.user_id: is required: the claim of the user's ID"),
    (lambda d: _entry(d, "Partner AD")["claimsMapping"].update(phone="tel"),
     ".claimsMapping.phone: is not a mapping field"),
    (lambda d: _entry(d, "Partner AD").update(clientSecret="x"),
     ".clientSecret: is not a field of this entry"),
], ids=["unknown tick", "metadata url", "kind", "name twice", "facebook twice", "mode",
        "user id", "mapping field", "secret field"])
def test_bad_provider_entries_are_refused(admin, app, spoil, message):
    configure(app)
    doc = export_file(admin)
    spoil(doc)
    before = snapshot(app)
    response = import_file(admin, doc)
    assert response.status_code == 400
    html = unescape(response.get_data(as_text=True))
    assert "Nothing was imported." in html and message in html, html[html.find("banner"):][:1500]
    assert snapshot(app) == before
    assert audits(app, "Import tenant configuration") == []


def test_merge_refuses_a_name_another_provider_holds(admin, app, other_app):  # noqa: F811
    configure(app)
    doc = export_file(admin)
    room = signed_in(other_app)
    with other_app.app_context():
        db.session.add(IdentityProvider(kind="google", display_name="Partner AD", client_id="g"))
        db.session.commit()
    response = import_file(room, doc, mode="merge")
    assert response.status_code == 400
    assert ("'Partner AD' is already the name of another identity provider of this tenant"
            in unescape(response.get_data(as_text=True)))
