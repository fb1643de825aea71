"""The token viewer at ``/jwt`` (the reply URL "Run user flow" uses, like https://jwt.ms).

It receives an ``id_token`` by form_post, by fragment (``static/js/viewer.js`` posts it here) or
pasted, and shows the header and payload with the signature checked against the tenant's keys.
"""
from __future__ import annotations

import base64
import json

from flask import Blueprint, render_template, request
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from ..store import keys

bp = Blueprint("viewer", __name__, url_prefix="/jwt")


def _segment(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def decode_for_display(token: str) -> dict:
    """Header, payload and signature status (valid / invalid / key unknown) of ``token``."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        return {"error": "This is not a JWT: a JWT has three parts separated by dots."}
    try:
        header, payload = _segment(parts[0]), _segment(parts[1])
    except (ValueError, UnicodeDecodeError):
        return {"error": "The token's header or payload is not base64url-encoded JSON."}
    published = keys.jwks()
    if header.get("kid") not in {k["kid"] for k in published["keys"]}:
        status = "key unknown"
    else:
        try:
            jwt.decode(token.strip(), KeySet.import_key_set(published))
            status = "signature valid"
        except (JoseError, ValueError):
            status = "signature invalid"
    return {"header": header, "payload": payload, "signature": status}


@bp.route("", methods=["GET", "POST"], strict_slashes=False)
def index():
    token = request.form.get("id_token") or request.form.get("token") or ""
    code = request.values.get("code")
    error = request.values.get("error")
    decoded = decode_for_display(token) if token else None
    return render_template("viewer/index.html", token=token, decoded=decoded, code=code,
                           error=error, error_description=request.values.get("error_description"),
                           pretty=lambda d: json.dumps(d, indent=2, ensure_ascii=False))
