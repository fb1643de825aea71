"""The token endpoint, served in front of Flask.

Apps and APIs call the token endpoint far more often than anything else (client credentials
on every API call of a daemon, a refresh every hour per signed-in user), and it uses none of
what Flask adds to a request: no session cookie, no CSRF token, no template, no URL routing
beyond its one path.  Flask's request handling (routing, the session, the hooks) was about
0.2 ms of the 1.2 ms a client_credentials request took (bench/results.md; the configuration
queries, now snapshots in idp/store/clients.py and idp/store/tenant.py, were another 0.3 ms).
So this WSGI middleware answers token requests itself: it reads the request with werkzeug
(what Flask's request is made of), pushes the app context the store needs (the database
session, the configuration), and calls the same function Flask's route
calls (:func:`.token.answer`).  There is one implementation of the endpoint; this module only
decides who carries the request to it.

What it answers: ``POST`` and ``OPTIONS`` on the three URL forms of
:data:`idp.protocol.ENDPOINTS`' token path (``/{tenant}/{policy}/...``,
``/tfp/{tenant}/{policy}/...`` and ``/{tenant}/...?p=``).  What it hands on to Flask: every
other request, and a token request whose policy does not resolve (Flask's route then shows
B2C's error page, which needs Flask's templates).
"""
from __future__ import annotations

import io
import logging

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request

from ..security import secure
from .context import PolicyNotFound
from .errors import server_error
from .token import answer

SUFFIX = "/oauth2/v2.0/token"
METHODS = ("POST", "OPTIONS")
#: the largest body read when the app sets no MAX_CONTENT_LENGTH: a token request is a form of
#: a few fields (a client assertion, the longest, is a few kilobytes)
MAX_BODY = 64 * 1024
log = logging.getLogger("idp")


def route(path: str) -> tuple[str, str | None] | None:
    """(tenant, policy or None) when ``path`` is a token endpoint path, as Flask's rules
    would read it (``[^/]+`` segments; ``/tfp/`` only before two more segments)."""
    if not path.endswith(SUFFIX):
        return None
    parts = path[1:-len(SUFFIX)].split("/")
    if not path.startswith("/") or not all(parts):
        return None
    if len(parts) == 3 and parts[0] == "tfp":
        return parts[1], parts[2]
    if len(parts) == 2:
        return parts[0], parts[1]
    if len(parts) == 1:
        return parts[0], None
    return None


class TokenEndpoint:
    """WSGI middleware around the IdP (see the module's docstring)."""

    def __init__(self, wsgi_app, flask_app: Flask):
        self.wsgi_app = wsgi_app
        self.flask_app = flask_app

        class TokenRequest(Request):
            # Flask's limits on request bodies; the whole body is read (it is kept for Flask
            # when the request is handed on), so never more than MAX_BODY
            max_content_length = min(flask_app.config.get("MAX_CONTENT_LENGTH") or MAX_BODY,
                                     MAX_BODY)
            max_form_memory_size = flask_app.config.get("MAX_FORM_MEMORY_SIZE")
            max_form_parts = flask_app.config.get("MAX_FORM_PARTS")

        self.request_class = TokenRequest

    def __call__(self, environ, start_response):
        found = (route(environ.get("PATH_INFO", ""))
                 if environ.get("REQUEST_METHOD") in METHODS else None)
        if found is None:
            return self.wsgi_app(environ, start_response)
        req = self.request_class(environ)
        try:
            try:
                # kept: a request handed on to Flask reads it again
                body = req.get_data(cache=True)
            except HTTPException as error:  # a body over the limit: 413, as Flask answers
                return secure(error.get_response(environ))(environ, start_response)
            try:
                with self.flask_app.app_context():
                    response = self._answer(req, *found)
            except PolicyNotFound:
                environ["wsgi.input"] = io.BytesIO(body)
                return self.wsgi_app(environ, start_response)
            return response(environ, start_response)
        finally:
            req.close()

    def _answer(self, req, tenant: str, policy: str | None):
        try:
            response = answer(req, tenant, policy)
        except PolicyNotFound:
            raise
        except HTTPException as error:  # werkzeug refusing the body (too many parts...)
            response = error.get_response()
        except Exception:
            # What Flask does with an unhandled exception: log it with the request line, and
            # under TESTING or debug let it through (PROPAGATE_EXCEPTIONS) so it shows.
            log.exception("Exception on %s [%s]", req.path, req.method)
            propagate = self.flask_app.config.get("PROPAGATE_EXCEPTIONS")
            if propagate is None:
                propagate = self.flask_app.testing or self.flask_app.debug
            if propagate:
                raise
            response = server_error()
        return secure(response)
