"""Identity Experience Framework landing page: the two IEF app registrations with their
Application (client) IDs, the starter pack's placeholders and their values, the policy keys it
needs (missing, then created), and the links to Custom policies and Policy keys."""
from __future__ import annotations

import html

from idp.extensions import db
from idp.models import AppRegistration
from idp.store import policy_keys

IEF = "/portal/ief/"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def client_ids(app) -> dict[str, str]:
    with app.app_context():
        return {a.name: a.client_id for a in db.session.execute(
            db.select(AppRegistration)).scalars()}


def row(page: str, marker: str) -> str:
    return page.split(marker)[1].split("</tr>")[0]


def test_nav_links_the_blade_next_to_user_flows(admin, client):
    page = client.get("/portal/").get_data(as_text=True)
    nav = page.split('aria-label="Azure AD B2C"')[1].split("</nav>")[0]
    assert f'href="{IEF}">Identity Experience Framework</a>' in nav
    assert nav.index("User flows") < nav.index("Identity Experience Framework") \
        < nav.index("API connectors")


def test_landing_page_shows_both_apps_with_their_ids(admin, app, client):
    ids = client_ids(app)
    page = text(client.get(IEF))
    assert "Azure AD B2C | Identity Experience Framework" in page
    for name in ("IdentityExperienceFramework", "ProxyIdentityExperienceFramework"):
        assert ids[name] in row(page, f'data-app="{name}"')
    placeholders = page.split('id="placeholders"')[1].split("</table>")[0]
    assert row(placeholders, "<code>IdentityExperienceFrameworkAppId</code>").count(
        ids["IdentityExperienceFramework"]) == 1
    assert ids["ProxyIdentityExperienceFramework"] in row(
        placeholders, "<code>ProxyIdentityExperienceFrameworkAppId</code>")
    assert "contoso.onmicrosoft.com" in row(placeholders, "<code>yourtenant.onmicrosoft.com</code>")


def test_a_missing_app_is_named_not_a_crash(admin, app, client):
    with app.app_context():
        db.session.execute(db.delete(AppRegistration).filter_by(
            name="ProxyIdentityExperienceFramework"))
        db.session.commit()
    page = text(client.get(IEF))
    assert "Missing." in row(page, 'data-app="ProxyIdentityExperienceFramework"')
    assert "register the application first" in row(
        page, "<code>ProxyIdentityExperienceFrameworkAppId</code>")


def test_starter_pack_keys_show_missing_then_created(admin, app, client):
    page = text(client.get(IEF))
    signing = row(page, 'data-key="B2C_1A_TokenSigningKeyContainer"')
    assert "Missing." in signing
    assert "/portal/ief/policy-keys/new?name=TokenSigningKeyContainer&key_usage=sig" in signing
    assert "key_usage=enc" in row(page, 'data-key="B2C_1A_TokenEncryptionKeyContainer"')
    with app.app_context():
        policy_keys.generate_rsa("TokenSigningKeyContainer", "sig")
        db.session.commit()
    page = text(client.get(IEF))
    signing = row(page, 'data-key="B2C_1A_TokenSigningKeyContainer"')
    assert "Created" in signing and "Missing." not in signing
    assert "Missing." in row(page, 'data-key="B2C_1A_TokenEncryptionKeyContainer"')
    assert "1 container in this tenant" in page


def test_links_to_custom_policies_and_policy_keys(admin, app, client):
    page = client.get(IEF).get_data(as_text=True)
    assert 'href="/portal/ief/custom-policies/" id="ief-custom-policies"' in page
    assert 'href="/portal/ief/custom-policies/" id="go-custom-policies"' in page
    assert 'href="/portal/ief/policy-keys/" id="ief-policy-keys"' in page
    for url in ("/portal/ief/custom-policies/", "/portal/ief/policy-keys/"):
        assert client.get(url).status_code == 200


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(IEF)
    assert response.status_code == 302 and "/portal/sign-in" in response.location


def test_seeded_apps_are_set_up_as_the_tutorial_says(admin, client):
    page = text(client.get(IEF))
    for name in ("IdentityExperienceFramework", "ProxyIdentityExperienceFramework"):
        check = row(page, f'data-app="{name}"').split('class="tutorial-check"')[1]
        assert "Yes" in check and "Fix it" not in check


def test_apps_changed_from_the_tutorial_are_named_with_where_to_fix(admin, app, client):
    with app.app_context():
        apps = {a.name: a for a in db.session.execute(db.select(AppRegistration)).scalars()}
        ief, proxy = apps["IdentityExperienceFramework"], apps["ProxyIdentityExperienceFramework"]
        ief.exposed_scopes = [{**ief.exposed_scopes[0], "enabled": False}]
        proxy.allow_public_client_flows = False
        proxy.api_permissions = [{**p, "admin_consent": False} for p in proxy.api_permissions]
        db.session.commit()
        ids = ief.id, proxy.id
    page = text(client.get(IEF))
    ief_check = row(page, 'data-app="IdentityExperienceFramework"')
    assert "Expose an API has no enabled user_impersonation scope." in ief_check
    assert f"/portal/app-registrations/{ids[0]}/expose-an-api/" in ief_check
    proxy_check = row(page, 'data-app="ProxyIdentityExperienceFramework"')
    assert "Allow public client flows is No." in proxy_check
    assert "user_impersonation on IdentityExperienceFramework has no admin consent." \
        in proxy_check
    assert f"/portal/app-registrations/{ids[1]}/authentication/" in proxy_check
    assert f"/portal/app-registrations/{ids[1]}/api-permissions/" in proxy_check


def test_proxy_without_the_permission_is_named(admin, app, client):
    with app.app_context():
        proxy = db.session.execute(db.select(AppRegistration).filter_by(
            name="ProxyIdentityExperienceFramework")).scalar_one()
        proxy.api_permissions = []
        proxy.platform = "web"
        db.session.commit()
    check = row(text(client.get(IEF)), 'data-app="ProxyIdentityExperienceFramework"')
    assert "API permissions lack IdentityExperienceFramework's user_impersonation." in check
    assert "Its platform is not Public client/native" in check
