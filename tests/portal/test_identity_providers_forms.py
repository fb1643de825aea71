"""Identity providers blade: the Facebook, Google and New OpenID Connect provider forms (create,
edit, delete, every validation message), the federation reply URL and developer console link,
the claims mapping table, audit records without secrets, anonymous and CSRF-less requests
refused.  The metadata URL is fetched over real HTTP from a loopback server."""
from __future__ import annotations

import re
import socket
from html import unescape

import pytest

from idp.extensions import db
from idp.models import AuditRecord, IdentityProvider, UserFlow
from idp.store import identity_providers as store
from tests.connector_server import ConnectorServer, start

INDEX = "/portal/identity-providers/"
REPLY_URL = "http://localhost:5000/contoso.onmicrosoft.com/oauth2/authresp"
SECRET = "fb-secret-NEVER-SHOWN-42"


def discovery(base="https://login.partner.example/t/v2.0", **overrides) -> dict:
    return {"issuer": base, "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token", "jwks_uri": f"{base}/keys",
            "response_types_supported": ["code", "id_token", "code id_token"], **overrides}


@pytest.fixture
def metadata():
    """A real HTTP server answering the discovery document each test sets."""
    server = ConnectorServer(body=discovery())
    url, stop = start(server)
    yield server, url.removesuffix("/api") + "/.well-known/openid-configuration"
    stop()


def providers(app) -> list[IdentityProvider]:
    with app.app_context():
        rows = list(db.session.scalars(db.select(IdentityProvider)))
        db.session.expunge_all()
        return rows


def audits(app, activity) -> list[AuditRecord]:
    with app.app_context():
        return list(db.session.scalars(db.select(AuditRecord).filter_by(activity=activity)))


def errors(html: str) -> list[str]:
    return [unescape(text) for text in
            re.findall(r'<p class="field-error" role="alert">([^<]*)</p>', html)]


def oidc_fields(url, **overrides) -> dict:
    return {"display_name": "Partner AD", "metadata_url": url, "client_id": "partner-app",
            "client_secret": "oidc-secret", "scope": "openid profile", "response_type": "code",
            "response_mode": "form_post", "domain_hint": "partner.example",
            "map_user_id": "oid", "map_display_name": "name", "map_given_name": "given_name",
            "map_surname": "family_name", "map_email": "upn", **overrides}


def add_flow(app, name, **config) -> int:
    with app.app_context():
        flow = UserFlow(name=name, name_key=name.lower(), flow_type="signUpOrSignIn",
                        config=config)
        db.session.add(flow)
        db.session.commit()
        return flow.id


# -- Facebook and Google -----------------------------------------------------------------------

def test_configure_facebook(admin, client, app):
    page = client.get(INDEX + "new/facebook").get_data(as_text=True)
    assert 'value="Facebook"' in page  # the Name starts as the provider's
    assert f'<code id="reply-url">{REPLY_URL}</code>' in page
    assert 'href="http://localhost:5000/practice/facebook/" id="developer-console"' in page
    assert "<code>id</code>" in page and "<code>first_name</code>" in page
    response = admin.post_form(INDEX + "new/facebook", display_name="Facebook",
                               client_id="1234567890", client_secret=SECRET)
    assert response.status_code == 303
    [provider] = providers(app)
    assert provider.kind == "facebook" and provider.client_id == "1234567890"
    assert SECRET not in provider.client_secret_encrypted
    with app.app_context():
        assert store.client_secret(db.session.get(IdentityProvider, provider.id)) == SECRET
    assert response.location.endswith(f"/portal/identity-providers/{provider.id}/")
    html = client.get(response.location).get_data(as_text=True)
    assert "Identity provider &#39;Facebook&#39; created." in html
    assert SECRET not in html
    assert "A secret is stored. Leave this empty to keep it." in html
    assert 'id="provider-issuer">facebook.com</code>' in html
    # the mapping table: Facebook's claim -> B2C claim -> what a sign-up starts with
    row = html.split('id="mapping-given_name"')[1].split("</tr>")[0]
    assert "<code>first_name</code>" in row and "<code>givenName</code>" in row
    assert "<code>Ada</code>" in row
    row = html.split('id="mapping-user_id"')[1].split("</tr>")[0]
    assert "<code>id</code>" in row and "<code>issuerUserId</code>" in row
    [record] = audits(app, "Create identity provider")
    assert record.category == "Resource"
    details = record.additional_details
    assert details["displayName"] == "Facebook" and details["identityProviderType"] == "Facebook"
    assert SECRET not in repr(details)
    listed = client.get(INDEX).get_data(as_text=True).split('id="identity-providers"')[1]
    row = listed.split(f'id="provider-{provider.id}"')[1].split("</tr>")[0]
    assert ">Facebook</a></td>" in row and "<td>Facebook</td>" in row
    assert "<code>1234567890</code>" in row
    assert listed.index('id="provider-local"') < listed.index(f'id="provider-{provider.id}"')


