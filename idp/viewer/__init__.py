"""The token viewer at ``/jwt`` (the reply URL "Run user flow" uses, like https://jwt.ms).

It receives an ``id_token`` by form_post, by fragment (``static/js/viewer.js`` posts it here) or
pasted, and shows the header and payload, each claim's meaning, the times in readable form, the
signature checked against the tenant's keys and the custom policies' signing key containers,
and a link to the run that made the token.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import time

from flask import Blueprint, render_template, request
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from ..extensions import db
from ..models import FlowTransaction
from ..store import keys, policy_keys
from .claims import compare, meaning, readable

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
    if not isinstance(header, dict) or not isinstance(payload, dict):
        return {"error": "The token's header and payload must be JSON objects."}
    published = _published_keys()
    if header.get("kid") not in {k["kid"] for k in published["keys"]}:
        status = "key unknown"
    else:
        try:
            jwt.decode(token.strip(), KeySet.import_key_set(published), algorithms=["RS256"])
            status = "signature valid"
        except (JoseError, ValueError):
            status = "signature invalid"
    now = time.time()
    rows = [{"claim": k, "value": v, "meaning": meaning(k), "readable": readable(k, v, now)}
            for k, v in payload.items()]
    return {"header": header, "payload": payload, "signature": status, "rows": rows,
            "run": find_run(payload) if status == "signature valid" else None}


def _published_keys() -> dict:
    """The tenant's key (user flows) and every RSA signing key container's (custom policies
    sign with their JwtIssuer's, ``B2C_1A_TokenSigningKeyContainer`` in the starter pack)."""
    published = keys.jwks()
    for key in policy_keys.all_keys():
        if key.key_type == "RSA" and key.key_usage == "sig":
            try:
                published["keys"].extend(policy_keys.public_jwks(key.name)["keys"])
            except policy_keys.PolicyKeyError:  # sealed under another SECRET_KEY: its tokens
                continue                        # show as "key unknown" (the portal says why)
    return published


def find_run(payload: dict) -> FlowTransaction | None:
    """The run that made this token: same user and app, finished within seconds of ``iat``.
    (B2C tokens carry no run id; a refreshed token has no run.)"""
    iat, sub, aud = payload.get("iat"), payload.get("sub"), payload.get("aud")
    if not isinstance(iat, int) or not sub or not aud:
        return None
    issued = dt.datetime.fromtimestamp(iat, dt.timezone.utc).replace(tzinfo=None)
    window = dt.timedelta(seconds=5)
    return db.session.execute(
        db.select(FlowTransaction).filter(
            FlowTransaction.user_object_id == sub, FlowTransaction.client_id == aud,
            FlowTransaction.status == "completed",
            FlowTransaction.updated_at.between(issued - window, issued + window))
        .order_by(FlowTransaction.updated_at.desc())).scalars().first()


def _pretty(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


@bp.route("", methods=["GET", "POST"], strict_slashes=False)
def index():
    token = request.form.get("id_token") or request.form.get("token") or ""
    decoded = decode_for_display(token) if token else None
    return render_template("viewer/index.html", token=token, decoded=decoded,
                           code=request.values.get("code"), error=request.values.get("error"),
                           error_description=request.values.get("error_description"),
                           pretty=_pretty)


@bp.route("/compare", methods=["GET", "POST"])
def compare_tokens():
    first, second = request.form.get("a", ""), request.form.get("b", "")
    a = decode_for_display(first) if first else None
    b = decode_for_display(second) if second else None
    rows = None
    if a and b and "error" not in a and "error" not in b:
        rows = compare(a["payload"], b["payload"])
    return render_template("viewer/compare.html", first=first, second=second, a=a, b=b,
                           rows=rows)
