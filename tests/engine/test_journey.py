"""The journey executor: preconditions, SSO skips, selections, halts, and what is persisted."""
from dataclasses import dataclass, field

import pytest

from idp.engine.attributes import catalogue
from idp.engine.errors import B2CError
from idp.engine.handlers import HANDLERS
from idp.engine.journey import (Completed, Halted, Precondition, RunState, ShowPage,
                                TRANSIENT_CLAIMS, advance)
from idp.engine.lockout import LockoutState
from idp.engine.ports import AccountExists, AccountRef, Ports
from idp.engine.user_flows import compile_user_flow

CONFIG = {"user_attributes": [{"claim": "displayName"}, {"claim": "city", "optional": True}],
          "application_claims": ["displayName", "emails", "objectId", "newUser", "city"]}


@dataclass
class FakeDirectory:
    accounts: dict = field(default_factory=dict)  # name -> (object_id, password, claims)
    lockouts: dict = field(default_factory=dict)  # object_id -> LockoutState
    mfa: dict = field(default_factory=dict)       # object_id -> MFA enrolment

    def find_local_account(self, sign_in_type, name):
        entry = self.accounts.get(name.lower())
        return AccountRef(entry[0], lockout=self.lockouts.get(entry[0], LockoutState())) \
            if entry else None

    def find_by_email(self, email):
        return self.find_local_account("emailAddress", email)

    def check_password(self, object_id, password):
        return any(e[0] == object_id and e[1] == password for e in self.accounts.values())

    def password_fingerprint(self, object_id, password):
        return f"fp:{password}"

    def save_lockout(self, object_id, state):
        self.lockouts[object_id] = state

    def set_password(self, object_id, password):
        for name, (oid, _old, claims) in list(self.accounts.items()):
            if oid == object_id:
                self.accounts[name] = (oid, password, claims)
        self.lockouts.pop(object_id, None)

    def mfa_profile(self, object_id):
        return dict(self.mfa.get(object_id, {}))

    def save_mfa_profile(self, object_id, profile):
        self.mfa[object_id] = dict(profile)

    def update_attributes(self, object_id, attributes):
        for oid, _pw, claims in self.accounts.values():
            if oid == object_id:
                claims.update(attributes)

    def create_local_account(self, *, sign_in_type, sign_in_name, email, password, attributes):
        if sign_in_name.lower() in self.accounts:
            raise AccountExists(sign_in_name)
        oid = f"oid-{len(self.accounts) + 1}"
        self.accounts[sign_in_name.lower()] = (oid, password, dict(attributes, emails=[email]))
        return oid

    def read_claims(self, object_id):
        return next(e[2] for e in self.accounts.values() if e[0] == object_id)


@dataclass
class FakeMailer:
    sent: list = field(default_factory=list)

    def send(self, to, subject, body, code=None):
        self.sent.append((to, code))


@pytest.fixture
def world():
    directory, mailer = FakeDirectory(), FakeMailer()
    journey = compile_user_flow("B2C_1_t", CONFIG, catalogue())
    return journey, Ports(directory, mailer), directory, mailer


def run(world, state, submission=None, request=None, now=1000.0):
    journey, ports, *_ = world
    return advance(journey, state, handlers=HANDLERS, request=request or {}, ports=ports,
                   now=now, submission=submission)


def sign_up(world, state, email="a@example.com", password="Passw0rd!"):
    _j, _p, _d, mailer = world
    assert isinstance(run(world, state, {"action": "select",
                                         "exchange": "SignUpWithLogonEmailExchange"}), ShowPage)
    run(world, state, {"action": "send_code", "email": email})
    run(world, state, {"action": "verify_code", "email": email, "verificationCode": mailer.sent[-1][1]})
    return run(world, state, {"action": "continue", "newPassword": password,
                              "reenterPassword": password, "displayName": "Ann"})


def test_first_page_is_the_unified_sign_in_page(world):
    outcome = run(world, RunState())
    assert isinstance(outcome, ShowPage)
    assert outcome.view["contract"] == "unifiedssp"
    assert [f["claim"] for f in outcome.view["fields"]] == ["signInName", "password"]


