"""Identity Experience Framework > Policy keys: Add (Generate RSA, Manual secret) with bad input
refused and nothing saved, the list, a key's page (public JWK only), Delete with its
confirmation naming the custom policies that reference the container, CSRF and audit."""
from __future__ import annotations

import html
import json

import pytest
from joserfc.jwk import RSAKey

from idp.extensions import db
from idp.models import AuditRecord, CustomPolicy, PolicyKey
from idp.store import policy_keys
from tests.portal.conftest import csrf_token

KEYS = "/portal/ief/policy-keys/"
NEW = KEYS + "new"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def add(admin, **fields):
    data = {"option": "Generate", "name": "TokenSigningKeyContainer", "key_type": "RSA",
            "key_usage": "sig", **fields}
    return admin.post_form(NEW, **data)


def stored(app) -> dict[str, PolicyKey]:
    with app.app_context():
        rows = db.session.execute(db.select(PolicyKey)).scalars().all()
        db.session.expunge_all()
    return {r.name: r for r in rows}


def audits(app, activity: str) -> list[AuditRecord]:
    with app.app_context():
        rows = db.session.execute(db.select(AuditRecord).filter_by(activity=activity)).scalars()
        return [r for r in rows]


def upload_policy(app, policy_id: str, xml: str) -> None:
    """A stored custom policy (the Custom policies blade is another helper's: its row is
    enough for the reference check)."""
    with app.app_context():
        db.session.add(CustomPolicy(policy_id=policy_id, policy_id_key=policy_id.lower(),
                                    base_policy_id=None, xml=xml))
        db.session.commit()


# --- Add ---------------------------------------------------------------------------------------

def test_generate_rsa_signature_key(admin, app, client):
    response = add(admin)
    assert response.status_code == 303
    assert response.location == KEYS + "B2C_1A_TokenSigningKeyContainer/"
    key = stored(app)["B2C_1A_TokenSigningKeyContainer"]
    assert (key.key_type, key.key_usage) == ("RSA", "sig")
    page = text(client.get(response.location))
    assert "Policy key 'B2C_1A_TokenSigningKeyContainer' created" in page
    assert '<Key StorageReferenceId="B2C_1A_TokenSigningKeyContainer" />' in page
    assert key.kid in page
    # the public JWK is shown, and it is public only
    jwk = json.loads(page.split('<pre class="code" id="public-jwk">')[1].split("</pre>")[0])
    assert set(jwk) == {"kid", "nbf", "use", "kty", "e", "n"} and jwk["kid"] == key.kid
    assert "PRIVATE" not in page and '"d"' not in page and '"p"' not in page
    assert RSAKey.import_key(jwk).as_dict(private=False)["n"] == jwk["n"]


def test_generate_rsa_encryption_key(admin, app):
    assert add(admin, name="TokenEncryptionKeyContainer", key_usage="enc").status_code == 303
    assert stored(app)["B2C_1A_TokenEncryptionKeyContainer"].key_usage == "enc"


def test_manual_secret_is_sealed_and_never_shown(admin, app, client):
    response = add(admin, option="Manual", name="RestApiPassword", secret="Tr0ub4dor&3",
                   key_usage="enc")
    assert response.status_code == 303
    key = stored(app)["B2C_1A_RestApiPassword"]
    assert key.key_type == "secret" and "Tr0ub4dor" not in key.material_encrypted
    with app.app_context():
        assert policy_keys.secret_value("B2C_1A_RestApiPassword") == "Tr0ub4dor&3"
    for url in (KEYS, response.location, KEYS + "B2C_1A_RestApiPassword/delete"):
        page = text(client.get(url))
        assert "Tr0ub4dor" not in page
    assert "A secret is never shown again" in text(client.get(response.location))
    [record] = audits(app, "Create policy key")
    assert "Tr0ub4dor" not in json.dumps(record.additional_details)
    assert record.additional_details["keyType"] == "Secret"


def test_the_list_shows_name_usage_type_kid_created(admin, app, client):
    add(admin)
    add(admin, option="Manual", name="RestApiUsername", secret="workshop")
    page = text(client.get(KEYS))
    keys = stored(app)
    signing = page.split('data-key="B2C_1A_TokenSigningKeyContainer"')[1].split("</tr>")[0]
    assert all(v in signing for v in ("Signature", "RSA", keys[
        "B2C_1A_TokenSigningKeyContainer"].kid, " UTC"))
    secret = page.split('data-key="B2C_1A_RestApiUsername"')[1].split("</tr>")[0]
    assert "Secret" in secret and keys["B2C_1A_RestApiUsername"].kid not in secret
    assert page.index("B2C_1A_RestApiUsername") < page.index("B2C_1A_TokenSigningKeyContainer")


