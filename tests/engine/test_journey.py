"""The journey executor: preconditions, SSO skips, selections, halts, and what is persisted."""
from dataclasses import dataclass, field

import pytest

from idp.engine.attributes import catalogue
from idp.engine.errors import B2CError
from idp.engine.handlers import HANDLERS
from idp.engine.journey import (Completed, Halted, Precondition, RunState, ShowPage,
                                TRANSIENT_CLAIMS, advance)
from idp.engine.ports import AccountExists, AccountRef, Ports
from idp.engine.user_flows import compile_user_flow

CONFIG = {"user_attributes": [{"claim": "displayName"}, {"claim": "city", "optional": True}],
          "application_claims": ["displayName", "emails", "objectId", "newUser", "city"]}


@dataclass
class FakeDirectory:
    accounts: dict = field(default_factory=dict)  # name -> (object_id, password, claims)

    def find_local_account(self, sign_in_type, name):
        entry = self.accounts.get(name.lower())
        return AccountRef(entry[0]) if entry else None

    def check_password(self, object_id, password):
        return any(e[0] == object_id and e[1] == password for e in self.accounts.values())

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
        compile_user_flow("B2C_1_x", {"type": "passwordReset"}, catalogue())


def test_b2c_error_description_carries_the_code():
    error = B2CError("AADB2C90006", "https://x", "abc")
    assert error.description == ("AADB2C90006: The redirect URI 'https://x' provided in the "
                                 "request is not registered for the client id 'abc'.")
