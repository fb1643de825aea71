"""CSRF on every state-changing form, and who may reach what (OWASP ASVS V4.2.2, V3.5; RFC 9700
§4.11 for the callbacks).

Every rule of every app B2C Lab serves (the IdP, the sample app at /rp, each lab app under /labs)
that accepts POST, PUT, PATCH or DELETE is enumerated from its URL map and posted to without a
CSRF token by a browser that has a valid session (and its CSRF secret): each must answer 400
"The CSRF token is missing.".  The few exemptions are listed below with the reason; the test
also proves each one is really exempt, so the list cannot go stale.

Anonymous access: tests/portal/test_access.py enumerates the portal (every route redirects an
anonymous GET to the sign-in page and refuses an anonymous POST); this module adds Graph (no
route answers without a bearer token, and a portal cookie is no substitute) and the replay of a
signed-out portal cookie.
"""
from __future__ import annotations

import re
import secrets

from flask_wtf.csrf import CSRFError

from labs.mount import lab_apps
from tests.portal.conftest import csrf_token
from tests.security.conftest import make_rp_app, sample_url

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
REFUSED = b"The CSRF token is missing."

#: endpoint -> why it takes a POST without a CSRF token.  Blueprint-wide exemptions are written
#: ``blueprint.*``.  Anything else that changes state must carry the token.
IDP_EXEMPT = {
    "protocol.*": "OIDC endpoints: apps (not the user's pages) call the token endpoint, which "
                  "authenticates the client instead (client_secret_basic/post, PKCE); authorize "
                  "and logout accept POST from any site by the spec (OIDC Core §3.1.2.1, "
                  "RP-Initiated Logout §2) and read nothing from a form of ours",
    "viewer.*": "the token viewer is a reply URL: the IdP posts id_token to it from the flow "
                "(response_mode=form_post), and it only decodes what it is given: it stores "
                "and changes nothing",
    "graph.*": "Microsoft Graph: a bearer token in the Authorization header, never a cookie, so "
               "another site cannot make a browser send one",
}
RP_EXEMPT = {
    "auth.signin_callback": "the IdP's form_post response is a cross-site POST by design; "
                            "Authlib checks the OAuth state (and the nonce), which is the CSRF "
                            "defence of a redirect-based sign-in (RFC 6749 §10.12)",
    "api.claims": "the sample API: bearer tokens, no cookies (it only answers GET)",
}
#: lab apps change while their labs are written, so they are held to two patterns
LAB_EXEMPT_PATHS = {
    r"^/api/": "an API connector: B2C calls it server to server with Basic credentials (or "
               "none on loopback), never from a browser form",
    r"/signin-oidc$": "the IdP's form_post response; the OAuth state is the CSRF defence",
}


def state_changing_rules(flask_app):
    """(method, sample URL, endpoint) of every rule accepting a state-changing method."""
    for rule in flask_app.url_map.iter_rules():
        for method in sorted(rule.methods & STATE_CHANGING):
            yield method, sample_url(rule), rule.endpoint


def _exempt(endpoint: str, table: dict) -> bool:
    return endpoint in table or f"{endpoint.split('.')[0]}.*" in table


def _with_csrf_secret(client) -> None:
    """The browser of a victim: its session already holds a CSRF secret (any page sets one)."""
    with client.session_transaction() as session:
        session.setdefault("csrf_token", secrets.token_hex(20))


def check_every_rule(flask_app, client, exempt) -> list[str]:
    """Post to every state-changing rule without a token: the exempt ones must not be refused
    for CSRF (so the list is true), all others must be.  Returns the endpoints posted to."""
    seen = []
    for method, url, endpoint in state_changing_rules(flask_app):
        response = client.open(url, method=method, data={"anything": "1"})
        body = response.get_data()
        if exempt(endpoint, url):
            assert REFUSED not in body, f"{endpoint} is listed as exempt but is protected"
        else:
            assert response.status_code == 400 and REFUSED in body, (method, url, endpoint,
                                                                     response.status_code)
        seen.append(endpoint)
    return seen


def test_every_idp_form_refuses_a_post_without_its_csrf_token(app, client, admin, flow):
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])  # a flow in progress, its cookies set
    _with_csrf_secret(client)
    seen = check_every_rule(app, client, lambda endpoint, _url: _exempt(endpoint, IDP_EXEMPT))
    assert {"flows.step", "portal.auth.login", "portal.auth.logout",
            "portal.users.create", "portal.tenant.import"} <= set(seen)
    assert len([e for e in seen if e.startswith("portal.")]) >= 45
    assert client.get("/portal/").status_code == 200  # the admin session was valid throughout