@pytest.mark.parametrize("fields, message", [
    ({"name": ""}, "Enter a name for the key container"),
    ({"name": "Token Signing"}, "The name contains characters that are not allowed (' ')"),
    ({"name": "Key<script>"}, "characters that are not allowed"),
    ({"name": "x" * 122}, "The name is too long: at most 121 characters"),
    ({"option": "Manual", "name": "RestApiPassword", "secret": ""}, "Enter the secret"),
    ({"option": "Manual", "name": "Big", "secret": "x" * 4097}, "The secret is too long"),
    ({"key_usage": "both"}, "Not a valid choice"),
    ({"option": "Upload"}, "Not a valid choice"),
])
def test_bad_input_is_refused_with_a_message_and_nothing_saved(admin, app, fields, message):
    response = add(admin, **fields)
    assert response.status_code == 400
    page = text(response)
    assert message in page and "Nothing was saved" in page
    assert "Key<script>" not in response.get_data(as_text=True)  # escaped where echoed
    assert stored(app) == {}


def test_duplicate_names_are_refused_without_regard_to_case(admin, app):
    add(admin)
    for typed in ("tokensigningkeycontainer", "B2C_1A_TOKENSIGNINGKEYCONTAINER"):
        response = add(admin, name=typed, option="Manual", secret="s")
        assert response.status_code == 400
        assert ("A key container named 'B2C_1A_TokenSigningKeyContainer' already exists"
                in text(response))
    assert list(stored(app)) == ["B2C_1A_TokenSigningKeyContainer"]


def test_name_typed_with_the_prefix_is_not_prefixed_twice(admin, app):
    assert add(admin, name="B2C_1A_FacebookSecret", option="Manual",
               secret="fb").status_code == 303
    assert list(stored(app)) == ["B2C_1A_FacebookSecret"]


def test_add_is_prefilled_from_the_getting_started_link(admin, client):
    page = client.get(NEW + "?name=TokenEncryptionKeyContainer&key_usage=enc")
    body = page.get_data(as_text=True)
    assert 'value="TokenEncryptionKeyContainer"' in body
    assert '<option selected value="enc">' in body or 'value="enc" selected' in body


def test_add_without_csrf_token_is_refused(admin, app, client):
    response = client.post(NEW, data={"option": "Generate", "name": "K", "key_usage": "sig"})
    assert response.status_code == 400
    assert stored(app) == {}


def test_anonymous_cannot_add_or_list(app, client):
    assert client.get(KEYS).status_code == 302
    response = client.post(NEW, data={"option": "Generate", "name": "K", "key_usage": "sig"})
    assert response.status_code in (400, 401)
    assert stored(app) == {}


def test_create_is_audited(admin, app):
    add(admin)
    [record] = audits(app, "Create policy key")
    assert record.category == "KeyManagement" and record.initiated_by_admin == "admin"
    details = record.additional_details
    assert details["keySetName"] == "B2C_1A_TokenSigningKeyContainer"
    assert details["keyUsage"] == "Signature" and details["keyType"] == "RSA"
    assert details["kid"] == stored(app)["B2C_1A_TokenSigningKeyContainer"].kid


# --- Delete ------------------------------------------------------------------------------------

def test_delete_asks_first_then_deletes_and_audits(admin, app, client):
    add(admin)
    url = KEYS + "B2C_1A_TokenSigningKeyContainer/delete"
    page = text(client.get(url))
    assert "Delete 'B2C_1A_TokenSigningKeyContainer'?" in page
    assert "No uploaded custom policy references this key container" in page
    assert stored(app)  # asking deleted nothing
    response = client.post(url, data={"csrf_token": csrf_token(page), "confirm": "yes"})
    assert response.status_code == 303 and response.location == KEYS
    assert stored(app) == {}
    [record] = audits(app, "Delete policy key")
    assert record.additional_details["keySetName"] == "B2C_1A_TokenSigningKeyContainer"
    assert client.get(KEYS + "B2C_1A_TokenSigningKeyContainer/").status_code == 404


