"""An identity provider on loopback for the runtime tests: real HTTP for what B2C Lab calls
(OpenID Connect discovery, JWKS, the token endpoint; Facebook's /oauth/access_token and /me).
The test plays the browser at the provider's sign-in page: :meth:`ProviderServer.consent`
returns the code the provider would redirect back with.  ``lesson`` breaks one thing."""
from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

PERSONA = {"sub": "persona-sub-1", "id": "1000001", "name": "Ann Lee", "given_name": "Ann",
           "family_name": "Lee", "first_name": "Ann", "last_name": "Lee",
           "email": "ann.lee@example.com", "email_verified": True}


@dataclass
class ProviderServer:
    client_id: str = "lab-client"
    client_secret: str = "lab-secret-123"
    #: "" | "wrong_key" | "wrong_nonce" | "token_500"
    lesson: str = ""
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "p1"}))
    other_key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(
        2048, parameters={"kid": "p1"}))
    codes: dict = field(default_factory=dict)
    token_requests: list = field(default_factory=list)
    me_requests: list = field(default_factory=list)
    #: every access and ID token handed out (tests check none of them leaks)
    issued: list = field(default_factory=list)
    base: str = ""

    def consent(self, authorize_url: str, persona: dict | None = None) -> str:
        """The code the provider sends back for the authorization request ``authorize_url``."""
        params = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
        assert params["client_id"] == self.client_id, params
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"nonce": params.get("nonce"), "persona": persona or PERSONA,
                            "redirect_uri": params["redirect_uri"]}
        return code

    def _id_token(self, grant: dict) -> str:
        now = int(time.time())
        claims = {"iss": self.base, "aud": self.client_id, "iat": now, "exp": now + 600,
                  "nonce": "not-yours" if self.lesson == "wrong_nonce" else grant["nonce"],
                  **{k: v for k, v in grant["persona"].items()
                     if k not in ("id", "first_name", "last_name")}}
        key = self.other_key if self.lesson == "wrong_key" else self.key
        return jwt.encode({"alg": "RS256", "kid": "p1"}, claims, key)

    def __call__(self, environ, start_response):
        request = Request(environ)
        path = request.path
        if path == "/.well-known/openid-configuration":
            body = {"issuer": self.base, "authorization_endpoint": self.base + "/authorize",
                    "token_endpoint": self.base + "/token", "jwks_uri": self.base + "/keys",
                    "response_modes_supported": ["query", "form_post"]}
        elif path == "/keys":
            body = {"keys": [self.key.as_dict(private=False)]}
        elif path in ("/token", "/oauth/access_token"):
            form = request.form.to_dict()
            self.token_requests.append(form)
            grant = self.codes.pop(form.get("code"), None)
            if self.lesson == "token_500":
                return Response("boom", 500)(environ, start_response)
            if grant is None or form.get("client_secret") != self.client_secret \
                    or form.get("redirect_uri") != grant["redirect_uri"]:
                body = {"error": "invalid_grant"}
                return Response(json.dumps(body), 400, content_type="application/json")(
                    environ, start_response)
            token = "at-" + secrets.token_urlsafe(12)
            self.codes["access:" + token] = grant
            body = {"access_token": token, "token_type": "bearer", "expires_in": 3600}
            if path == "/token":
                body["id_token"] = self._id_token(grant)
            self.issued += [value for key, value in body.items() if key.endswith("_token")]
        elif path == "/me":
            self.me_requests.append(dict(request.args))
            token = (request.headers.get("Authorization") or "")[len("Bearer "):]
            grant = self.codes.get("access:" + token)
            if grant is None:
                return Response("{}", 401, content_type="application/json")(environ,
                                                                               start_response)
            persona = grant["persona"]
            body = {k: persona[k] for k in ("id", "first_name", "last_name", "name", "email")}
        else:
            return Response("not found", 404)(environ, start_response)
        return Response(json.dumps(body), 200, content_type="application/json")(environ,
                                                                                 start_response)


def start(server: ProviderServer):
    """Serve ``server`` on 127.0.0.1 in a thread; returns its stop function."""
    httpd = make_server("127.0.0.1", 0, server, threaded=True)
    server.base = f"http://127.0.0.1:{httpd.server_port}"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd.shutdown
