"""Federation in the engine, against fake ports: the journey a flow with providers compiles
to (the starter pack's SocialAndLocalAccounts names), the round trip to the provider (state,
nonce, ID token checks with real RS256 signatures), sign-up then sign-in by the federated
identity, and every error ending with nothing written."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from idp.engine.attributes import catalogue
from idp.engine.federation import (ProviderCallFailed, ProviderEndpoints, SocialProvider,
                                   decode_state, encode_state)
from idp.engine.handlers import HANDLERS
from idp.engine.journey import Completed, Halted, RunState, ShowPage, advance
from idp.engine.ports import AccountExists, AccountRef, Ports

from .test_journey import FakeDirectory, FakeMailer

FACEBOOK = SocialProvider("fb-id", "facebook", "Facebook")
CONTOSO = SocialProvider("oidc-id", "oidc", "Contoso ID", "Contoso.test")
CONFIG = {"user_attributes": [{"claim": "displayName"}, {"claim": "city", "optional": True}],
          "application_claims": ["displayName", "emails", "objectId", "newUser",
                                 "identityProvider", "givenName"],
          "identity_providers": ["fb-id", "oidc-id"]}
ISSUER = "https://id.contoso.test/"
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})


@dataclass
class FederatedDirectory(FakeDirectory):
    federated: dict = field(default_factory=dict)  # (issuer, id) -> (object_id, claims)

    def find_federated_account(self, issuer, issuer_user_id):
        entry = self.federated.get((issuer, issuer_user_id))
        return AccountRef(entry[0]) if entry else None

    def create_federated_account(self, *, issuer, issuer_user_id, email, attributes):
        if (issuer, issuer_user_id) in self.federated:
            raise AccountExists(issuer_user_id)
        oid = f"fed-{len(self.federated) + 1}"
        claims = dict(attributes, **({"emails": [email]} if email else {}))
        self.federated[(issuer, issuer_user_id)] = (oid, claims)
        return oid

    def read_claims(self, object_id):
        for oid, claims in self.federated.values():
            if oid == object_id:
                return dict(claims)
        return super().read_claims(object_id)


@dataclass
class FakeFederation:
    """The provider as the engine sees it through the port; ``id_token`` builds the token
    the token endpoint answers with (so each test can break one thing)."""

    reply_url: str = "http://b2c.test/contoso.onmicrosoft.com/oauth2/authresp"
    transaction_id: str = "tx-1"
    me: dict = field(default_factory=lambda: {"id": "10001", "first_name": "Ann",
                                              "last_name": "Lee", "name": "Ann Lee",
                                              "email": "ann@example.com"})
    id_token: object = None
    unreachable: bool = False
    graph_error: bool = False
    calls: list = field(default_factory=list)

    def endpoints(self, provider_id):
        if provider_id == "fb-id":
            return ProviderEndpoints("fb-id", "facebook", "Facebook", "fb-client",
                                     "http://fb.test/dialog/oauth",
                                     "http://fb.test/oauth/access_token", "email public_profile",
                                     userinfo_endpoint="http://fb.test/me",
                                     issuer_name="facebook.com",
                                     claims_mapping={"user_id": "id", "display_name": "name",
                                                     "given_name": "first_name",
                                                     "surname": "last_name", "email": "email"})
        return ProviderEndpoints("oidc-id", "oidc", "Contoso ID", "contoso-client",
                                 "https://id.contoso.test/authorize",
                                 "https://id.contoso.test/token", "openid profile",
                                 domain_hint="contoso.test", jwks_uri="https://id.contoso.test/keys",
                                 issuer=ISSUER,
                                 claims_mapping={"user_id": "sub", "display_name": "name",
                                                 "given_name": "given_name",
                                                 "surname": "family_name", "email": "email"})

    def redeem_code(self, endpoints, code):
        self.calls.append(("token", code))
        if self.unreachable:
            raise ProviderCallFailed("token endpoint", endpoints.token_endpoint,
                                     "the connection failed (ConnectionError)")
        if self.graph_error:
            raise ProviderCallFailed("token endpoint", endpoints.token_endpoint,
                                     "it answered HTTP 500", status=500, body={"error": {
                                         "message": "An unexpected error has occurred.",
                                         "type": "OAuthException", "code": 2}})
        if endpoints.kind == "facebook":
            return {"access_token": "fb-access", "token_type": "bearer", "expires_in": 3600}
        return {"id_token": self.id_token(), "access_token": "oidc-access",
                "token_type": "Bearer"}

    def keys(self, endpoints):
        return {"keys": [KEY.as_dict(private=False)]}

    def user_info(self, endpoints, access_token):
        assert access_token == "fb-access"
        return dict(self.me)


def signed(nonce, *, key=KEY, **overrides):
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "contoso-client", "sub": "sub-42", "nonce": nonce,
              "name": "Bo Chen", "given_name": "Bo", "family_name": "Chen",
              "email": "bo@contoso.test", "iat": now, "exp": now + 600, **overrides}
    return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)


@pytest.fixture
def world():
    directory, federation = FederatedDirectory(), FakeFederation()
    ports = Ports(directory, FakeMailer(), federation=federation)
    return ports, directory, federation


def journey_for(config=CONFIG, providers=(FACEBOOK, CONTOSO)):
    from idp.engine.user_flows import compile_user_flow

    return compile_user_flow("B2C_1_social", config, catalogue(), providers)


def run(ports, journey, state, submission=None):
    return advance(journey, state, handlers=HANDLERS, request={"client_id": "app"},
                   ports=ports, now=time.time(), submission=submission)


def go_to_provider(ports, journey, state, exchange):
    outcome = run(ports, journey, state, {"action": "select", "exchange": exchange})
    assert isinstance(outcome, ShowPage) and outcome.view["contract"] == "redirect"
    url = urlsplit(outcome.view["redirect"])
    return {k: v[0] for k, v in parse_qs(url.query).items()}, url


def reply_from(params, **extra):
    return {"federation_reply": {"state": params["state"], **extra}}


def test_a_flow_with_providers_compiles_to_the_starter_packs_social_steps():
    journey = journey_for()
    first = journey.steps[0]
    assert first.type == "CombinedSignInAndSignUp"
    assert set(first.selections) >= {"FacebookExchange", "ContosoIDExchange",
                                     "SignUpWithLogonEmailExchange"}
    assert dict(journey.steps[1].exchanges)["FacebookExchange"] == "Facebook-OAUTH"
    assert dict(journey.steps[1].exchanges)["ContosoIDExchange"] == "ContosoID-OpenIdConnect"
    profiles = [step.exchanges[0][1] for step in journey.steps]
    assert profiles[2:6] == ["AAD-UserReadUsingAlternativeSecurityId-NoError",
                             "SelfAsserted-Social", "AAD-UserWriteUsingAlternativeSecurityId",
                             "AAD-UserReadUsingObjectId"]
    page = journey.profiles["SelfAsserted-LocalAccountSignin-Email"]
    assert [b["exchange"] for b in page.metadata["social"]] == ["FacebookExchange",
                                                               "ContosoIDExchange"]


def test_without_providers_the_journey_is_unchanged():
    journey = journey_for(providers=())
    assert [s.exchanges[0][1] for s in journey.steps] == [
        "SelfAsserted-LocalAccountSignin-Email", "LocalAccountSignUpWithLogonEmail",
        "AAD-UserReadUsingObjectId", "JwtIssuer"]


def test_social_only_flow_shows_buttons_and_no_local_form(world):
    ports, *_ = world
    journey = journey_for({**CONFIG, "local_account_type": "none"})
    outcome = run(ports, journey, RunState())
    assert isinstance(outcome, ShowPage) and outcome.profile.id == "ClaimsProviderSelection"
    assert outcome.view["fields"] == []
    assert [b["exchange"] for b in outcome.view["social"]] == ["FacebookExchange",
                                                               "ContosoIDExchange"]
    assert outcome.view["social_intro"] == "Sign in with your social account"


def test_sign_in_and_profile_edit_flows_offer_the_providers_but_never_sign_up():
    for flow_type in ("signIn", "profileUpdate"):
        journey = journey_for({**CONFIG, "type": flow_type})
        assert "FacebookExchange" in journey.steps[0].selections
        assert "SignUpWithLogonEmailExchange" not in journey.steps[0].selections
        assert "AAD-UserReadUsingAlternativeSecurityId" in journey.profiles
        assert all(e[1] != "AAD-UserWriteUsingAlternativeSecurityId"
                   for s in journey.steps for e in s.exchanges)
    signup = journey_for({**CONFIG, "type": "signUp"})
    assert signup.steps[0].type == "ClaimsProviderSelection"
    assert signup.steps[0].selections[0] == "SignUpWithLogonEmailExchange"


def test_facebook_sign_up_then_sign_in(world):
    ports, directory, federation = world
    journey = journey_for()
    state = RunState()
    params, url = go_to_provider(ports, journey, state, "FacebookExchange")
    assert url.netloc == "fb.test" and url.path == "/dialog/oauth"
    assert params["client_id"] == "fb-client" and params["response_type"] == "code"
    assert params["redirect_uri"] == federation.reply_url and "nonce" not in params
    assert decode_state(params["state"])[0] == "tx-1"
    page = run(ports, journey, state, reply_from(params, code="the-code"))
    assert isinstance(page, ShowPage) and page.profile.id == "SelfAsserted-Social"
    assert {f["claim"]: f["value"] for f in page.view["fields"]}["displayName"] == "Ann Lee"
    assert directory.federated == {}  # nothing written before the page is submitted
    done = run(ports, journey, state, {"action": "continue", "displayName": "Ann L."})
    assert isinstance(done, Completed)
    assert done.bag["identityProvider"] == "facebook.com" and done.bag["newUser"] is True
    assert done.bag["authenticationSource"] == "socialIdpAuthentication"
    assert directory.federated[("facebook.com", "10001")][1]["displayName"] == "Ann L."
    call = next(c for t in state.trace for c in t.get("calls", ()))
    assert call["kind"] == "federation" and call["response"]["mapped_claims"]["givenName"] == "Ann"
    assert "code" in call["response"]["returned"] and "the-code" not in str(state.trace)

    again = RunState()
    params, _url = go_to_provider(ports, journey, again, "FacebookExchange")
    done = run(ports, journey, again, reply_from(params, code="code-2"))
    assert isinstance(done, Completed), done
    assert done.bag["objectId"] == "fed-1" and "newUser" not in done.bag
    assert done.bag["displayName"] == "Ann L."  # the directory's value wins over the provider's
    assert len(directory.federated) == 1


def test_oidc_id_token_is_checked_and_mapped(world):
    ports, directory, federation = world
    journey = journey_for({**CONFIG, "application_claims": [*CONFIG["application_claims"],
                                                            "identityProviderAccessToken"]})
    state = RunState()
    params, url = go_to_provider(ports, journey, state, "ContosoIDExchange")
    assert params["response_mode"] == "form_post" and "domain_hint" not in params
    federation.id_token = lambda: signed(params["nonce"])
    run(ports, journey, state, reply_from(params, code="c"))
    done = run(ports, journey, state, {"action": "continue", "displayName": "Bo Chen"})
    assert isinstance(done, Completed)
    assert done.bag["identityProvider"] == ISSUER  # an OpenID Connect provider's iss
    assert done.bag["identityProviderAccessToken"] == "oidc-access"
    assert done.bag["givenName"] == "Bo" and directory.federated[(ISSUER, "sub-42")]
    shown = [t["bag"].get("identityProviderAccessToken") for t in state.trace]
    assert "oidc-access" not in shown and "(hidden: a token)" in shown


@pytest.mark.parametrize("breakage, words", [
    (dict(key=OTHER_KEY), "signature"),
    (dict(nonce="not-the-nonce"), "nonce"),
    (dict(aud="someone-else"), "issued to"),
    (dict(iss="https://evil.test/"), "issuer"),
    (dict(exp=1000), "expired"),
])
def test_a_bad_id_token_ends_the_run_and_writes_nothing(world, breakage, words):
    ports, directory, federation = world
    journey, state = journey_for(), RunState()
    params, _url = go_to_provider(ports, journey, state, "ContosoIDExchange")
    nonce = breakage.pop("nonce", params["nonce"])
    federation.id_token = lambda: signed(nonce, **breakage)
    outcome = run(ports, journey, state, reply_from(params, code="c"))
    assert isinstance(outcome, Halted)
    assert outcome.error.code == "AADB2C90273" and words in outcome.error.message
    assert outcome.error.error == "server_error"
    assert directory.federated == {} and directory.accounts == {}
    assert state.trace[-1]["status"] == "halted" and state.trace[-1]["calls"]


def test_state_mismatch_is_refused_before_any_call(world):
    ports, directory, federation = world
    journey, state = journey_for(), RunState()
    params, _url = go_to_provider(ports, journey, state, "FacebookExchange")
    forged = encode_state("tx-1", "a-guess")
    outcome = run(ports, journey, state, {"federation_reply": {"state": forged, "code": "c"}})
    assert isinstance(outcome, Halted) and "state" in outcome.error.message
    assert federation.calls == [] and directory.federated == {}


def test_consent_denied_is_a_cancel_for_the_app(world):
    ports, directory, _federation = world
    journey, state = journey_for(), RunState()
    params, _url = go_to_provider(ports, journey, state, "FacebookExchange")
    outcome = run(ports, journey, state, reply_from(
        params, error="access_denied", error_reason="user_denied",
        error_description="Permissions error"))
    assert isinstance(outcome, Halted)
    assert outcome.error.code == "AADB2C90091" and outcome.error.error == "access_denied"
    assert directory.federated == {}


def test_provider_error_and_unreachable_provider(world):
    ports, directory, federation = world
    journey, state = journey_for(), RunState()
    params, _url = go_to_provider(ports, journey, state, "FacebookExchange")
    outcome = run(ports, journey, state, reply_from(params, error="server_error",
                                                    error_description="Boom"))
    assert outcome.error.code == "AADB2C90273" and "Boom" in outcome.error.message
    federation.unreachable = True
    state = RunState()
    params, _url = go_to_provider(ports, journey, state, "FacebookExchange")
    outcome = run(ports, journey, state, reply_from(params, code="c"))
    assert isinstance(outcome, Halted) and outcome.error.code == "AADB2C90275"
    assert "token endpoint" in outcome.error.message
    assert directory.federated == {}


def test_a_form_post_cannot_skip_the_provider(world):
    ports, directory, _federation = world
    journey, state = journey_for(), RunState()
    go_to_provider(ports, journey, state, "FacebookExchange")
    outcome = run(ports, journey, state, {"state": "x", "code": "c", "action": "continue"})
    assert isinstance(outcome, ShowPage) and outcome.view["contract"] == "redirect"
    assert directory.federated == {}


def test_sign_in_flow_refuses_an_unknown_federated_identity(world):
    ports, directory, _federation = world
    journey, state = journey_for({**CONFIG, "type": "signIn"}), RunState()
    params, _url = go_to_provider(ports, journey, state, "FacebookExchange")
    outcome = run(ports, journey, state, reply_from(params, code="c"))
    assert isinstance(outcome, Halted) and outcome.error.code == "AADB2C99002"
    assert directory.federated == {}


def test_no_collected_attribute_writes_the_account_without_a_page(world):
    ports, directory, _federation = world
    journey = journey_for({**CONFIG, "user_attributes": []})
    state = RunState()
    params, _url = go_to_provider(ports, journey, state, "FacebookExchange")
    done = run(ports, journey, state, reply_from(params, code="c"))
    assert isinstance(done, Completed) and done.bag["newUser"] is True
    # the starter pack's persisted claims: the provider's names are kept
    assert directory.federated[("facebook.com", "10001")][1]["givenName"] == "Ann"
    skipped = [t["profile"] for t in state.trace if t["status"] == "skipped"]
    assert "SelfAsserted-Social" in skipped


@pytest.mark.parametrize("hint, exchange", [("facebook.com", "FacebookExchange"),
                                            ("CONTOSO.test", "ContosoIDExchange")])
def test_domain_hint_goes_straight_to_the_provider(world, hint, exchange):
    ports, *_ = world
    journey, state = journey_for(), RunState()
    outcome = advance(journey, state, handlers=HANDLERS, ports=ports, now=time.time(),
                      request={"client_id": "app", "domain_hint": hint})
    assert isinstance(outcome, ShowPage) and outcome.view["contract"] == "redirect"
    assert state.trace[0]["reason"] == f"the user chose {exchange}"


def test_an_unknown_domain_hint_shows_the_sign_in_page(world):
    ports, *_ = world
    outcome = advance(journey_for(), RunState(), handlers=HANDLERS, ports=ports, now=time.time(),
                      request={"client_id": "app", "domain_hint": "example.org"})
    assert isinstance(outcome, ShowPage) and outcome.view["contract"] == "unifiedssp"


def test_facebooks_graph_error_object_is_quoted(world):
    ports, directory, federation = world
    federation.graph_error = True
    journey, state = journey_for(), RunState()
    params, _url = go_to_provider(ports, journey, state, "FacebookExchange")
    outcome = run(ports, journey, state, reply_from(params, code="c"))
    assert isinstance(outcome, Halted) and outcome.error.code == "AADB2C90273"
    assert "Error: OAuthException, Error Description: An unexpected error" in \
        outcome.error.message
    assert directory.federated == {}
