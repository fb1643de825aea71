"""The Flask app shared by both practice providers: configuration, cookies, headers, the
developer console and the sign-in and consent pages; ``facebook.py`` and ``google.py`` add their
protocol endpoints.

Each provider is its own app with its own secret and session cookie (scoped to its path),
mounted by B2C Lab's ``app.py`` like the sample app, and reached by B2C Lab only over HTTP.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from flask import Flask, current_app, redirect, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from joserfc.jwk import RSAKey

from . import credentials
from .grants import Grants

HERE = Path(__file__).resolve().parent
CSP = "default-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
TITLES = {"facebook": "Facebook", "google": "Google"}


@dataclass
class Provider:
    """What the views of one practice provider share."""

    kind: str
    root: str
    folder: Path
    app_credentials: credentials.AppCredentials
    redirect_uris: list[str]
    grants: Grants
    signing_key: RSAKey | None = None
    #: a key the JWKS does not publish, for the "wrong key" lesson (made on first use)
    wrong_key: RSAKey | None = field(default=None, repr=False)

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    def url(self, path: str) -> str:
        return self.root + path


def _settings_list(value) -> list[str]:
    if isinstance(value, str):
        return value.split()
    return list(value or ())


def create_site(kind: str, settings: dict, blueprint, *, access_token_lifetime: int) -> Flask:
    """A practice provider's app.  ``settings``: PUBLIC_URL (its own root, e.g.
    ``http://localhost:5000/practice/google``), DATA_DIR (a folder of its own), REDIRECT_URIS
    (the OAuth redirect URIs its one app accepts: a list or a space-separated string); optional
    TESTING."""
    folder = Path(settings["DATA_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    root = settings["PUBLIC_URL"].rstrip("/")
    secret = credentials.secret_key(folder)
    app = Flask(f"practice_idps.{kind}", root_path=str(HERE), static_folder="static",
                template_folder="templates")
    app.config.update(
        SECRET_KEY=secret, SESSION_COOKIE_NAME=f"practice_{kind}_session",
        SESSION_COOKIE_PATH=urlsplit(root).path or "/", SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=root.startswith("https://"),
        WTF_CSRF_SSL_STRICT=False, TESTING=settings.get("TESTING", False),
        PRACTICE_APP_NAME=settings.get("APP_NAME", "B2C Lab"))
    app.json.sort_keys = False
    provider = Provider(kind, root, folder, credentials.app_credentials(kind, secret),
                        _settings_list(settings.get("REDIRECT_URIS")),
                        Grants(secret, folder, access_token_lifetime),
                        credentials.signing_key(folder) if kind == "google" else None)
    app.extensions["practice_idp"] = provider
    csrf = CSRFProtect(app)
    from . import console, interaction
    app.register_blueprint(console.bp)
    app.register_blueprint(interaction.bp)
    app.register_blueprint(blueprint)
    csrf.exempt(blueprint)  # token and profile endpoints: client credentials, not cookies

    @app.context_processor
    def _provider():
        return {"provider": provider}

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    @app.errorhandler(CSRFError)
    def _no_cookie(error):
        return error_page("This page has expired", [
            "Your browser did not send this site's cookie with the form, or the page was open "
            "too long. Go back to the app and sign in again."], status=400)

    @app.errorhandler(400)
    def _bad_request(error):
        return error_page("Something went wrong", [getattr(error, "description", str(error))],
                          status=400)

    @app.errorhandler(404)
    def _not_found(error):
        return error_page("This page isn't available",
                          [f"{request.path} is not a page of this practice provider."],
                          status=404)
    return app


def error_page(title: str, lines: list[str], *, fix: str | None = None,
               details: list[tuple[str, str]] = (), status: int = 400):
    """A provider-styled error page (never a redirect: used when the redirect URI is not
    trusted yet)."""
    return render_template("practice/error.html", title=title, lines=lines, fix=fix,
                           details=details), status


def send_to_client(redirect_uri: str, params: dict, response_mode: str = "query"):
    """The authorization response: a 303 redirect with ``params`` in the query, or (Google's
    ``response_mode=form_post``) a page that posts them (OAuth 2.0 Form Post Response Mode)."""
    params = {key: value for key, value in params.items() if value not in (None, "")}
    if response_mode == "form_post":
        return render_template("practice/form_post.html", action=redirect_uri, params=params)
    separator = "&" if urlsplit(redirect_uri).query else "?"
    return redirect(f"{redirect_uri}{separator}{urlencode(params)}", code=303)


def current_provider() -> Provider:
    return current_app.extensions["practice_idp"]
