"""Typed errors that carry B2C's AADB2C code, an OAuth ``error`` and a hint for the learner.

Message texts are B2C's own where B2C documents them (``error-codes.md``); the ``hint`` is ours:
one line on what to change, shown on error pages (never sent to the app).
"""
from __future__ import annotations

#: AADB2C code -> B2C's message template (positional ``{0}`` arguments, as in error-codes.md).
MESSAGES = {
    "AADB2C90002": "The CORS resource '{0}' returned a 404 not found.",
    "AADB2C90006": "The redirect URI '{0}' provided in the request is not registered for the "
                   "client id '{1}'.",
    "AADB2C90007": "The application associated with client id '{0}' has no registered redirect "
                   "URIs.",
    "AADB2C90011": "The client id '{0}' provided in the request does not match client id '{1}' "
                   "registered with authorization code.",
    "AADB2C90012": "The scope '{0}' provided in request is not supported.",
    "AADB2C90014": "The requested response type '{0}' is not supported.",
    "AADB2C90018": "The client id '{0}' specified in the request is not registered in tenant "
                   "'{1}'.",
    "AADB2C90043": "The prompt included in the request contains invalid values. Expected 'none', "
                   "'login', 'consent' or 'select_account'.",
    "AADB2C90055": "The scope '{0}' provided in request must specify a resource, such as "
                   "'https://example.com/calendar.read'.",
    "AADB2C90057": "The provided application is not configured to allow the 'OAuth' Implicit "
                   "flow.",
    "AADB2C90068": "The provided application with ID '{0}' is not valid against this service. "
                   "Use an application created via the B2C portal and try again.",
    "AADB2C90075": "The claims exchange '{0}' specified in step '{1}' returned HTTP error "
                   "response with Code '{2}' and Reason '{3}'.",
    "AADB2C90077": "User does not have an existing session and request prompt parameter has a "
                   "value of '{0}'.",
    "AADB2C90079": "Clients must send a client_secret when redeeming a confidential grant.",
    "AADB2C90080": "The provided grant has expired. Please re-authenticate and try again.",
    "AADB2C90081": "The specified client_secret does not match the expected value for this "
                   "client. Please correct the client_secret and try again.",
    "AADB2C90083": "The request is missing required parameter: {0}.",
    "AADB2C90084": "Public clients should not send a client_secret when redeeming a publicly "
                   "acquired grant.",
    "AADB2C90085": "The service has encountered an internal error. Please reauthenticate and try "
                   "again.",
    "AADB2C90086": "The supplied grant_type [{0}] is not supported.",
    "AADB2C90088": "The provided grant has not been issued for this endpoint. Actual Value : {0} "
                   "and Expected Value : {1}",
    "AADB2C90090": "The provided authorization code is invalid or has already been used.",
    "AADB2C90091": "The user has cancelled entering self-asserted information.",
    "AADB2C90111": "Your account has been locked. Contact your support person to unlock it, "
                   "then try again.",
    "AADB2C90115": "When requesting the 'code' response_type, the scope parameter must include a "
                   "resource or client ID for access tokens, and 'openid' for ID tokens.",
    "AADB2C90117": "The scope '{0}' provided in the request is not supported.",
    "AADB2C90118": "The user has forgotten their password.",
    "AADB2C90120": "The maximum age value '{0}' provided in the request is invalid. It must be "
                   "a non-negative integer.",
    "AADB2C90129": "The provided grant has been revoked. Please reauthenticate and try again.",
    "AADB2C90146": "The scope '{0}' provided in request specifies more than one resource for an "
                   "access token, which is not supported.",
    "AADB2C90151": "User has exceeded the maximum number for retries for multi-factor "
                   "authentication.",
    "AADB2C90182": "The supplied code_verifier does not match associated code_challenge.",
    "AADB2C90183": "The supplied code_verifier is invalid.",
    "AADB2C90184": "The supplied code_challenge_method is not supported. Supported values are "
                   "plain or S256.",
    "AADB2C90205": "This application does not have sufficient permissions against this web "
                   "resource to perform the operation.",
    "AADB2C90208": "The provided id_token_hint parameter is expired, invalid or was not issued "
                   "by this tenant.",
    "AADB2C90272": "The id_token_hint parameter has not been specified in the request. Please "
                   "provide token and try again.",
    "AADB2C90224": "Resource owner flow has not been enabled for the application.",
    "AADB2C90225": "The username or password provided in the request are invalid.",
    "AADB2C99059": "The supplied request must present a code_challenge.",
    "AADB2C90273": "An invalid response was received : '{0}'",
    "AADB2C90275": "The URL '{0}' specified for endpoint '{1}' cannot be reached. Please ensure "
                   "that endpoint is publicly addressable and returns valid content.",
    "AADB2C99002": "User does not exist. Please sign up before you can sign in.",
    "AADB2C90046": "We are having trouble loading your current state, you might want to reset "
                   "your session.",
}


class B2CError(Exception):
    """An error with B2C's AADB2C code.

    ``error`` is the OAuth 2.0 error code sent to apps (RFC 6749 §4.1.2.1, §5.2);
    ``status`` the HTTP status when answered directly (token endpoint, error pages).
    """

    def __init__(self, code: str | None, *args: object, error: str = "invalid_request",
                 status: int = 400, hint: str = "", message: str | None = None) -> None:
        # code None: a case B2C documents no code for; ``message`` then says it in plain words.
        self.code = code
        self.message = message if code is None else MESSAGES[code].format(*args)
        self.error = error
        self.status = status
        self.hint = hint
        super().__init__(self.description)

    @property
    def description(self) -> str:
        """``error_description`` as B2C writes it: the code, a colon, then the message."""
        return f"{self.code}: {self.message}" if self.code else self.message


class UnsafeRedirectError(B2CError):
    """An error found before the redirect URI was validated: shown as a page, never redirected
    (RFC 9700 §4.11, OIDC conformance ``oidcc-ensure-registered-redirect-uri``)."""

    def __init__(self, code: str | None, *args: object, hint: str = "",
                 details: dict | None = None, message: str | None = None) -> None:
        super().__init__(code, *args, hint=hint, message=message)
        #: what the learner needs side by side (registered vs requested redirect URIs...).
        self.details = details or {}
