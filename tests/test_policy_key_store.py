"""idp.store.policy_keys: the containers custom policies reference (the contract I3 and the
upload validator code against)."""
from __future__ import annotations

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from idp.extensions import db
from idp.models import PolicyKey
from idp.store import policy_keys
from idp.store.policy_keys import PolicyKeyError


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def test_generated_rsa_key_signs_and_its_public_jwks_verifies(ctx):
    made = policy_keys.generate_rsa("TokenSigningKeyContainer", "sig")
    db.session.commit()
    assert made.name == "B2C_1A_TokenSigningKeyContainer"
    assert policy_keys.container_names() == {"B2C_1A_TokenSigningKeyContainer"}

    kid, private = policy_keys.signing_key("b2c_1a_tokensigningkeycontainer")  # any case
    assert kid == made.kid and len(kid) == 43
    token = jwt.encode({"alg": "RS256", "kid": kid}, {"sub": "x"}, private)

    jwks = policy_keys.public_jwks("B2C_1A_TokenSigningKeyContainer")
    [entry] = jwks["keys"]
    assert set(entry) == {"kid", "nbf", "use", "kty", "e", "n"}
    assert entry["kid"] == kid and entry["use"] == "sig" and entry["kty"] == "RSA"
    assert jwt.decode(token, KeySet.import_key_set(jwks)).claims == {"sub": "x"}
    assert int.from_bytes(__import__("base64").urlsafe_b64decode(
        entry["n"] + "==")).bit_length() == 2048


def test_kid_is_stable_across_reads(ctx):
    made = policy_keys.generate_rsa("TokenEncryptionKeyContainer", "enc")
    db.session.commit()
    db.session.expire_all()
    first = policy_keys.public_jwks("B2C_1A_TokenEncryptionKeyContainer")["keys"][0]
    second = policy_keys.public_jwks("B2C_1A_TokenEncryptionKeyContainer")["keys"][0]
    assert first == second and first["kid"] == made.kid and first["use"] == "enc"


def test_material_is_stored_sealed(ctx):
    policy_keys.generate_rsa("TokenSigningKeyContainer")
    policy_keys.add_secret("RestApiPassword", "p@ss-w0rd-secret")
    db.session.commit()
    rows = {r.name: r for r in db.session.execute(db.select(PolicyKey)).scalars()}
    rsa = rows["B2C_1A_TokenSigningKeyContainer"].material_encrypted
    secret = rows["B2C_1A_RestApiPassword"].material_encrypted
    assert "PRIVATE KEY" not in rsa and "p@ss-w0rd-secret" not in secret
    assert policy_keys.secret_value("B2C_1A_RestApiPassword") == "p@ss-w0rd-secret"


def test_secret_has_no_public_key_and_cannot_sign(ctx):
    policy_keys.add_secret("RestApiUsername", "workshop")
    db.session.commit()
    assert policy_keys.public_jwks("B2C_1A_RestApiUsername") == {"keys": []}
    with pytest.raises(PolicyKeyError, match="holds a secret, not an RSA key"):
        policy_keys.signing_key("B2C_1A_RestApiUsername")


def test_rsa_private_part_is_not_a_secret_value(ctx):
    policy_keys.generate_rsa("TokenSigningKeyContainer")
    with pytest.raises(PolicyKeyError, match="is an RSA key, not a secret"):
        policy_keys.secret_value("B2C_1A_TokenSigningKeyContainer")


def test_missing_container_is_named(ctx):
    with pytest.raises(PolicyKeyError, match="'B2C_1A_Nope' does not exist"):
        policy_keys.signing_key("B2C_1A_Nope")
    with pytest.raises(PolicyKeyError, match="'B2C_1A_Nope' does not exist"):
        policy_keys.public_jwks("B2C_1A_Nope")
    assert policy_keys.container_names() == set()


def test_duplicate_names_are_refused_case_insensitively(ctx):
    policy_keys.generate_rsa("TokenSigningKeyContainer")
    db.session.commit()
    with pytest.raises(PolicyKeyError, match="already exists"):
        policy_keys.add_secret("tokensigningkeycontainer", "s")
    with pytest.raises(PolicyKeyError, match="already exists"):
        policy_keys.generate_rsa("B2C_1A_TOKENSIGNINGKEYCONTAINER")
    assert len(policy_keys.all_keys()) == 1


@pytest.mark.parametrize("typed, message", [
    ("", "Enter a name"),
    ("   ", "Enter a name"),
    ("B2C_1A_", "Enter a name"),
    ("Token Signing", "not allowed (' ')"),
    ("Key<script>", "not allowed ('<', '>')"),
    ("Clé", "not allowed ('é')"),
    ("x" * 122, "too long: at most 121"),
])
def test_invalid_names_are_refused_with_the_reason(ctx, typed, message):
    with pytest.raises(PolicyKeyError, match=__import__("re").escape(message)):
        policy_keys.generate_rsa(typed)
    assert policy_keys.all_keys() == []


def test_prefix_typed_by_the_admin_is_not_doubled(ctx):
    assert policy_keys.full_name("B2C_1A_Foo") == "B2C_1A_Foo"
    assert policy_keys.full_name("b2c_1a_Foo") == "B2C_1A_Foo"
    assert policy_keys.full_name("Foo-bar_1") == "B2C_1A_Foo-bar_1"
    assert policy_keys.full_name("x" * 121) == "B2C_1A_" + "x" * 121


def test_bad_usage_and_empty_secret_are_refused(ctx):
    with pytest.raises(PolicyKeyError, match="Signature or Encryption"):
        policy_keys.generate_rsa("K", "both")
    with pytest.raises(PolicyKeyError, match="Enter the secret"):
        policy_keys.add_secret("K", "")
    assert policy_keys.all_keys() == []


def test_delete(ctx):
    policy_keys.generate_rsa("TokenSigningKeyContainer")
    db.session.commit()
    assert policy_keys.delete("b2c_1a_tokensigningkeycontainer") is True
    db.session.commit()
    assert policy_keys.container_names() == set()
    assert policy_keys.delete("B2C_1A_TokenSigningKeyContainer") is False


def test_info_never_carries_material(ctx):
    policy_keys.add_secret("RestApiPassword", "hunter2")
    [info] = policy_keys.all_keys()
    assert "hunter2" not in repr(info)
    assert info.usage_label == "Signature" and info.key_type == "secret"


def test_a_key_sealed_under_another_secret_key_is_named_not_a_crash(app, ctx):
    policy_keys.generate_rsa("TokenSigningKeyContainer")
    policy_keys.add_secret("RestApiPassword", "pw")
    db.session.commit()
    app.config["SECRET_KEY"] = "another-secret-key-than-the-one-it-was-sealed-under"
    for read in (lambda: policy_keys.signing_key("B2C_1A_TokenSigningKeyContainer"),
                 lambda: policy_keys.public_jwks("B2C_1A_TokenSigningKeyContainer"),
                 lambda: policy_keys.secret_value("B2C_1A_RestApiPassword")):
        with pytest.raises(PolicyKeyError, match="cannot be decrypted: SECRET_KEY changed"):
            read()