def test_sign_up_runs_every_step_and_completes_with_the_new_user(world):
    state = RunState()
    outcome = sign_up(world, state)
    assert isinstance(outcome, Completed)
    assert outcome.bag["objectId"] == "oid-1" and outcome.bag["newUser"] is True
    assert outcome.bag["emails"] == ["a@example.com"]
    statuses = [(t["order"], t["status"]) for t in state.trace]
    assert statuses == [(1, "ran"), (2, "ran"), (3, "ran"), (4, "ran")]


def test_sign_in_skips_the_sign_up_step_by_precondition(world):
    sign_up(world, RunState())
    state = RunState()
    run(world, state)
    outcome = run(world, state, {"action": "continue", "signInName": "A@example.com",
                                 "password": "Passw0rd!"})
    assert isinstance(outcome, Completed)
    assert "newUser" not in outcome.bag
    skipped = [t for t in state.trace if t["status"] == "skipped"]
    assert [(t["order"], t["reason"]) for t in skipped] == [
        (2, "precondition ClaimsExist: objectId exists")]


def test_sso_session_skips_the_sign_in_page(world):
    sign_up(world, RunState())
    state = RunState(sso=True, bag={"objectId": "oid-1"})
    outcome = run(world, state)
    assert isinstance(outcome, Completed)
    assert state.trace[0]["reason"] == "satisfied by the single sign-on session"


@pytest.mark.parametrize("password,message", [
    ("wrong", "Your password is incorrect."),
])
def test_wrong_password_stays_on_the_page_with_b2c_message(world, password, message):
    sign_up(world, RunState())
    state = RunState()
    outcome = run(world, state, {"action": "continue", "signInName": "a@example.com",
                                 "password": password})
    assert isinstance(outcome, ShowPage) and outcome.view["page_error"] == message
    assert state.step == 0


def test_unknown_account(world):
    outcome = run(world, RunState(), {"action": "continue", "signInName": "x@example.com",
                                      "password": "whatever1A"})
    assert outcome.view["page_error"] == "We can't seem to find your account."


def test_passwords_never_enter_the_bag_or_the_trace(world):
    state = RunState()
    sign_up(world, state, password="S3cret!pass")
    text = repr(state.to_json())
    assert "S3cret!pass" not in text
    assert not TRANSIENT_CLAIMS & set(state.bag)


def test_cancel_on_sign_up_halts_with_aadb2c90091(world):
    state = RunState()
    run(world, state, {"action": "select", "exchange": "SignUpWithLogonEmailExchange"})
    outcome = run(world, state, {"action": "cancel"})
    assert isinstance(outcome, Halted)
    assert outcome.error.description.startswith("AADB2C90091")
    assert outcome.error.error == "access_denied"


def test_forgot_password_without_sspr_halts_with_aadb2c90118(world):
    outcome = run(world, RunState(), {"action": "select", "exchange": "ForgotPasswordExchange"})
    assert isinstance(outcome, Halted) and outcome.error.code == "AADB2C90118"


def test_unknown_selection_is_ignored(world):
    state = RunState()
    outcome = run(world, state, {"action": "select", "exchange": "Nope"})
    assert isinstance(outcome, ShowPage) and state.step == 0


def test_create_is_refused_until_the_email_is_verified(world):
    state = RunState()
    run(world, state, {"action": "select", "exchange": "SignUpWithLogonEmailExchange"})
    outcome = run(world, state, {"action": "continue", "email": "b@example.com",
                                 "newPassword": "Passw0rd!", "reenterPassword": "Passw0rd!",
                                 "displayName": "B"})
    assert isinstance(outcome, ShowPage)
    email = next(f for f in outcome.view["fields"] if f["claim"] == "email")
    assert email["error"] == "You must verify your email address before you can continue."


def test_three_wrong_codes_discard_the_code(world):
    state = RunState()
    run(world, state, {"action": "select", "exchange": "SignUpWithLogonEmailExchange"})
    run(world, state, {"action": "send_code", "email": "c@example.com"})
    for attempt in range(2):
        outcome = run(world, state, {"action": "verify_code", "verificationCode": "000000x"})
        assert outcome.view["verification"]["message"] == "That code is incorrect. Please try again."
    outcome = run(world, state, {"action": "verify_code", "verificationCode": "000000x"})
    assert outcome.view["page_error"] == "You've made too many incorrect attempts. Please try again later."
    assert outcome.view["verification"] is None


