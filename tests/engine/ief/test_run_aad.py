"""The Azure Active Directory technical profile against the real directory store: Read,
Write (create and update, PersistedClaims by PartnerClaimType), DeleteClaims,
DeleteClaimsPrincipal, the Raise... switches, and the account named by each identifier."""
from __future__ import annotations

import pytest

from idp.engine.ief.aad import AadRefused, AadUnsupported, run_aad
from idp.engine.ief.model import TechnicalProfileDef
from idp.extensions import db
from idp.models import DirectoryUser
from idp.store.hashing import check_password
from idp.store.ports import make_ports
from idp.store.tenant import current_tenant


@pytest.fixture
def directory(app):
    with app.app_context():
        yield make_ports(current_tenant()).directory


def tp(operation, **flags):
    return TechnicalProfileDef("AAD-Test", metadata={"Operation": operation,
                                                     **{k: str(v).lower()
                                                        for k, v in flags.items()}})


def create(directory, email="kim@example.com", **attributes):
    return run_aad(tp("Write", RaiseErrorIfClaimsPrincipalAlreadyExists=True),
                   [("signInNames.emailAddress", email)],
                   [("signInNames.emailAddress", email), ("password", "Passw0rd!Lab"),
                    ("displayName", "Kim"), *attributes.items()], directory)


def test_write_creates_the_account_with_its_persisted_claims(directory):
    out = create(directory, strongAuthenticationEmailAddress="kim@work.example",
                 otherMails=["kim@home.example"], extension_loyaltyId="L-1")
    db.session.commit()
    user = db.session.get(DirectoryUser, out["objectId"])
    assert out["newClaimsPrincipalCreated"] is True
    assert user.display_name == "Kim" and check_password("Passw0rd!Lab", user.password_hash)
    assert user.attributes["strongAuthenticationEmailAddress"] == "kim@work.example"
    assert out["otherMails"] == ["kim@home.example"]
    assert out["extension_loyaltyId"] == "L-1"
    assert out["signInNames.emailAddress"] == "kim@example.com"
    assert out["userPrincipalName"] == f"{out['objectId']}@contoso.onmicrosoft.com"
    assert out["accountEnabled"] is True


def test_write_refuses_an_existing_sign_in_name(directory):
    create(directory)
    with pytest.raises(AadRefused) as refused:
        create(directory, email="KIM@example.com")
    assert refused.value.string_id == "UserMessageIfClaimsPrincipalAlreadyExists"


def test_write_updates_an_existing_account(directory):
    object_id = create(directory)["objectId"]
    out = run_aad(tp("Write", RaiseErrorIfClaimsPrincipalDoesNotExist=True),
                  [("objectId", object_id)], [("objectId", object_id), ("givenName", "K."),
                                              ("password", "N3w!Passw0rd")], directory)
    db.session.commit()
    user = db.session.get(DirectoryUser, object_id)
    assert out["newClaimsPrincipalCreated"] is False and user.given_name == "K."
    assert check_password("N3w!Passw0rd", user.password_hash)


@pytest.mark.parametrize("identifier", ["objectId", "signInNames.emailAddress",
                                        "userPrincipalName", "signInNames"])
def test_read_finds_the_account_by_each_identifier(directory, identifier):
    created = create(directory)
    value = {"objectId": created["objectId"], "signInNames.emailAddress": "Kim@Example.com",
             "userPrincipalName": created["userPrincipalName"],
             "signInNames": "kim@example.com"}[identifier]
    out = run_aad(tp("Read"), [(identifier, value)], [], directory)
    assert out["objectId"] == created["objectId"] and out["displayName"] == "Kim"


def test_read_of_nobody_returns_nothing_or_refuses(directory):
    assert run_aad(tp("Read"), [("objectId", "no-such-id")], [], directory) == {}
    with pytest.raises(AadRefused) as refused:
        run_aad(tp("Read", RaiseErrorIfClaimsPrincipalDoesNotExist=True),
                [("signInNames.emailAddress", "ghost@example.com")], [], directory)
    assert refused.value.message == "An account could not be found for the provided user ID."


def test_delete_claims_and_delete_claims_principal(directory):
    object_id = create(directory, extension_loyaltyId="L-1")["objectId"]
    run_aad(tp("DeleteClaims"), [("objectId", object_id)],
            [("objectId", object_id), ("extension_loyaltyId", "x")], directory)
    assert "extension_loyaltyId" not in run_aad(tp("Read"), [("objectId", object_id)], [],
                                                directory)
    run_aad(tp("DeleteClaimsPrincipal"), [("objectId", object_id)], [], directory)
    db.session.commit()
    assert db.session.get(DirectoryUser, object_id) is None


def test_what_the_directory_cannot_do_is_named(directory):
    with pytest.raises(AadUnsupported, match="'alternativeSecurityId' .* cannot name an "
                                             "account here"):
        run_aad(tp("Read"), [("alternativeSecurityId", "x")], [], directory)
    with pytest.raises(AadUnsupported, match="would create an account without a sign-in name"):
        run_aad(tp("Write"), [("objectId", "new")], [("displayName", "X")], directory)
    with pytest.raises(AadUnsupported, match="Operation 'Upsert'"):
        run_aad(tp("Upsert"), [("objectId", "x")], [], directory)