def test_delete_without_confirmation_deletes_nothing(admin, app, client):
    add(admin)
    url = KEYS + "B2C_1A_TokenSigningKeyContainer/delete"
    page = text(client.get(url))
    response = client.post(url, data={"csrf_token": csrf_token(page)})
    assert response.status_code == 409
    assert list(stored(app)) == ["B2C_1A_TokenSigningKeyContainer"]


def test_delete_without_csrf_token_is_refused(admin, app, client):
    add(admin)
    response = client.post(KEYS + "B2C_1A_TokenSigningKeyContainer/delete",
                           data={"confirm": "yes"})
    assert response.status_code == 400
    assert list(stored(app)) == ["B2C_1A_TokenSigningKeyContainer"]


def test_delete_warns_about_the_custom_policies_that_reference_the_key(admin, app, client):
    add(admin)
    upload_policy(app, "B2C_1A_TrustFrameworkBase",
                  '<TrustFrameworkPolicy><Key Id="issuer_secret" StorageReferenceId='
                  '"b2c_1a_tokensigningkeycontainer" /></TrustFrameworkPolicy>')
    upload_policy(app, "B2C_1A_Other", '<TrustFrameworkPolicy><Key Id="x" StorageReferenceId='
                  '"B2C_1A_TokenSigningKeyContainerV2" /></TrustFrameworkPolicy>')
    url = KEYS + "B2C_1A_TokenSigningKeyContainer/delete"
    page = text(client.get(url))
    assert "These custom policies reference this key container" in page
    used = page.split('id="policies-using">')[1].split("</ul>")[0]
    assert "B2C_1A_TrustFrameworkBase" in used and "B2C_1A_Other" not in used
    assert "B2C_1A_TrustFrameworkBase" in text(client.get(
        KEYS + "B2C_1A_TokenSigningKeyContainer/")).split('id="referenced-by">')[1]
    response = client.post(url, data={"csrf_token": csrf_token(page), "confirm": "yes"})
    assert response.status_code == 303
    assert "B2C_1A_TrustFrameworkBase still references it" in text(client.get(KEYS))
    [record] = audits(app, "Delete policy key")
    assert record.additional_details["referencedBy"] == "B2C_1A_TrustFrameworkBase"


def test_unknown_key_is_404(admin, client):
    assert client.get(KEYS + "B2C_1A_Nope/").status_code == 404
    assert client.get(KEYS + "B2C_1A_Nope/delete").status_code == 404


def test_the_starter_pack_base_is_named_on_delete(admin, app, client):
    """The real TrustFrameworkBase.xml, uploaded after its two keys were made here, is the
    policy the delete page warns about (for both containers it references)."""
    from idp.store import custom_policies
    from idp.store.tenant import current_tenant
    from tests.ief_starter_pack import app_ids, prepared

    files = prepared(app_ids(app))
    add(admin)
    add(admin, name="TokenEncryptionKeyContainer", key_usage="enc")
    add(admin, option="Manual", name="Unused", secret="s")
    with app.app_context():
        custom_policies.upload(files["TrustFrameworkBase"], overwrite=False,
                               tenant=current_tenant())
        db.session.commit()
    for name in ("B2C_1A_TokenSigningKeyContainer", "B2C_1A_TokenEncryptionKeyContainer"):
        page = text(client.get(f"{KEYS}{name}/delete"))
        assert "B2C_1A_TrustFrameworkBase" in page.split('id="policies-using">')[1]
    assert "No uploaded custom policy references" in text(client.get(
        KEYS + "B2C_1A_Unused/delete"))


def test_a_key_that_cannot_be_decrypted_says_so_on_its_page(admin, app, client):
    from cryptography.fernet import Fernet

    add(admin)
    with app.app_context():  # as if sealed under another SECRET_KEY (changing the app's own
        row = db.session.execute(db.select(PolicyKey)).scalar_one()  # ends the admin session)
        row.material_encrypted = Fernet(Fernet.generate_key()).encrypt(b"pem").decode()
        db.session.commit()
    response = client.get(KEYS + "B2C_1A_TokenSigningKeyContainer/")
    assert response.status_code == 200
    assert "cannot be decrypted: SECRET_KEY changed since it was made" in text(response)
    assert 'id="public-jwk"' not in response.get_data(as_text=True)