def test_google_is_configured_once(admin, client, app):
    admin.post_form(INDEX + "new/google", display_name="Google", client_id="g-client",
                    client_secret="g-secret")
    [provider] = providers(app)
    assert provider.scope == "openid profile email"
    response = client.get(INDEX + "new/google")
    assert response.status_code == 303
    assert response.location.endswith(f"/{provider.id}/")
    assert "Google is already configured as &#39;Google&#39;" in client.get(
        response.location).get_data(as_text=True)


def test_social_form_messages(admin, client, app):
    response = admin.post_form(INDEX + "new/google", display_name="", client_id="",
                               client_secret="")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert errors(html) == [
        "Enter a name: it is the text of the sign-in button.",
        "Enter the client ID (on the provider's developer console; Facebook calls it the App ID).",
        "Enter the client secret (on the provider's developer console; Facebook calls it the "
        "App secret)."]
    assert "Nothing was saved." in html
    assert providers(app) == []


def test_names_are_unique(admin, client, app, metadata):
    admin.post_form(INDEX + "new/facebook", display_name="Social", client_id="1",
                    client_secret="s")
    response = admin.post_form(INDEX + "new/oidc", **oidc_fields(metadata[1],
                                                                display_name="social"))
    assert response.status_code == 400
    assert "An identity provider named &#39;Social&#39; already exists. Choose another name." in \
        response.get_data(as_text=True)
    assert len(providers(app)) == 1


def test_unknown_kind_is_404(admin, client):
    assert client.get(INDEX + "new/myspace").status_code == 404
    assert client.get(INDEX + "no-such-id/").status_code == 404


# -- OpenID Connect --------------------------------------------------------------------------

def test_create_openid_connect_provider(admin, client, app, metadata):
    server, url = metadata
    page = client.get(INDEX + "new/oidc").get_data(as_text=True)
    for label in ("Name", "Metadata url", "Client ID", "Client secret", "Scope", "Response type",
                  "Response mode", "Domain hint", "User ID", "Display name", "Given name",
                  "Surname", "Email"):
        assert f">{label}</label>" in page, label
    assert "Identity provider claims mapping" in page
    assert 'id="developer-console"' not in page
    response = admin.post_form(INDEX + "new/oidc", **oidc_fields(url))
    assert response.status_code == 303, errors(response.get_data(as_text=True))
    assert server.received  # the discovery document was fetched over HTTP
    [provider] = providers(app)
    assert (provider.kind, provider.metadata_url, provider.response_mode,
            provider.domain_hint) == ("oidc", url, "form_post", "partner.example")
    assert provider.claims_mapping == {"user_id": "oid", "display_name": "name",
                                       "given_name": "given_name", "surname": "family_name",
                                       "email": "upn"}
    html = unescape(client.get(response.location).get_data(as_text=True))
    assert ("Its discovery document names the issuer https://login.partner.example/t/v2.0: the "
            "ID token's iss, which federated identities record.") in html
    assert "oidc-secret" not in html
    assert f'value="{url}"' in html and 'value="oid"' in html
    row = html.split('id="mapping-email"')[1].split("</tr>")[0]
    assert "<code>upn</code>" in row and "<code>email</code>" in row
    assert "id=\"provider-issuer\">the ID token's <code>iss</code>" in html
    [record] = audits(app, "Create identity provider")
    assert record.additional_details["metadataUrl"] == url
    assert "user_id=oid" in record.additional_details["claimsMapping"]
    assert "oidc-secret" not in repr(record.additional_details)


def test_id_token_response_type_needs_no_secret(admin, client, app, metadata):
    response = admin.post_form(INDEX + "new/oidc", **oidc_fields(
        metadata[1], client_secret="", response_type="id_token"))
    assert response.status_code == 303, errors(response.get_data(as_text=True))
    [provider] = providers(app)
    assert provider.response_type == "id_token" and provider.client_secret_encrypted is None


