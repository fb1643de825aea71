"""idp.store.identity_providers: the helpers the blade and the federation runtime share
(endpoints of the practice providers from settings, issuers, the sealed secret, the claims
mapping, the providers a flow ticked in its order, the reply URL)."""
from __future__ import annotations

import pytest

from idp.extensions import db
from idp.models import IdentityProvider, UserFlow
from idp.store import identity_providers as store


def add(kind, name, **fields) -> IdentityProvider:
    provider = IdentityProvider(kind=kind, display_name=name, client_id=f"{name}-client",
                                **fields)
    db.session.add(provider)
    db.session.commit()
    return provider


def test_practice_urls_derive_from_the_public_url(app):
    with app.app_context():
        facebook, google = add("facebook", "Facebook"), add("google", "Google")
        assert store.metadata_url(facebook) == "http://localhost:5000/practice/facebook"
        assert store.metadata_url(google) == (
            "http://localhost:5000/practice/google/.well-known/openid-configuration")
        assert store.reply_url() == (
            "http://localhost:5000/contoso.onmicrosoft.com/oauth2/authresp")


@pytest.mark.settings(IDP_PRACTICE_FACEBOOK_URL="http://127.0.0.1:9/fb/",
                      IDP_PRACTICE_GOOGLE_URL="http://127.0.0.1:9/g")
def test_practice_urls_follow_their_settings(app):
    with app.app_context():
        facebook = add("facebook", "Facebook", metadata_url="http://ignored.example/")
        google = add("google", "Google")
        assert store.metadata_url(facebook) == "http://127.0.0.1:9/fb"
        assert store.metadata_url(google) == "http://127.0.0.1:9/g/.well-known/openid-configuration"


def test_oidc_uses_the_typed_metadata_url_and_its_issuer(app):
    with app.app_context():
        oidc = add("oidc", "Contoso AD",
                   metadata_url="https://Login.Example.com/t/v2.0/.well-known/openid-configuration")
        assert store.metadata_url(oidc) == oidc.metadata_url
        assert store.issuer_name(oidc) == "login.example.com"
        assert store.issuer_name(oidc, token_issuer="https://login.example.com/t/v2.0") == (
            "https://login.example.com/t/v2.0")
        assert store.issuer_name(add("facebook", "Facebook")) == "facebook.com"
        assert store.issuer_name(add("google", "Google"), token_issuer="https://x") == "google.com"


def test_client_secret_is_sealed_and_opened(app):
    with app.app_context():
        provider = add("google", "Google")
        store.set_client_secret(provider, "s3cret-value")
        db.session.commit()
        assert "s3cret-value" not in provider.client_secret_encrypted
        assert store.client_secret(provider) == "s3cret-value"
        store.set_client_secret(provider, "")
        assert store.client_secret(provider) is None


def test_client_secret_sealed_under_another_key_says_so(app):
    with app.app_context():
        provider = add("google", "Google")
        store.set_client_secret(provider, "s3cret-value")
        app.config["SECRET_KEY"] = "another key"
        with pytest.raises(ValueError, match="SECRET_KEY changed"):
            store.client_secret(provider)


def test_claims_mapping_fills_defaults_and_seeds_b2c_claims(app):
    with app.app_context():
        facebook = add("facebook", "Facebook")
        assert store.claims_mapping(facebook) == store.DEFAULT_MAPPINGS["facebook"]
        oidc = add("oidc", "Corp", metadata_url="https://corp.example/.well-known/x",
                   claims_mapping={"user_id": "oid", "email": "", "junk": "x"})
        mapping = store.claims_mapping(oidc)
        assert mapping["user_id"] == "oid" and mapping["email"] == "email"
        assert "junk" not in mapping
        claims = {"oid": 42, "name": "Ada L", "given_name": "Ada", "family_name": "",
                  "email": "ada@corp.example"}
        assert store.seeded_claims(mapping, claims) == {
            "issuerUserId": "42", "displayName": "Ada L", "givenName": "Ada",
            "email": "ada@corp.example"}


def test_providers_for_flow_in_the_flow_order_skipping_deleted(app):
    with app.app_context():
        google, facebook = add("google", "Google"), add("facebook", "Facebook")
        config = {"identity_providers": [google.id, "gone", facebook.id, google.id]}
        assert [p.display_name for p in store.providers_for_flow(config)] == ["Google", "Facebook"]
        assert store.providers_for_flow({}) == []
        assert store.providers_for_flow(None) == []
        db.session.add(UserFlow(name="B2C_1_social", name_key="b2c_1_social",
                                flow_type="signUpOrSignIn",
                                config={"identity_providers": [facebook.id]}))
        db.session.commit()
        assert [f.name for f in store.flows_using(facebook.id)] == ["B2C_1_social"]
        assert store.flows_using(google.id) == []
        assert [p.display_name for p in store.list_providers()] == ["Facebook", "Google"]
        assert store.provider_named(" google ").id == google.id


def test_provider_for_issuer(app):
    with app.app_context():
        facebook = add("facebook", "Facebook")
        oidc = add("oidc", "Partner", metadata_url="https://login.partner.example/t/.well-known/x")
        assert store.provider_for_issuer("facebook.com").id == facebook.id
        assert store.provider_for_issuer("https://login.partner.example/t/v2.0").id == oidc.id
        assert store.provider_for_issuer("login.partner.example").id == oidc.id
        assert store.provider_for_issuer("google.com") is None
        assert store.provider_for_issuer("https://other.example/") is None
