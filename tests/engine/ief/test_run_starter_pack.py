"""The starter pack's LocalAccounts journeys (unmodified, placeholders replaced) compiled and
run on ``journey.advance`` with the real store ports: sign up with e-mail verification, sign
in, a wrong password, "Forgot your password?", profile edit, password reset, SSO."""
from __future__ import annotations

import pytest

from idp.extensions import db
from idp.models import DirectoryUser, UserIdentity
from tests.engine.ief import pack
from tests.engine.ief.journeys import PASSWORD, Run, compiled, sign_up


@pytest.fixture
def files():
    return pack.chain()


@pytest.fixture
def susi(files):
    return compiled(files, "B2C_1A_signup_signin").journey


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


def _user(email):
    identity = db.session.execute(db.select(UserIdentity).filter_by(
        issuer_assigned_id_key=email.lower())).scalar_one()
    return db.session.get(DirectoryUser, identity.user_object_id)


def test_sign_up_with_email_verification_creates_the_account(ctx, susi):
    run = Run(susi)
    sign_up(run, "Ada@Example.com", displayName="Ada L", givenName="Ada", surname="Lovelace")
    bag = run.completed
    user = _user("ada@example.com")
    assert bag["objectId"] == user.object_id and bag["newUser"] is True
    assert (user.display_name, user.given_name, user.surname) == ("Ada L", "Ada", "Lovelace")
    assert user.attributes.get("passwordPolicies") == "DisablePasswordExpiration"
    assert bag["email"] == "Ada@Example.com"
    assert bag["authenticationSource"] == "localAccountAuthentication"
    assert bag["executed-SelfAsserted-Input"] == "true"
    # step 3 read the account back (AAD-UserReadUsingObjectId)
    assert bag["displayName"] == "Ada L" and bag["signInNames.emailAddress"] == "Ada@Example.com"
    assert "newPassword" not in bag and "password" not in bag
    orders = [(t["order"], t["status"]) for t in run.state.trace]
    assert (2, "ran") in orders and (4, "ran") in orders


def test_sign_up_page_is_built_from_the_claims_schema_and_localization(ctx, susi):
    run = Run(susi)
    run.go()
    run.go({"action": "select", "exchange": "SignUpWithLogonEmailExchange"})
    page = run.page
    assert page["contract"] == "selfasserted"
    assert page["content_definition"] == "api.localaccountsignup"
    assert [f["claim"] for f in page["fields"]] == ["email", "newPassword", "reenterPassword",
                                                    "displayName", "givenName", "surname"]
    assert run.field("email")["verify"] and run.field("email")["required"]
    assert not run.field("displayName")["required"]
    assert run.field("newPassword")["input_type"] == "Password"
    assert run.field("surname")["label"] == "Surname"
    assert page["primary"]["label"] == "Create"   # api.localaccountsignup.en button_continue
    assert page["cancel"] is True


def test_sign_up_refuses_an_email_already_registered(ctx, susi):
    sign_up(Run(susi), "taken@example.com")
    run = Run(susi)
    sign_up(run, "taken@example.com")
    assert run.profile == "LocalAccountSignUpWithLogonEmail"
    assert run.page["page_error"] == ("A user with the specified ID already exists. Please "
                                      "choose a different one.")


def test_sign_up_checks_the_password_pattern_with_its_help_text(ctx, susi):
    run = Run(susi)
    sign_up(run, "weak@example.com", password="short")
    assert run.profile == "LocalAccountSignUpWithLogonEmail"
    assert run.field("newPassword")["error"].startswith("8-16 characters, containing 3 out of 4")


def test_sign_in_then_wrong_password(ctx, susi):
    sign_up(Run(susi), "grace@example.com", givenName="Grace")
    run = Run(susi)
    page = run.go()
    assert run.page["contract"] == "unifiedssp"
    assert run.field("signInName")["label"] == "Email Address"
    assert {link["id"] for link in page.view["links"]} == {"forgotPassword", "createAccount"}
    run.go({"action": "continue", "signInName": "grace@example.com", "password": "Nope1234!"})
    assert run.page["page_error"] == "Your password is incorrect."
    bag = run.go({"action": "continue", "signInName": "grace@example.com",
                  "password": PASSWORD}) and run.completed
    assert bag["objectId"] == _user("grace@example.com").object_id
    assert bag["givenName"] == "Grace" and "newUser" not in bag
    statuses = {t["order"]: t["status"] for t in run.state.trace}
    assert statuses[2] == "skipped"   # precondition: objectId exists


def test_sign_in_unknown_account_uses_the_localized_message(ctx, susi):
    run = Run(susi)
    run.go()
    run.go({"action": "continue", "signInName": "nobody@example.com", "password": PASSWORD})
    assert run.page["page_error"] == "We can't seem to find your account."


def test_forgot_password_returns_aadb2c90118_to_the_app(ctx, susi):
    run = Run(susi)
    run.go()
    run.go({"action": "select", "exchange": "ForgotPasswordExchange"})
    assert run.halted.code == "AADB2C90118"
    assert run.halted.error == "access_denied"