def test_the_idp_exemptions_are_exactly_the_listed_ones(app):
    csrf = app.extensions["csrf"]
    listed = {name[:-2] for name in IDP_EXEMPT if name.endswith(".*")}
    assert {bp.name for bp in csrf._exempt_blueprints} == listed
    assert csrf._exempt_views == set()  # no single view exempted inside a protected blueprint


def test_every_sample_app_form_refuses_a_post_without_its_csrf_token(tmp_path):
    rp_app = make_rp_app(tmp_path)
    client = rp_app.test_client()
    with client.session_transaction() as session:  # a signed-in user of the sample app
        session["user"] = {"claims": {"sub": "x"}, "signed_in_at": 0, "flow": "signin"}
        session["sid"] = "s"
    _with_csrf_secret(client)
    seen = check_every_rule(rp_app, client, lambda endpoint, _url: endpoint in RP_EXEMPT)
    assert "auth.refresh" in seen
    views = {v.rsplit(".", 1)[-1] for v in rp_app.extensions["csrf"]._exempt_views}
    assert views == {e.split(".")[1] for e in RP_EXEMPT}


def test_every_lab_app_form_refuses_a_post_without_its_csrf_token(tmp_path):
    apps = lab_apps(idp_url="http://localhost:5000", tenant="contoso",
                    instance_path=tmp_path, public_url="http://localhost:5000")
    for mount, lab_app in apps.items():
        if not lab_app.secret_key:
            # no session, so no forms: every state-changing rule must be an exempt API
            rules = [url for _method, url, _endpoint in state_changing_rules(lab_app)]
            assert rules and all(any(re.search(p, url) for p in LAB_EXEMPT_PATHS)
                                 for url in rules), (mount, rules)
            continue
        # a lab's own 400 page hides Flask-WTF's reason: show it, to tell CSRF from the rest
        lab_app.register_error_handler(CSRFError, lambda error: (error.description, 400))
        client = lab_app.test_client()
        _with_csrf_secret(client)

        def exempt(_endpoint, url):
            return any(re.search(pattern, url) for pattern in LAB_EXEMPT_PATHS)
        check_every_rule(lab_app, client, exempt)
        csrf = lab_app.extensions["csrf"]
        assert not csrf._exempt_blueprints, mount
        exempt_views = {v.rsplit(".", 1)[-1] for v in csrf._exempt_views}
        allowed = {rule.endpoint.rsplit(".", 1)[-1] for rule in lab_app.url_map.iter_rules()
                   if any(re.search(p, rule.rule) for p in LAB_EXEMPT_PATHS)}
        assert exempt_views <= allowed, (mount, exempt_views - allowed)


# --- who may reach what --------------------------------------------------------------------

#: Graph's catch-all routes say which paths exist, before any token check; they read no data
UNKNOWN_GRAPH_PATHS = {"graph.root", "graph.unknown"}


def test_no_graph_route_answers_without_a_bearer_token(app, client, admin):
    """The admin's portal cookie is sent along: cookies never authenticate Graph."""
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("graph.")
             and r.endpoint not in UNKNOWN_GRAPH_PATHS]
    assert len(rules) >= 10
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(sample_url(rule), method=method, json={})
            assert response.status_code == 401, (method, rule.rule, response.status_code)
            assert response.get_json()["error"]["code"] == "InvalidAuthenticationToken"
    unknown = client.get("/graph/v1.0/groups").get_json()["error"]  # names the path, no data
    assert unknown["code"] == "BadRequest" and "'groups'" in unknown["message"]


def test_a_signed_out_portal_cookie_cannot_be_replayed(app, client, admin):
    """ASVS V3.3.1: sign-out ends the session on the server, not only in this browser."""
    stolen = client.get_cookie("idp_session").value
    assert client.get("/portal/").status_code == 200
    admin.logout()
    replay = app.test_client()
    replay.set_cookie("idp_session", stolen, domain="localhost")
    response = replay.get("/portal/")
    assert response.status_code == 302 and "/portal/sign-in" in response.location
    page = replay.get("/portal/sign-in").get_data(as_text=True)
    assert replay.post("/portal/user-attributes/new", data={
        "csrf_token": csrf_token(page), "name": "Stolen", "data_type": "string"}).status_code \
        == 401