def test_expired_code_is_refused(world):
    _j, _p, _d, mailer = world
    state = RunState()
    run(world, state, {"action": "select", "exchange": "SignUpWithLogonEmailExchange"})
    run(world, state, {"action": "send_code", "email": "d@example.com"}, now=1000.0)
    outcome = run(world, state, {"action": "verify_code", "verificationCode": mailer.sent[-1][1]},
                  now=1000.0 + 301)
    assert outcome.view["verification"]["message"] == "That code is expired. Please request a new code."


def test_duplicate_account_message(world):
    sign_up(world, RunState())
    outcome = sign_up(world, RunState())
    assert outcome.view["page_error"] == ("A user with the specified ID already exists. "
                                          "Please choose a different one.")


@pytest.mark.parametrize("fields,claim,message", [
    ({"newPassword": "short", "reenterPassword": "short"}, "newPassword",
     "The password must be between 8 and 64 characters."),
    ({"newPassword": "alllowercase1", "reenterPassword": "alllowercase1"}, "newPassword",
     "The password must have at least 3 of the following: a lowercase letter, an uppercase "
     "letter, a digit, a symbol."),
    ({"newPassword": "Passw0rd!", "reenterPassword": "Passw0rd?"}, "reenterPassword",
     "The password entry fields do not match. Please enter the same password in both fields "
     "and try again."),
    ({"newPassword": "Passw0rd!", "reenterPassword": "Passw0rd!", "displayName": ""},
     "displayName", "This information is required."),
])
def test_sign_up_field_errors(world, fields, claim, message):
    _j, _p, _d, mailer = world
    state = RunState()
    run(world, state, {"action": "select", "exchange": "SignUpWithLogonEmailExchange"})
    run(world, state, {"action": "send_code", "email": "e@example.com"})
    run(world, state, {"action": "verify_code", "verificationCode": mailer.sent[-1][1]})
    outcome = run(world, state, {"action": "continue", "displayName": "E", **fields})
    assert isinstance(outcome, ShowPage)
    errors = {f["claim"]: f["error"] for f in outcome.view["fields"] if f["error"]}
    assert errors == {claim: message}


def test_optional_attribute_may_be_left_empty_and_is_then_not_returned(world):
    state = RunState()
    outcome = sign_up(world, state)
    assert "city" not in outcome.bag


def test_precondition_claim_equals_and_inversion():
    equals = Precondition("ClaimEquals", ("idp", "local"))
    assert equals.skip_reason({"idp": "local"})
    assert equals.skip_reason({"idp": "google"}) is None
    not_exists = Precondition("ClaimsExist", ("objectId",), execute_action_if_true=False)
    assert not_exists.skip_reason({}) and not_exists.skip_reason({"objectId": "x"}) is None


def test_unsupported_flow_type_is_named():
    with pytest.raises(ValueError, match="not supported by this emulator yet"):
        compile_user_flow("B2C_1_x", {"type": "phoneSignIn"}, catalogue())
    with pytest.raises(ValueError, match="no identity provider"):
        compile_user_flow("B2C_1_x", {"local_account_type": "none"}, catalogue())


def test_b2c_error_description_carries_the_code():
    error = B2CError("AADB2C90006", "https://x", "abc")
    assert error.description == ("AADB2C90006: The redirect URI 'https://x' provided in the "
                                 "request is not registered for the client id 'abc'.")


# --- the other flow types ---------------------------------------------------------------------

def world_for(config):
    directory, mailer = FakeDirectory(), FakeMailer()
    return compile_user_flow("B2C_1_t", {**CONFIG, **config}, catalogue()), Ports(directory, mailer), \
        directory, mailer


def verify_email(world, state, email):
    run(world, state, {"action": "send_code", "email": email})
    return run(world, state, {"action": "verify_code", "verificationCode": world[3].sent[-1][1]})


def test_sign_up_flow_starts_on_the_sign_up_page():
    world = world_for({"type": "signUp"})
    page = run(world, RunState())
    assert page.view["content_definition"] == "api.localaccountsignup"


def test_sign_in_flow_has_no_sign_up_link():
    world = world_for({"type": "signIn"})
    page = run(world, RunState())
    assert [link["id"] for link in page.view["links"]] == ["forgotPassword"]
    assert isinstance(run(world, RunState(), {"action": "select",
                                              "exchange": "SignUpWithLogonEmailExchange"}),
                      ShowPage)  # an exchange the page does not offer is ignored


