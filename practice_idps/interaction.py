"""The pages between a provider's authorize endpoint and its answer: pick a persona (or type a
new one) and a lesson, then consent.  Shared by both providers; the page wording and looks
follow the provider.

The authorization request travels through the pages as a signed blob (never in server memory),
so the pages may be served by any worker.
"""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, session

from . import personas
from .grants import REQUEST_LIFETIME, GrantError, lessons_for
from .site import current_provider, error_page, send_to_client

bp = Blueprint("interaction", __name__)

#: the authorization response of each lesson that answers at once, without a code
FACEBOOK_ERRORS = {
    "deny": {"error": "access_denied", "error_code": "200",
             "error_description": "Permissions error", "error_reason": "user_denied"},
    "provider_error": {"error": "server_error", "error_code": "1",
                       "error_description": "An unknown error occurred (practice lesson: "
                                            "provider error)"},
}
GOOGLE_ERRORS = {
    "deny": {"error": "access_denied"},
    "provider_error": {"error": "server_error",
                       "error_description": "Practice lesson: the provider failed"},
}


def check_client(client_id: str, redirect_uri: str):
    """An error page when ``client_id`` is not the provider's app or ``redirect_uri`` is not
    one of its registered redirect URIs (exact match, RFC 9700 §2.1); ``None`` when both are
    right.  Never redirects: an unchecked redirect URI would make the provider an open
    redirector (RFC 9700 §4.11)."""
    provider = current_provider()
    console = provider.url("/")
    if client_id != provider.app_credentials.client_id:
        google = provider.kind == "google"
        return error_page(
            "Access blocked: authorization error" if google else "Invalid App ID",
            ["Error 401: invalid_client. The OAuth client was not found." if google else
             "The provided app ID does not look like a valid app ID."],
            fix=f"Copy the {'Client ID' if google else 'App ID'} from this provider's developer "
                f"console ({console}) into B2C Lab's Identity providers blade.",
            details=[("Sent", client_id or "(none)"),
                     ("Registered", provider.app_credentials.client_id)],
            status=401 if google else 400)
    if redirect_uri not in provider.redirect_uris:
        google = provider.kind == "google"
        return error_page(
            "Access blocked: this app's request is invalid" if google else "URL blocked",
            ["Error 400: redirect_uri_mismatch." if google else
             "This redirect failed because the redirect URI is not whitelisted in the app's "
             "Client OAuth Settings."],
            fix="The redirect URI must equal one registered for the app, character for "
                "character. B2C sends its federation reply URL, "
                "{public URL}/{tenant}.onmicrosoft.com/oauth2/authresp. To accept another URI "
                "(a second B2C Lab), list it in PRACTICE_REDIRECT_URIS and restart.",
            details=[("Sent", redirect_uri or "(none)"),
                     *(("Registered", uri) for uri in provider.redirect_uris)])
    return None


def begin(params: dict):
    """The sign-in page for a checked authorization request (``params``: client_id,
    redirect_uri, state, scope, nonce, response_mode)."""
    provider = current_provider()
    blob = provider.grants.sign("request", params)
    return _signin_page(blob, params)


def _signin_page(blob: str, params: dict, message: str | None = None, status: int = 200):
    provider = current_provider()
    return render_template(
        "practice/signin.html", request_blob=blob, params=params,
        personas=personas.SEEDED[provider.kind], lessons=lessons_for(provider.kind),
        lesson=request.form.get("lesson", ""), message=message,
        typed=session.get("typed_persona", {}),
        app_name=current_app.config["PRACTICE_APP_NAME"]), status


def _load_request():
    provider = current_provider()
    try:
        return provider.grants.load("request", request.form.get("request", ""),
                                    REQUEST_LIFETIME), None
    except GrantError as exc:
        return None, error_page(
            "This sign-in has expired" if exc.reason == "expired" else "Something went wrong",
            ["The sign-in page was open too long or was changed. Go back to the app and start "
             "the sign-in again."])


def _chosen_persona(kind: str) -> personas.Persona:
    """:raise ValueError: with what to fix on the new-persona form."""
    choice = request.form.get("persona", "")
    if choice == "new":
        typed = {key: request.form.get(key, "") for key in ("first_name", "last_name", "email")}
        session["typed_persona"] = typed
        return personas.new_persona(kind, typed["first_name"], typed["last_name"],
                                    typed["email"])
    try:
        return personas.seeded(kind, int(choice))
    except (ValueError, LookupError):
        raise ValueError("Choose an account.") from None


@bp.post("/signin")
def signin():
    """A persona was chosen: answer at once for the deny and error lessons, else consent."""
    provider = current_provider()
    params, problem = _load_request()
    if problem:
        return problem
    lesson = request.form.get("lesson", "")
    if lesson not in lessons_for(provider.kind):
        lesson = ""
    try:
        persona = _chosen_persona(provider.kind)
    except ValueError as exc:
        return _signin_page(request.form["request"], params, str(exc), status=400)
    errors = FACEBOOK_ERRORS if provider.kind == "facebook" else GOOGLE_ERRORS
    if lesson in errors:
        return send_to_client(params["redirect_uri"],
                              {**errors[lesson], "state": params.get("state")},
                              params.get("response_mode", "query"))
    grant = provider.grants.sign("consent", {"persona": persona.as_dict(), "lesson": lesson})
    return render_template("practice/consent.html", request_blob=request.form["request"],
                           grant=grant, persona=persona, params=params,
                           scopes=(params.get("scope") or "").split(),
                           app_name=current_app.config["PRACTICE_APP_NAME"])


@bp.post("/consent")
def consent():
    """Allow: a code to the redirect URI; Cancel: the provider's access_denied answer."""
    provider = current_provider()
    params, problem = _load_request()
    if problem:
        return problem
    try:
        grant = provider.grants.load("consent", request.form.get("grant", ""), REQUEST_LIFETIME)
    except GrantError:
        return error_page("Something went wrong", ["Go back to the app and sign in again."])
    mode = params.get("response_mode", "query")
    if request.form.get("action") != "allow":
        errors = FACEBOOK_ERRORS if provider.kind == "facebook" else GOOGLE_ERRORS
        return send_to_client(params["redirect_uri"],
                              {**errors["deny"], "state": params.get("state")}, mode)
    code = provider.grants.issue_code({
        "client_id": params["client_id"], "redirect_uri": params["redirect_uri"],
        "scope": params.get("scope", ""), "nonce": params.get("nonce"),
        "lesson": grant["lesson"], "persona": grant["persona"]})
    answer = {"code": code, "state": params.get("state")}
    if provider.kind == "google":  # Google also returns these (RFC 9207 iss)
        answer.update(scope=params.get("scope"), iss=provider.root)
    return send_to_client(params["redirect_uri"], answer, mode)
