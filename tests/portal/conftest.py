"""Portal test fixtures: ``admin`` signs the test client in as the seeded admin account."""
from __future__ import annotations

import re

import pytest

from idp.extensions import db
from idp.models import AdminAccount
from idp.store.hashing import hash_password

ADMIN_PASSWORD = "admin-test-password"


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no csrf_token on the page"
    return match.group(1)


class AdminActions:
    """flaskr's AuthActions for the portal: sign in, sign out, and post a form with its
    CSRF token read from the page that shows it."""

    def __init__(self, client, app):
        self.client, self.app = client, app

    def login(self, username="admin", password=ADMIN_PASSWORD):
        page = self.client.get("/portal/sign-in").get_data(as_text=True)
        return self.client.post("/portal/sign-in", data={
            "username": username, "password": password, "csrf_token": csrf_token(page)})

    def logout(self):
        page = self.client.get("/portal/").get_data(as_text=True)
        return self.client.post("/portal/sign-out", data={"csrf_token": csrf_token(page)})

    def post_form(self, page_url: str, action_url: str | None = None, **data):
        """GET ``page_url`` for its CSRF token, then POST ``data`` to ``action_url``."""
        page = self.client.get(page_url).get_data(as_text=True)
        return self.client.post(action_url or page_url,
                                data={"csrf_token": csrf_token(page), **data})


@pytest.fixture
def admin(client, app):
    with app.app_context():
        account = db.session.execute(db.select(AdminAccount)).scalar_one()
        account.password_hash = hash_password(ADMIN_PASSWORD)
        db.session.commit()
    actions = AdminActions(client, app)
    response = actions.login()
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    return actions