@pytest.mark.parametrize("fields, message", [
    ({"metadata_url": "ftp://x.example/meta"},
     "The metadata URL must be an absolute http:// or https:// URL, e.g. "
     "https://login.example.com/.well-known/openid-configuration."),
    ({"metadata_url": ""}, "Enter the metadata URL: the provider's "
                           "/.well-known/openid-configuration document."),
    ({"client_secret": ""}, "Enter the client secret (on the provider's developer "
                            "console; Facebook calls it the App secret)."),
    ({"scope": "profile email"}, "The scope must include openid (an OpenID Connect provider "
                                 "returns an ID token only for it), e.g. openid profile."),
    ({"response_type": "token"}, "Choose code or id_token."),
    ({"response_mode": "fragment"}, "Choose form_post or query."),
    ({"response_type": "id_token", "response_mode": "query"},
     "Response type id_token needs response mode form_post: an ID token must not travel in "
     "the URL query."),
    ({"domain_hint": "contoso com"}, "A domain hint is one word or domain, e.g. contoso.com, "
                                     "without spaces."),
    ({"map_user_id": ""}, "Enter the claim that holds the user's unique ID (usually sub)."),
    ({"map_email": "e mail"}, "A claim name has letters, digits and _ - . : / only, e.g. "
                              "given_name."),
])
def test_openid_connect_form_messages(admin, client, app, metadata, fields, message):
    response = admin.post_form(INDEX + "new/oidc", **oidc_fields(metadata[1], **fields))
    assert response.status_code == 400
    assert message in errors(response.get_data(as_text=True))
    assert providers(app) == [] and audits(app, "Create identity provider") == []


def test_domain_hint_picks_one_provider(admin, client, app, metadata):
    admin.post_form(INDEX + "new/google", display_name="Google", client_id="g",
                    client_secret="s")
    response = admin.post_form(INDEX + "new/oidc", **oidc_fields(metadata[1],
                                                                domain_hint="Google.com"))
    assert response.status_code == 400
    assert ("The domain hint Google.com already picks 'Google'. Choose another one."
            in errors(response.get_data(as_text=True)))
    assert admin.post_form(INDEX + "new/oidc", **oidc_fields(metadata[1])).status_code == 303
    response = admin.post_form(INDEX + "new/oidc", **oidc_fields(
        metadata[1], display_name="Partner two"))
    assert "The domain hint partner.example already picks 'Partner AD'. Choose another one." in \
        errors(response.get_data(as_text=True))
    partner = next(p for p in providers(app) if p.kind == "oidc")
    # saving the provider itself keeps its own hint
    assert admin.post_form(INDEX + f"{partner.id}/", **oidc_fields(metadata[1])).status_code == 303


def test_secrets_stay_out_of_the_logs(admin, client, app, metadata, caplog):
    caplog.set_level("DEBUG")
    admin.post_form(INDEX + "new/facebook", display_name="Facebook", client_id="1",
                    client_secret=SECRET)
    admin.post_form(INDEX + "new/oidc", **oidc_fields(metadata[1], client_secret="oidc-LOGGED?"))
    assert len(providers(app)) == 2
    assert SECRET not in caplog.text and "oidc-LOGGED?" not in caplog.text
    assert "openid-configuration" in caplog.text  # the log did record the discovery fetch


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("answer, message", [
    ((404, {"error": "not found"}), "The metadata URL answered HTTP 404, not 200. It usually "
                                    "ends in /.well-known/openid-configuration."),
    ((200, "<html>sign in</html>"), "The metadata URL did not answer JSON: it is not an OpenID "
                                    "Connect discovery document"),
    ((200, ["issuer"]), "The metadata URL answered JSON that is not an object"),
    ((200, {"issuer": "https://x", "authorization_endpoint": "https://x/a"}),
     "The discovery document lacks jwks_uri, token_endpoint: it is not a complete OpenID "
     "Connect discovery document."),
    ((200, discovery(response_types_supported=["id_token"])),
     "The provider does not support response type code (its response_types_supported: "
     "id_token)."),
])
def test_metadata_document_problems_are_named(admin, client, app, metadata, answer, message):
    server, url = metadata
    server.answer(*answer)
    response = admin.post_form(INDEX + "new/oidc", **oidc_fields(url))
    assert response.status_code == 400
    assert any(message in error
               for error in errors(response.get_data(as_text=True))), errors(
        response.get_data(as_text=True))
    assert providers(app) == []


def test_unreachable_metadata_url(admin, client, app):
    url = f"http://127.0.0.1:{_closed_port()}/.well-known/openid-configuration"
    response = admin.post_form(INDEX + "new/oidc", **oidc_fields(url))
    assert response.status_code == 400
    assert ("The metadata URL could not be reached: the connection was refused. Check the "
            "address and that the provider is running.") in errors(response.get_data(as_text=True))
    assert providers(app) == []


# -- edit and delete -------------------------------------------------------------------------

