"""Redirect URI rules of the Authentication blade (idp.engine.redirect_uris)."""
import pytest

from idp.engine.redirect_uris import logout_url_problem, redirect_uri_problem

HTTPS_ONLY = "The redirect URI must use https (http is allowed only for localhost)."


@pytest.mark.parametrize("uri", [
    "https://contoso.com/signin-oidc",
    "https://jwt.ms",
    "https://app.example/callback?tenant=contoso",
    "http://localhost/callback",
    "http://localhost:5000/rp/signin-oidc",
    "http://127.0.0.1:8400/",
    "http://[::1]:3000/auth",
    "https://localhost:44321/signin-oidc",
])
@pytest.mark.parametrize("platform", ["web", "spa", "public"])
def test_https_and_loopback_urls_are_accepted(uri, platform):
    assert redirect_uri_problem(uri, platform) is None


@pytest.mark.parametrize("uri, message", [
    ("http://example.com/callback", HTTPS_ONLY),
    ("http://localhost.example.com/cb", HTTPS_ONLY),
    ("ftp://example.com/cb", HTTPS_ONLY),
    ("https://app.example/callback#top", "The redirect URI must not contain a fragment (#)."),
    ("https://*.contoso.com/callback", "The redirect URI must not contain a wildcard (*)."),
    ("/signin-oidc", "The redirect URI must be an absolute URL, such as "
                     "https://contoso.com/signin-oidc."),
    ("contoso.com/signin", "The redirect URI must be an absolute URL, such as "
                           "https://contoso.com/signin-oidc."),
    ("https:///no-host", "The redirect URI must include a host name."),
    ("https://app.example/a b", "The redirect URI must not contain spaces."),
    ("https://app.example:99999/cb", "The redirect URI is not a valid URL."),
    ("https://app.example/" + "a" * 240, "The redirect URI must be 256 characters or fewer."),
    ("", "Enter a redirect URI."),
    ("msal00000000-0000-0000-0000-000000000000://auth", HTTPS_ONLY),
    ("urn:ietf:wg:oauth:2.0:oob", HTTPS_ONLY),
])
def test_web_redirect_uri_problems(uri, message):
    assert redirect_uri_problem(uri, "web") == message


def test_spa_follows_the_web_rules():
    assert redirect_uri_problem("http://example.com/", "spa") == HTTPS_ONLY
    assert redirect_uri_problem("myapp://auth", "spa") == HTTPS_ONLY


@pytest.mark.parametrize("uri", [
    "msal7a3b9c2e-1f4d-4e5a-9b8c-0d1e2f3a4b5c://auth",
    "com.onmicrosoft.contosob2c.exampleapp://oauth/redirect",
    "urn:ietf:wg:oauth:2.0:oob",
    "myapp:/callback",
])
def test_public_clients_may_use_custom_schemes(uri):
    assert redirect_uri_problem(uri, "public") is None


@pytest.mark.parametrize("uri, message", [
    ("javascript://alert(1)", "The scheme 'javascript' cannot be used in a redirect URI."),
    ("data://text/html,hi", "The scheme 'data' cannot be used in a redirect URI."),
    ("myapp:", "The redirect URI needs a path after the scheme, such as myapp://auth."),
    ("http://example.com/cb", HTTPS_ONLY),
    ("myapp://auth#x", "The redirect URI must not contain a fragment (#)."),
])
def test_public_client_problems(uri, message):
    assert redirect_uri_problem(uri, "public") == message


def test_duplicates_are_refused():
    existing = ["https://app.example/cb"]
    assert redirect_uri_problem("https://app.example/cb", "web", existing=existing) == (
        "This redirect URI is already registered: redirect URIs must be unique.")
    assert redirect_uri_problem("https://app.example/cb/", "web", existing=existing) is None


def test_front_channel_logout_url_uses_the_same_rule():
    assert logout_url_problem("https://app.example/signout-oidc") is None
    assert logout_url_problem("http://localhost:5000/rp/signout-oidc") is None
    assert logout_url_problem("http://app.example/signout") == (
        "The front-channel logout URL must use https (http is allowed only for localhost).")
