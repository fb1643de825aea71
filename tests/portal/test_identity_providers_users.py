"""Users page: every identity of a user, local and federated (identity provider, sign-in type,
issuer, issuer assigned id); Reset password refused for a user with no local account."""
from __future__ import annotations

from html import unescape

import pytest

from idp.extensions import db
from idp.models import DirectoryUser, IdentityProvider, UserIdentity

TENANT = "contoso.onmicrosoft.com"


def identity(kind, issuer, value):
    return UserIdentity(sign_in_type=kind, issuer=issuer, issuer_assigned_id=value,
                        issuer_assigned_id_key=value.lower())


@pytest.fixture
def users(app):
    with app.app_context():
        db.session.add(IdentityProvider(kind="facebook", display_name="Facebook", client_id="1"))
        db.session.add(IdentityProvider(kind="oidc", display_name="Partner AD", client_id="2",
                                        metadata_url="https://login.partner.example/.well-known/x"))
        both = DirectoryUser(display_name="Ada Both", identities=[
            identity("emailAddress", TENANT, "ada@example.com"),
            identity("federated", "facebook.com", "10158123"),
            identity("federated", "https://login.partner.example/v2.0", "oid-77")])
        social = DirectoryUser(display_name="Sam Social", identities=[
            identity("federated", "google.com", "g-42")])
        db.session.add_all([both, social])
        db.session.commit()
        return {"both": both.object_id, "social": social.object_id}


def test_user_page_lists_local_and_federated_identities(admin, client, users):
    html = client.get(f"/portal/users/{users['both']}").get_data(as_text=True)
    rows = html.split('id="identities"')[1].split("</table>")[0].split("<tr class=")[1:]
    assert len(rows) == 3
    assert "Local account" in rows[0] and "emailAddress" in rows[0] and TENANT in rows[0]
    assert "<td>Facebook</td>" in rows[1].replace("\n    ", "")
    assert "federated" in rows[1] and "facebook.com" in rows[1]
    assert "<td>10158123</td>" in rows[1]
    assert "Partner AD" in rows[2] and "https://login.partner.example/v2.0" in rows[2]
    assert "<td>oid-77</td>" in rows[2]
    listed = client.get("/portal/users/").get_data(as_text=True)
    row = listed.split(f'data-object-id="{users["both"]}"')[1].split("</tr>")[0]
    assert f"{TENANT}, facebook.com, https://login.partner.example/v2.0" in row


def test_identity_of_a_deleted_provider_is_marked(admin, client, users):
    html = client.get(f"/portal/users/{users['social']}").get_data(as_text=True)
    row = html.split('id="identities"')[1].split("</table>")[0]
    assert "google.com <span class=\"pill bad\">No longer configured</span>" in row


def test_reset_password_refused_for_a_social_only_user(admin, client, app, users):
    response = client.get(f"/portal/users/{users['social']}/reset-password")
    assert response.status_code == 303
    html = unescape(client.get(response.location).get_data(as_text=True))
    assert ("Sam Social signs in only with google.com: there is no local account password "
            "to reset.") in html
    assert client.get(f"/portal/users/{users['both']}/reset-password").status_code == 200
    with app.app_context():
        assert db.session.get(DirectoryUser, users["social"]).password_hash is None