def test_password_reset_flow_verifies_email_then_sets_the_password():
    world = world_for({"type": "passwordReset"})
    _j, _p, directory, _m = world
    sign_up(world_for({})[:1] + world[1:], RunState())  # the account, in this directory
    state = RunState()
    assert run(world, state).view["content_definition"] == "api.localaccountpasswordreset"
    verify_email(world, state, "a@example.com")
    page = run(world, state, {"action": "continue"})
    assert [f["claim"] for f in page.view["fields"]] == ["newPassword", "reenterPassword"]
    weak = run(world, state, {"action": "continue", "newPassword": "weak",
                              "reenterPassword": "weak"})
    assert weak.view["fields"][0]["error"].startswith("The password must be between 8")
    done = run(world, state, {"action": "continue", "newPassword": "N3w-Passw0rd",
                              "reenterPassword": "N3w-Passw0rd"})
    assert isinstance(done, Completed)
    assert directory.check_password("oid-1", "N3w-Passw0rd")


def test_password_reset_for_an_unknown_email():
    world = world_for({"type": "passwordReset"})
    state = RunState()
    run(world, state)
    verify_email(world, state, "nobody@example.com")
    page = run(world, state, {"action": "continue"})
    assert page.view["page_error"] == "An account could not be found for the provided user ID."


def test_sspr_handles_forgot_password_inside_sign_up_or_sign_in():
    world = world_for({"properties": {"self_service_password_reset": True}})
    sign_up(world, RunState())
    state = RunState()
    run(world, state, {"action": "select", "exchange": "ForgotPasswordExchange"})
    verify_email(world, state, "a@example.com")
    run(world, state, {"action": "continue"})
    done = run(world, state, {"action": "continue", "newPassword": "N3w-Passw0rd",
                              "reenterPassword": "N3w-Passw0rd"})
    assert isinstance(done, Completed) and done.bag["isForgotPassword"] is True
    assert [(t["order"], t["status"]) for t in state.trace][:3] == [(1, "ran"), (2, "ran"),
                                                                    (3, "ran")]


def test_profile_edit_prefills_and_writes():
    world = world_for({"type": "profileUpdate"})
    _j, _p, directory, _m = world
    sign_up(world_for({})[:1] + world[1:], RunState())
    state = RunState(sso=True, bag={"objectId": "oid-1"})
    page = run(world, state)
    assert page.view["content_definition"] == "api.selfasserted.profileupdate"
    assert {f["claim"]: f["value"] for f in page.view["fields"]}["displayName"] == "Ann"
    done = run(world, state, {"action": "continue", "displayName": "Annie", "city": "Oslo"})
    assert isinstance(done, Completed)
    assert directory.read_claims("oid-1")["displayName"] == "Annie"


def test_lockout_in_the_journey_refuses_even_the_right_password():
    world = world_for({})
    sign_up(world, RunState())
    for attempt in range(10):
        outcome = run(world, RunState(), {"action": "continue", "signInName": "a@example.com",
                                          "password": f"wrong-{attempt}"})
    assert outcome.view["page_error"].startswith("Your account is temporarily locked")
    right = run(world, RunState(), {"action": "continue", "signInName": "a@example.com",
                                    "password": "Passw0rd!"}, now=1030.0)
    assert right.view["page_error"].startswith("Your account is temporarily locked")
    later = run(world, RunState(), {"action": "continue", "signInName": "a@example.com",
                                    "password": "Passw0rd!"}, now=1061.0)
    assert isinstance(later, Completed)


def test_user_id_sign_up_asks_for_a_user_name_and_a_verified_email():
    world = world_for({"local_account_type": "username"})
    state = RunState()
    run(world, state, {"action": "select", "exchange": "SignUpWithLogonEmailExchange"})
    page = verify_email(world, state, "u@example.com")
    assert [f["claim"] for f in page.view["fields"]][:2] == ["signInName", "email"]
    done = run(world, state, {"action": "continue", "signInName": "ann", "displayName": "Ann",
                              "newPassword": "Passw0rd!", "reenterPassword": "Passw0rd!"})
    assert isinstance(done, Completed)
    assert world[2].find_local_account("userName", "ANN") is not None


# --- multifactor authentication ---------------------------------------------------------------
import datetime as _dt