def test_edit_keeps_or_replaces_the_secret(admin, client, app, metadata):
    admin.post_form(INDEX + "new/oidc", **oidc_fields(metadata[1]))
    [provider] = providers(app)
    page = INDEX + f"{provider.id}/"
    response = admin.post_form(page, **oidc_fields(metadata[1], display_name="Partner",
                                                   client_secret="", map_user_id="sub"))
    assert response.status_code == 303, errors(response.get_data(as_text=True))
    with app.app_context():
        row = db.session.get(IdentityProvider, provider.id)
        assert row.display_name == "Partner" and row.claims_mapping["user_id"] == "sub"
        assert store.client_secret(row) == "oidc-secret"
    admin.post_form(page, **oidc_fields(metadata[1], display_name="Partner",
                                        client_secret="rotated"))
    with app.app_context():
        assert store.client_secret(db.session.get(IdentityProvider, provider.id)) == "rotated"
    assert len(audits(app, "Update identity provider")) == 2


def test_edit_refetches_the_metadata(admin, client, app, metadata):
    server, url = metadata
    admin.post_form(INDEX + "new/oidc", **oidc_fields(url))
    [provider] = providers(app)
    server.answer(500, {"error": "down"})
    response = admin.post_form(INDEX + f"{provider.id}/", **oidc_fields(url, client_id="new"))
    assert response.status_code == 400
    assert "The metadata URL answered HTTP 500, not 200." in response.get_data(as_text=True)
    assert providers(app)[0].client_id == "partner-app"


def test_delete_unused_provider(admin, client, app):
    admin.post_form(INDEX + "new/facebook", display_name="Facebook", client_id="1",
                    client_secret="s")
    [provider] = providers(app)
    response = admin.post_form(INDEX + f"{provider.id}/", INDEX + f"{provider.id}/delete")
    assert response.status_code == 303
    assert providers(app) == []
    [record] = audits(app, "Delete identity provider")
    assert record.additional_details["displayName"] == "Facebook"


def test_delete_asks_then_removes_the_provider_from_its_flows(admin, client, app):
    admin.post_form(INDEX + "new/facebook", display_name="Facebook", client_id="1",
                    client_secret="s")
    admin.post_form(INDEX + "new/google", display_name="Google", client_id="2",
                    client_secret="s")
    facebook, google = sorted(providers(app), key=lambda p: p.kind)
    flow_id = add_flow(app, "B2C_1_social", local_account_type="email",
                       identity_providers=[facebook.id, google.id])
    page = INDEX + f"{facebook.id}/"
    response = admin.post_form(page, page + "delete")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "B2C_1_social" in html.split('id="flows-using"')[1].split("</ul>")[0]
    assert len(providers(app)) == 2
    response = admin.post_form(page, page + "delete", confirm="yes")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(UserFlow, flow_id).config["identity_providers"] == [google.id]
    assert "removed from B2C_1_social" in client.get(INDEX).get_data(as_text=True)
    [record] = audits(app, "Delete identity provider")
    assert record.additional_details["removedFrom"] == "B2C_1_social"


def test_delete_refused_when_a_flow_would_have_nothing_to_sign_in_with(admin, client, app):
    admin.post_form(INDEX + "new/google", display_name="Google", client_id="2",
                    client_secret="s")
    [google] = providers(app)
    add_flow(app, "B2C_1_google_only", local_account_type="none",
             identity_providers=[google.id])
    page = INDEX + f"{google.id}/"
    response = admin.post_form(page, page + "delete", confirm="yes")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "cannot be deleted" in html
    assert "B2C_1_google_only" in html.split('id="flows-stranded"')[1].split("</ul>")[0]
    assert 'id="confirm-delete"' not in html
    assert len(providers(app)) == 1 and audits(app, "Delete identity provider") == []


# -- access ----------------------------------------------------------------------------------

def test_anonymous_requests_are_refused(client, app):
    response = client.get(INDEX + "new/oidc")
    assert response.status_code == 302 and "/portal/sign-in" in response.location
    response = client.post(INDEX + "new/facebook", data={"display_name": "Facebook",
                                                         "client_id": "1", "client_secret": "s"})
    assert response.status_code in (400, 401)
    assert providers(app) == []


def test_forms_without_csrf_token_are_refused(admin, client, app):
    response = client.post(INDEX + "new/facebook", data={"display_name": "Facebook",
                                                         "client_id": "1", "client_secret": "s"})
    assert response.status_code == 400
    assert providers(app) == []
    admin.post_form(INDEX + "new/facebook", display_name="Facebook", client_id="1",
                    client_secret="s")
    [provider] = providers(app)
    assert client.post(INDEX + f"{provider.id}/", data={
        "display_name": "Hacked", "client_id": "1"}).status_code == 400
    assert client.post(INDEX + f"{provider.id}/delete").status_code == 400
    assert providers(app)[0].display_name == "Facebook"
