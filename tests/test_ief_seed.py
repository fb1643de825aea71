"""The seed registers IdentityExperienceFramework and ProxyIdentityExperienceFramework as the
"Get started with custom policies" tutorial does, once, and keeps them when run again."""
from __future__ import annotations

from idp.extensions import db
from idp.models import AppRegistration
from idp.seed import prepare_database
from tests.factories import BASE

GRAPH = "00000003-0000-0000-c000-000000000000"


def registrations(app) -> dict[str, AppRegistration]:
    with app.app_context():
        rows = db.session.execute(db.select(AppRegistration)).scalars().all()
        db.session.expunge_all()
    return {r.name: r for r in rows}


def test_ief_app_exposes_user_impersonation(app):
    ief = registrations(app)["IdentityExperienceFramework"]
    assert ief.platform == "web" and ief.supported_account_types == "single"
    assert ief.redirect_uris == [f"{BASE}/contoso.onmicrosoft.com"]
    assert ief.app_id_uri == f"https://contoso.onmicrosoft.com/{ief.client_id}"
    [scope] = ief.exposed_scopes
    assert scope["value"] == "user_impersonation" and scope["enabled"]
    assert scope["admin_consent_display_name"] == "Access IdentityExperienceFramework"
    assert {(p["resource_client_id"], p["value"], p["admin_consent"])
            for p in ief.api_permissions} == {(GRAPH, "openid", True),
                                              (GRAPH, "offline_access", True)}


def test_proxy_app_is_a_public_client_granted_the_ief_scope(app):
    apps = registrations(app)
    ief, proxy = apps["IdentityExperienceFramework"], apps["ProxyIdentityExperienceFramework"]
    assert proxy.platform == "public" and proxy.allow_public_client_flows
    assert proxy.redirect_uris == ["myapp://auth"]
    assert not proxy.is_confidential
    assert {(p["resource_client_id"], p["value"], p["type"], p["admin_consent"])
            for p in proxy.api_permissions} == {
        (GRAPH, "openid", "Delegated", True), (GRAPH, "offline_access", "Delegated", True),
        (ief.client_id, "user_impersonation", "Delegated", True)}
    assert ief.client_id != proxy.client_id


def test_seeding_again_keeps_the_ids_and_adds_nothing(app):
    before = registrations(app)
    with app.app_context():
        prepare_database()
    after = registrations(app)
    assert sorted(after) == sorted(before)
    for name in ("IdentityExperienceFramework", "ProxyIdentityExperienceFramework"):
        assert after[name].client_id == before[name].client_id


def test_a_deleted_proxy_comes_back_granted_the_existing_ief_app(app):
    with app.app_context():
        proxy = db.session.execute(db.select(AppRegistration).filter_by(
            name="ProxyIdentityExperienceFramework")).scalar_one()
        db.session.delete(proxy)
        db.session.commit()
        prepare_database()
    apps = registrations(app)
    ief_id = apps["IdentityExperienceFramework"].client_id
    assert ief_id in {p["resource_client_id"]
                      for p in apps["ProxyIdentityExperienceFramework"].api_permissions}