import pyotp


def mfa_world(method, enforcement="always"):
    return world_for({"properties": {"mfa_method": method, "mfa_enforcement": enforcement}})


def test_email_mfa_after_sign_up_then_sign_in():
    world = mfa_world("email")
    state = RunState()
    page = sign_up(world, state)
    assert page.view["contract"] == "multifactor" and page.view["destination"] == "a***@example.com"
    run(world, state, {"action": "send_code"})
    done = run(world, state, {"action": "verify_code", "verificationCode": world[3].sent[-1][1]})
    assert isinstance(done, Completed) and done.bag["mfaCompleted"] is True


def test_three_wrong_mfa_codes_end_the_run_with_aadb2c90151():
    world = mfa_world("email")
    state = RunState()
    sign_up(world, state)
    run(world, state, {"action": "send_code"})
    for _ in range(2):
        page = run(world, state, {"action": "verify_code", "verificationCode": "000000"})
        assert page.view["message"] == "That code is incorrect. Please try again."
    outcome = run(world, state, {"action": "verify_code", "verificationCode": "000000"})
    assert isinstance(outcome, Halted) and outcome.error.code == "AADB2C90151"


def test_totp_enrolment_then_sign_in_with_a_new_code_and_no_replay():
    world = mfa_world("totp")
    state = RunState()
    page = sign_up(world, state, )
    secret = page.view["totp_secret"]
    assert page.view["qr"].startswith("data:image/svg+xml;base64,")
    assert page.view["totp_uri"].startswith("otpauth://totp/")
    code = pyotp.TOTP(secret).at(_dt.datetime.fromtimestamp(1000.0, _dt.timezone.utc))
    assert isinstance(run(world, state, {"verificationCode": code}), Completed)
    assert world[2].mfa["oid-1"]["totp_secret"] == secret
    # signing in again: no QR, a code from the app; the same code cannot be used twice
    signin = RunState()
    run(world, signin, {"action": "continue", "signInName": "a@example.com",
                        "password": "Passw0rd!"})
    replay = run(world, signin, {"verificationCode": code})
    assert replay.view["message"] == "That code is incorrect. Please try again."
    later = pyotp.TOTP(secret).at(_dt.datetime.fromtimestamp(1060.0, _dt.timezone.utc))
    assert isinstance(run(world, signin, {"verificationCode": later}, now=1060.0), Completed)


def test_sms_enrols_a_phone_number_through_the_mailbox():
    world = mfa_world("sms")
    state = RunState()
    page = sign_up(world, state)
    assert page.view.get("destination") is None  # not enrolled: asks for the number
    bad = run(world, state, {"action": "send_code", "phoneNumber": "12345"})
    assert bad.view["message"].startswith("Enter the phone number with its country code")
    run(world, state, {"action": "send_code", "phoneNumber": "+14255550100"})
    to, code = world[3].sent[-1]
    assert to == "+14255550100"
    assert isinstance(run(world, state, {"verificationCode": code}), Completed)
    assert world[2].mfa["oid-1"]["phone"] == "+14255550100"


def test_conditional_skips_a_browser_that_passed_before():
    world = mfa_world("email", "conditional")
    state = RunState()
    sign_up(world, state)
    run(world, state, {"action": "send_code"}, request={"browser_mfa_device": "dev-1"})
    run(world, state, {"verificationCode": world[3].sent[-1][1]},
        request={"browser_mfa_device": "dev-1"})
    same = RunState()
    outcome = run(world, same, {"action": "continue", "signInName": "a@example.com",
                                "password": "Passw0rd!"}, request={"browser_mfa_device": "dev-1"})
    assert isinstance(outcome, Completed)
    assert same.trace[-2]["reason"] == "Conditional: this browser passed MFA for this user before"
    other = run(world, RunState(), {"action": "continue", "signInName": "a@example.com",
                                    "password": "Passw0rd!"}, request={"browser_mfa_device": "x"})
    assert isinstance(other, ShowPage) and other.view["contract"] == "multifactor"


def test_mfa_done_in_the_sso_session_is_not_asked_again():
    world = mfa_world("email")
    sign_up(world, RunState())
    state = RunState(sso=True, bag={"objectId": "oid-1", "mfaCompleted": True})
    assert isinstance(run(world, state), Completed)
