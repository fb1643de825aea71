"""Prepare a benchmark instance folder: users to sign in with, refresh tokens to start the wrk
refresh-token run, and what the peer provider needs (the signing key and the client).

    IDP_INSTANCE_PATH=/tmp/x python bench/seed.py --users 16 --refresh-tokens 64 --out seed.json

Runs the app's own start-up (migrations, seed, signing key) when the folder is new, then adds
``--users`` local accounts ``bench-N@example.com`` with the password in ``seed.json``, hashed
once at the configured bcrypt cost (12 unless ``IDP_BCRYPT_ROUNDS`` says otherwise: the cost a
sign-in then pays), and mints ``--refresh-tokens`` refresh tokens for the sample app (scope
``openid offline_access``, one family each, the claims a B2C_1_susi sign-in returns) through
the same store function the token endpoint uses.  Called by ``bench/run.py``; not a test.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from idp import create_app  # noqa: E402
from idp.engine.tokens import output_claims  # noqa: E402
from idp.engine.user_flows import returned_claims  # noqa: E402
from idp.extensions import db  # noqa: E402
from idp.models import DirectoryUser, SigningKey, UserFlow, UserIdentity  # noqa: E402
from idp.models._base import utcnow  # noqa: E402
from idp.store.attributes import tenant_catalogue  # noqa: E402
from idp.store.directory import SqlDirectory  # noqa: E402
from idp.store.grants import RefreshLifetimes, issue_refresh_token  # noqa: E402
from idp.store.hashing import hash_password  # noqa: E402
from idp.store.tenant import current_tenant  # noqa: E402

PASSWORD = "Bench-Passw0rd!"
POLICY = "B2C_1_susi"
SCOPE = "openid offline_access"


def _users(count: int) -> list[tuple[str, str]]:
    """(object id, e-mail) of ``count`` bench users, creating the missing ones."""
    domain = current_tenant().domain
    password_hash = hash_password(PASSWORD)  # one hash: every check still costs the full cost
    out = []
    for n in range(count):
        email = f"bench-{n}@example.com"
        identity = db.session.execute(db.select(UserIdentity).filter_by(
            issuer=domain, sign_in_type="emailAddress",
            issuer_assigned_id_key=email)).scalar_one_or_none()
        if identity is None:
            user = DirectoryUser(password_hash=password_hash, password_last_set=utcnow(),
                                 display_name=f"Bench User {n}", given_name="Bench",
                                 surname=f"User{n}", attributes={})
            user.identities.append(UserIdentity(sign_in_type="emailAddress", issuer=domain,
                                                issuer_assigned_id=email,
                                                issuer_assigned_id_key=email))
            db.session.add(user)
            db.session.flush()
            out.append((user.object_id, email))
        else:
            out.append((identity.user_object_id, email))
    db.session.commit()
    return out


def _refresh_tokens(count: int, client_id: str, user: str) -> list[str]:
    flow = db.session.execute(db.select(UserFlow).filter_by(name_key=POLICY.lower())).scalar_one()
    domain = current_tenant().domain
    bag = {**SqlDirectory(domain).read_claims(user), "objectId": user,
           "identityProvider": domain, "newUser": False}
    claims = output_claims(bag, returned_claims(flow.config, tenant_catalogue()))
    now = int(time.time())
    tokens = [issue_refresh_token(lifetimes=RefreshLifetimes(14, 90), client_id=client_id,
                                  policy=POLICY, scope=SCOPE, user_object_id=user,
                                  claims=claims, auth_time=now) for _ in range(count)]
    db.session.commit()
    return tokens


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--refresh-tokens", type=int, default=64)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    app = create_app()
    client = json.loads((Path(app.instance_path) / "rp_demo_client.json").read_text())
    with app.app_context():
        users = _users(args.users)
        tokens = _refresh_tokens(args.refresh_tokens, client["client_id"], users[0][0]) \
            if users and args.refresh_tokens else []
        key = db.session.execute(db.select(SigningKey).filter_by(active=True)
                                 .order_by(SigningKey.id)).scalars().first()
        jwk = {**key.private_jwk, "kid": key.kid}
    args.out.write_text(json.dumps({
        "client": client, "password": PASSWORD, "emails": [email for _id, email in users],
        "refresh_tokens": tokens, "jwk": jwk, "bcrypt_rounds": app.config["IDP_BCRYPT_ROUNDS"],
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