def test_sso_skips_the_sign_in_page(ctx, susi):
    sign_up(Run(susi), "sso@example.com")
    object_id = _user("sso@example.com").object_id
    run = Run(susi, sso=True, bag={"objectId": object_id,
                                   "authenticationSource": "localAccountAuthentication"})
    bag = run.go() and run.completed
    assert bag["objectId"] == object_id
    first = run.state.trace[0]
    assert first["status"] == "skipped" and "single sign-on" in first["reason"]


def test_profile_edit_signs_in_then_writes_the_edited_names(ctx, files, susi):
    sign_up(Run(susi), "edit@example.com", givenName="Old", surname="Name")
    run = Run(compiled(files, "B2C_1A_ProfileEdit").journey)
    run.go()
    assert run.profile == "SelfAsserted-LocalAccountSignin-Email"
    assert run.page["contract"] == "selfasserted"   # api.localaccountsignin
    run.go({"action": "continue", "signInName": "edit@example.com", "password": PASSWORD})
    assert run.profile == "SelfAsserted-ProfileUpdate"
    assert run.field("givenName")["value"] == "Old"   # prefilled from the input claims
    bag = run.go({"action": "continue", "givenName": "New", "surname": "Person"}) \
        and run.completed
    user = _user("edit@example.com")
    assert (user.given_name, user.surname) == ("New", "Person")
    assert bag["givenName"] == "New"
    assert run.state.trace[0]["status"] == "ran"   # the one-choice provider selection


def test_password_reset_verifies_the_email_then_sets_the_password(ctx, files, susi):
    sign_up(Run(susi), "reset@example.com")
    run = Run(compiled(files, "B2C_1A_PasswordReset").journey)
    run.go()
    assert run.profile == "LocalAccountDiscoveryUsingEmailAddress"
    run.verify_email("reset@example.com")
    run.go({"action": "continue", "email": "reset@example.com"})
    assert run.profile == "LocalAccountWritePasswordUsingObjectId"
    bag = run.go({"action": "continue", "newPassword": "N3w!Passw0rd",
                  "reenterPassword": "N3w!Passw0rd"}) and run.completed
    assert bag["objectId"] == _user("reset@example.com").object_id
    signed_in = Run(susi)
    signed_in.go()
    signed_in.go({"action": "continue", "signInName": "reset@example.com",
                  "password": "N3w!Passw0rd"})
    assert signed_in.completed["objectId"] == bag["objectId"]


def test_password_reset_for_an_unknown_email_says_so(ctx, files):
    run = Run(compiled(files, "B2C_1A_PasswordReset").journey)
    run.go()
    run.verify_email("ghost@example.com")
    run.go({"action": "continue", "email": "ghost@example.com"})
    assert run.page["page_error"] == "An account could not be found for the provided user ID."


def test_password_reset_of_a_disabled_account_is_refused_by_the_assertion(ctx, files, susi):
    sign_up(Run(susi), "off@example.com")
    _user("off@example.com").account_enabled = False
    db.session.commit()
    run = Run(compiled(files, "B2C_1A_PasswordReset").journey)
    run.go()
    run.verify_email("off@example.com")
    run.go({"action": "continue", "email": "off@example.com"})
    assert run.page["page_error"] == ("Your account has been locked. Contact your support "
                                      "person to unlock it, then try again.")


def test_login_hint_prefills_the_sign_in_name_through_its_claim_resolver(ctx, susi):
    run = Run(susi, request={"client_id": "app", "login_hint": "hint@example.com"})
    run.go()
    assert run.field("signInName")["value"] == "hint@example.com"
    plain = Run(susi)
    plain.go()
    assert plain.field("signInName")["value"] == ""   # {OIDC:LoginHint} with no hint: empty


def test_smart_lockout_locks_after_the_tenants_threshold(ctx, susi):
    from idp.store.tenant import current_tenant

    sign_up(Run(susi), "locked@example.com")
    tenant = current_tenant()
    tenant.settings = {**(tenant.settings or {}), "lockout_threshold": 3}
    db.session.commit()
    run = Run(susi)
    run.go()
    for attempt in range(3):   # three different wrong passwords (a repeated one counts once)
        run.go({"action": "continue", "signInName": "locked@example.com",
                "password": f"Wrong{attempt}!pass"})
    assert run.page["page_error"] == ("Your account is temporarily locked to prevent "
                                      "unauthorized use. Try again later.")
    run.go({"action": "continue", "signInName": "locked@example.com", "password": PASSWORD})
    assert run.profile == "SelfAsserted-LocalAccountSignin-Email"   # still locked


def test_cancel_on_the_sign_up_page_returns_aadb2c90091(ctx, susi):
    run = Run(susi)
    run.go()
    run.go({"action": "select", "exchange": "SignUpWithLogonEmailExchange"})
    run.go({"action": "cancel"})
    assert run.halted.code == "AADB2C90091"
