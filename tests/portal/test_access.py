"""Every portal route refuses an anonymous request (the test enumerates the URL map), and the
sign-in form refuses bad credentials and open redirects."""
import re

import pytest

from tests.portal.conftest import ADMIN_PASSWORD, AdminActions, csrf_token


def portal_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("portal.") and rule.endpoint != "portal.auth.login":
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", "1", rule.rule)
                yield method, url, rule.endpoint


def test_every_portal_route_refuses_anonymous_requests(app, client):
    rules = list(portal_rules(app))
    assert len(rules) >= 10  # the enumeration found the blades
    for method, url, endpoint in rules:
        response = client.open(url, method=method)
        if method == "GET":
            assert response.status_code == 302, (endpoint, response.status_code)
            assert response.location.startswith("/portal/sign-in"), endpoint
        else:  # a POST without a session is refused before CSRF or the view run
            assert response.status_code in (400, 401), (endpoint, response.status_code)


def test_directory_user_session_cannot_reach_the_portal(client, flow):
    flow.code_flow("consumer@example.com")  # signed in as a directory user (SSO cookie)
    response = client.get("/portal/")
    assert response.status_code == 302 and "/portal/sign-in" in response.location


def test_wrong_password_is_refused_and_audited(app, client):
    actions = AdminActions(client, app)
    response = actions.login(password="wrong")
    assert response.status_code == 200
    assert "The user name or password is incorrect." in response.get_data(as_text=True)
    assert client.get("/portal/").status_code == 302


def test_sign_in_redirects_only_inside_the_portal(admin, client):
    admin.logout()
    page = client.get("/portal/sign-in?next=https://evil.example/").get_data(as_text=True)
    response = client.post("/portal/sign-in?next=https://evil.example/", data={
        "username": "admin", "password": ADMIN_PASSWORD, "csrf_token": csrf_token(page)})
    assert response.status_code == 303 and response.location == "/portal/"


def test_admin_reaches_the_overview(admin, client, app):
    html = client.get("/portal/").get_data(as_text=True)
    assert "Azure AD B2C | Overview" in html and "contoso.onmicrosoft.com" in html


def test_sign_in_without_csrf_token_is_refused(app, client):
    response = client.post("/portal/sign-in", data={"username": "admin",
                                                    "password": ADMIN_PASSWORD})
    assert response.status_code == 400


def test_sign_out_ends_the_session(admin, client):
    response = admin.logout()
    assert response.status_code == 303
    assert client.get("/portal/").status_code == 302
