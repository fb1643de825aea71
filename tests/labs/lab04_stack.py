"""B2C Lab with lab 04's app mounted (``app.build_app``), served for real on a loopback port:
B2C Lab calls the lab's API connector, fetches its custom page and answers its Graph and token
calls over HTTP, while the test drives the user-flow pages and the lab app with Flask's test
client (through the same dispatcher)."""
from __future__ import annotations

import dataclasses
import re
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from werkzeug.serving import make_server

from app import build_app
from idp import labs_admin
from idp.extensions import db
from idp.models import AppRegistration, DirectoryUser
from labs import model
from labs.lab04_invitation_codes.lab import APP, LAB
from tests.factories import FlowDriver

PASSWORD = "Passw0rd!lab04"
POLICY = "B2C_1_lab04"
FORM = "attributeVerificationForm"


@dataclass
class Stack:
    app: object
    base: str
    client: object
    flow: FlowDriver

    @property
    def lab_app(self):
        """The lab app itself (for ``session_transaction``)."""
        return self.app.wsgi_app.mounts["/labs/invitations"]

    @property
    def data_dir(self):
        return self.lab_app.extensions["lab04"].data_dir

    def fresh(self) -> "Stack":
        """The same server with the tenant reset (``labs reset``), the lab app's files gone
        and new cookies: a test's clean start, without building the app again."""
        with self.app.app_context():
            labs_admin.reset()
        for path in sorted(self.data_dir.rglob("*.json"), reverse=True):
            path.unlink()
        client = self.app.test_client()
        return Stack(self.app, self.base, client, FlowDriver(client, self.app))

    def solve(self, *, users: bool = True, extra: tuple = ()) -> None:
        """Apply the lab's end state (without its two users unless ``users``), plus ``extra``."""
        items = tuple(i for i in LAB.end_state
                      if users or not isinstance(i, model.UserWithAttributes)) + extra
        with self.app.app_context():
            labs_admin.solve(dataclasses.replace(LAB, end_state=items))

    def client_id(self) -> str:
        with self.app.app_context():
            return db.session.execute(db.select(AppRegistration.client_id).filter_by(
                name=APP)).scalar_one()

    def users(self) -> dict[str, dict]:
        """Every directory user's sign-in name -> attributes."""
        with self.app.app_context():
            return {u.identities[0].issuer_assigned_id: dict(u.attributes or {})
                    for u in db.session.execute(db.select(DirectoryUser)).scalars()}

    def object_id(self, sign_in_name: str) -> str:
        with self.app.app_context():
            return next(u.object_id for u in db.session.execute(db.select(DirectoryUser))
                        .scalars() if u.identities[0].issuer_assigned_id == sign_in_name)

    def authorize(self):
        """Start B2C_1_lab04 as the management app (the unified page)."""
        return self.flow.authorize(self.client_id(), f"{self.base}/labs/invitations/signin-oidc",
                                   policy=POLICY)


def local(url: str) -> str:
    """The path and query of ``url``: the test client always talks to the same host."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def sign_up(flow: FlowDriver, email: str, code: str, display_name: str = "Ann Invited"):
    """From the unified page: Sign up now, verify ``email``, submit with ``code``."""
    flow.follow_link("createAccount")
    flow.submit(FORM, "send_code", email=email)
    flow.submit(FORM, "verify_code", verificationCode=flow.mailbox_code(email))
    return flow.submit(FORM, "continue", newPassword=PASSWORD, reenterPassword=PASSWORD,
                       displayName=display_name, extension_InvitationCode=code)


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)


def start_stack(tmp_path):
    """Build B2C Lab + the lab apps on a free loopback port; returns (stack, stop)."""
    holder = {}
    server = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start),
                         threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app = build_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"),
                     "DATABASE_URL": f"sqlite:///{tmp_path / 'b2clab.sqlite3'}",
                     "IDP_PUBLIC_URL": base, "IDP_BCRYPT_ROUNDS": 4})
    holder["app"] = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    client = app.test_client()

    def stop():
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()
    return Stack(app, base, client, FlowDriver(client, app)), stop
