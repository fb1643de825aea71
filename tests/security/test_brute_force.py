"""Brute force against the portal's admin accounts (OWASP ASVS V2.2.1: "no more than 100 failed
attempts per hour is possible on a single account"), and the portal session's end (V3.3.1,
V3.3.2).

Admin accounts get smart lockout's rule (idp/engine/lockout.py, read back from the audit log by
idp/store/admin_sign_ins.py): 10 failures lock the account for a minute, each failure after an
unlock locks it again, and every 10 periods the lock doubles.  Time passes in these tests by
moving the audit records back ("aging"), never by sleeping.  Directory users' smart lockout is
tests/protocol/test_flow_types.py::test_ten_wrong_passwords_lock_and_the_period_ends and
tests/engine/test_passwords.py (also for ROPC: test_ropc_grant).
"""
from __future__ import annotations

import datetime as dt
import re
import time

import pytest

from idp import create_app
from idp.engine.lockout import LockoutPolicy, replay
from idp.extensions import db
from idp.models import AuditRecord
from idp.store import admin_sign_ins
from tests.portal.conftest import ADMIN_PASSWORD, AdminActions, csrf_token
from tests.security.conftest import set_admin_password

LOCKED_TEXT = "Too many failed sign-ins: this account is locked"


class SignInForm:
    """The portal's sign-in form in one browser, its CSRF token read once."""

    def __init__(self, client):
        self.client = client
        self.token = csrf_token(client.get("/portal/sign-in").get_data(as_text=True))

    def submit(self, password: str, username: str = "admin"):
        return self.client.post("/portal/sign-in", data={
            "username": username, "password": password, "csrf_token": self.token})


def age(app, seconds: float) -> None:
    """Let ``seconds`` pass, as far as the lockout can tell."""
    with app.app_context():  # row by row: SQLite has no interval arithmetic
        for record in db.session.execute(db.select(AuditRecord)).scalars():
            record.activity_time -= dt.timedelta(seconds=seconds)
        db.session.commit()


def locked_for(app, username: str = "admin") -> float:
    with app.app_context():
        state = admin_sign_ins.lockout_state(username)
    return max(0.0, (state.locked_until or 0) - time.time())


@pytest.fixture
def form(app, client):
    set_admin_password(app)
    return SignInForm(client)


def test_ten_failures_lock_the_account_for_a_minute(app, client, form):
    for attempt in range(10):
        assert form.submit(f"wrong-{attempt}").status_code == 200
    right = form.submit(ADMIN_PASSWORD)  # the right password, while locked
    assert right.status_code == 429 and LOCKED_TEXT in right.get_data(as_text=True)
    assert client.get("/portal/").status_code == 302  # not signed in
    assert 30 < locked_for(app) <= 60
    age(app, 61)
    assert form.submit(ADMIN_PASSWORD).status_code == 303
    assert client.get("/portal/").status_code == 200


def test_while_locked_a_right_and_a_wrong_password_look_the_same(app, form):
    for attempt in range(10):
        form.submit(f"wrong-{attempt}")
    right, wrong = form.submit(ADMIN_PASSWORD), form.submit("wrong-again")
    assert right.status_code == wrong.status_code == 429
    def shown(response):  # the page, without its CSRF token and the seconds left
        html = response.get_data(as_text=True).split('name="csrf_token"')[0]
        return re.sub(r"in \d+ seconds", "in N seconds", html)
    assert LOCKED_TEXT in shown(right) and shown(right) == shown(wrong)
    with app.app_context():
        reasons = db.session.execute(db.select(AuditRecord.result_reason).filter_by(
            activity=admin_sign_ins.SIGN_IN)).scalars().all()
    assert reasons.count(admin_sign_ins.LOCKED) == 2  # audited, not counted


def test_after_a_lock_one_more_failure_locks_again(app, form):
    for attempt in range(10):
        form.submit(f"wrong-{attempt}")
    age(app, 61)
    assert form.submit("wrong-after-unlock").status_code == 200  # checked, and wrong
    assert form.submit(ADMIN_PASSWORD).status_code == 429       # locked again at once
    assert 30 < locked_for(app) <= 60


def test_at_most_100_failed_attempts_an_hour(app, form):
    """An attacker who tries again the moment each lock ends, for one hour."""
    checked, elapsed = 0, 0.0
    while elapsed < 3600 and checked <= 100:
        response = form.submit(f"guess-{checked}")
        if response.status_code == 429:
            wait = locked_for(app) + 0.01
            age(app, wait)
            elapsed += wait
        else:
            assert response.status_code == 200
            checked += 1
    assert checked <= 100, checked
    assert checked >= 30, checked  # slowed down, not locked out for good (37 when written)


def test_the_lock_is_kept_in_the_database(tmp_path):
    """Two workers (two apps on one database file): failures at one lock the other."""
    config = {"TESTING": True, "INSTANCE_PATH": str(tmp_path), "IDP_BCRYPT_ROUNDS": 4,
              "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}"}
    first, second = create_app(config), create_app(config)
    set_admin_password(first)
    attacker = SignInForm(first.test_client())
    for attempt in range(10):
        attacker.submit(f"wrong-{attempt}")
    response = SignInForm(second.test_client()).submit(ADMIN_PASSWORD)
    assert response.status_code == 429
    for each in (first, second):
        with each.app_context():
            db.engine.dispose()


def test_a_name_that_is_no_account_locks_the_same_way(app, form):
    for attempt in range(10):
        assert form.submit(f"wrong-{attempt}", username="nobody").status_code == 200
    assert form.submit("anything", username="nobody").status_code == 429
    assert form.submit(ADMIN_PASSWORD).status_code == 303  # other names are not affected


def test_reset_password_lifts_the_lock(app, runner, form):
    for attempt in range(10):
        form.submit(f"wrong-{attempt}")
    result = runner.invoke(args=["admin", "reset-password"])
    new = result.output.strip().rsplit(" ", 1)[1]
    assert form.submit(new).status_code == 303


def test_replay_counts_each_failure_and_a_success_clears():
    policy = LockoutPolicy(threshold=3, duration=60)
    assert replay([(0, False), (1, False)], policy).locked_until is None
    assert replay([(0, False), (1, False), (2, False)], policy).locked_until == 62
    assert replay([(0, False), (1, False), (2, True), (3, False)], policy).failures == 1
    locked = replay([(0, False), (1, False), (2, False), (70, False)], policy)
    assert locked.periods == 2 and locked.locked_until == 130


# --- the portal session ends on the server -------------------------------------------------------

def test_a_session_older_than_12_hours_is_over(admin, client):
    with client.session_transaction() as session:
        session[admin_sign_ins.SESSION_KEY] -= admin_sign_ins.SESSION_SECONDS + 1
    response = client.get("/portal/")
    assert response.status_code == 302 and "/portal/sign-in" in response.location


def test_signing_out_ends_the_admins_other_sessions(app, client, admin):
    other = app.test_client()
    AdminActions(other, app).login()
    assert other.get("/portal/").status_code == 200
    admin.logout()
    assert other.get("/portal/").status_code == 302


def test_reset_password_ends_the_admins_sessions(client, admin, runner):
    runner.invoke(args=["admin", "reset-password"])
    assert client.get("/portal/").status_code == 302
