"""OpenID Connect endpoints with B2C's URL shapes (b2c-reference §3.1).

Every endpoint answers under the policy-in-path form, the ``/tfp/`` form and the ``?p=`` form;
the tenant segment may be the domain, the bare name or the tenant GUID, in any case.
"""
from flask import Blueprint

bp = Blueprint("protocol", __name__)

#: (path under the policy, view name, methods); OPTIONS where the view answers CORS
#: preflights itself (``cors``)
ENDPOINTS = (
    ("v2.0/.well-known/openid-configuration", "discovery", ["GET", "OPTIONS"]),
    ("discovery/v2.0/keys", "jwks", ["GET", "OPTIONS"]),
    ("oauth2/v2.0/authorize", "authorize", ["GET", "POST"]),
    ("oauth2/v2.0/token", "token", ["POST", "OPTIONS"]),
    ("oauth2/v2.0/logout", "end_session", ["GET", "POST"]),
)


def _register() -> None:
    from . import authorize, discovery, logout, token  # noqa: F401  (views register below)

    views = {"discovery": discovery.discovery, "jwks": discovery.jwks,
             "authorize": authorize.authorize, "token": token.token,
             "end_session": logout.end_session}
    from .federation_reply import authresp

    bp.add_url_rule("/<tenant>/oauth2/authresp", "authresp", authresp, methods=["GET", "POST"])
    for path, name, methods in ENDPOINTS:
        view = views[name]
        bp.add_url_rule(f"/<tenant>/<policy>/{path}", name, view, methods=methods)
        bp.add_url_rule(f"/tfp/<tenant>/<policy>/{path}", f"{name}_tfp", view, methods=methods)
        bp.add_url_rule(f"/<tenant>/{path}", f"{name}_query", view, methods=methods)


_register()
