"""The token endpoint served in front of Flask (idp/protocol/token_endpoint.py): it takes the
paths Flask's rules give the token view and no others, never enters Flask's request machinery
for them, sends the security headers Flask would, hands a policy it cannot resolve to Flask's
error page, and reads app registrations from snapshots that a change in this process replaces
at once."""
import base64
import logging

import pytest
import sqlalchemy as sa
from flask import request_started
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from idp.extensions import db
from idp.models import AppRegistration, AuditRecord, ClientSecret
from idp.protocol import token as token_module
from idp.protocol.token_endpoint import route
from idp.security import HEADERS
from idp.store.hashing import token_digest
from tests.factories import TENANT, make_app_registration

TOKEN = f"/{TENANT}/B2C_1_susi/oauth2/v2.0/token"


@pytest.fixture
def flask_requests(app):
    """The paths of the requests that reached Flask."""
    seen = []

    def count(sender, **_):
        from flask import request
        seen.append(request.path)

    request_started.connect(count, app)
    yield seen
    request_started.disconnect(count, app)


def _basic(client_id, secret):
    return {"Authorization": "Basic " + base64.b64encode(
        f"{client_id}:{secret}".encode()).decode()}


def _client_credentials(client, registration, secret=None, path=TOKEN, **headers):
    return client.post(path, data={"grant_type": "client_credentials",
                                   "scope": f"{registration['client_id']}/.default"},
                       headers={**_basic(registration["client_id"],
                                         secret or registration["secret"]), **headers})


@pytest.mark.parametrize("path", [
    f"/{TENANT}/B2C_1_susi/oauth2/v2.0/token",
    f"/tfp/{TENANT}/B2C_1_susi/oauth2/v2.0/token",
    f"/{TENANT}/oauth2/v2.0/token",
    "/tfp/contoso/oauth2/v2.0/token",          # tenant "tfp", policy "contoso" for Flask too
    "/contoso/B2C_1_susi/oauth2/v2.0/token/",  # a trailing slash is another path
    "/oauth2/v2.0/token",
    "/a/b/c/d/oauth2/v2.0/token",
    "/tfp/a/b/c/oauth2/v2.0/token",
    f"/{TENANT}//oauth2/v2.0/token",           # Flask redirects to the merged slashes
    f"/{TENANT}/B2C_1_susi/oauth2/v2.0/authorize",
    f"/{TENANT}/B2C_1_susi/oauth2/v2.0/tokens",
])
def test_route_takes_exactly_the_paths_flask_gives_the_token_view(app, path):
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, args = adapter.match(path, method="POST")
    except (NotFound, MethodNotAllowed, RequestRedirect):  # Flask answers these itself
        endpoint, args = None, {}
    ours = route(path)
    if endpoint is None or not endpoint.startswith("protocol.token"):
        assert ours is None
    else:
        assert ours == (args["tenant"], args.get("policy"))


def test_a_token_request_never_enters_flask(app, client, flask_requests):
    registration = make_app_registration(app)
    response = _client_credentials(client, registration)
    assert response.status_code == 200, response.get_json()
    assert "access_token" in response.get_json()
    assert flask_requests == []
    # What Flask's after_request would have added, and the endpoint's own caching headers.
    for name, value in HEADERS.items():
        assert response.headers[name] == value
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Type"] == "application/json"


def test_errors_and_preflights_are_answered_in_front_of_flask_too(app, client,
                                                                  flask_requests):
    registration = make_app_registration(app)
    wrong = _client_credentials(client, registration, secret="not-the-secret")
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "invalid_client"
    assert wrong.headers["X-Frame-Options"] == "DENY"
    preflight = client.options(TOKEN, headers={"Origin": "https://evil.example",
                                               "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 403
    assert flask_requests == []


def test_an_unknown_policy_is_handed_to_flasks_error_page_with_the_body(client,
                                                                       flask_requests):
    # The policy named in the body only: the middleware read the body, so Flask must get it
    # again to name the policy on its page.
    response = client.post(f"/{TENANT}/oauth2/v2.0/token",
                           data={"p": "B2C_1_nope", "grant_type": "client_credentials"})
    assert response.status_code == 404
    assert "text/html" in response.headers["Content-Type"]
    assert "B2C_1_nope" in response.get_data(as_text=True)
    assert flask_requests == [f"/{TENANT}/oauth2/v2.0/token"]


def test_audit_records_name_the_caller(app, client):
    registration = make_app_registration(app)
    response = _client_credentials(client, registration, **{"User-Agent": "daemon/1.0"})
    assert response.status_code == 200
    with app.app_context():
        record = db.session.execute(sa.select(AuditRecord).filter_by(
            activity="Validate Client Credentials")).scalars().one()
    assert record.app_id == registration["client_id"]
    assert record.additional_details["Client"] == "daemon/1.0"
    assert record.additional_details["ClientIpAddress"] == "127.0.0.1"


def test_a_registration_change_in_this_process_is_seen_at_once(app, client):
    registration = make_app_registration(app)
    assert _client_credentials(client, registration).status_code == 200  # now kept
    with app.app_context():
        row = db.session.execute(sa.select(AppRegistration).filter_by(
            client_id=registration["client_id"])).scalar_one()
        row.secrets.clear()
        row.secrets.append(ClientSecret(description="new", secret_hash=token_digest("s3cret-2"),
                                        hint="s3c"))
        db.session.commit()
    assert _client_credentials(client, registration).status_code == 401
    assert _client_credentials(client, registration, secret="s3cret-2").status_code == 200
    with app.app_context():
        db.session.delete(db.session.execute(sa.select(AppRegistration).filter_by(
            client_id=registration["client_id"])).scalar_one())
        db.session.commit()
    gone = _client_credentials(client, registration, secret="s3cret-2")
    assert gone.status_code == 401 and gone.get_json()["error"] == "invalid_client"


def test_an_unknown_client_is_looked_up_again(app, client):
    """A client id that finds nothing is not kept: registered next, it works at once."""
    stranger = {"client_id": "00000000-0000-0000-0000-00000000abcd", "secret": "x" * 40}
    assert _client_credentials(client, stranger).status_code == 401
    registration = make_app_registration(app, client_id=stranger["client_id"])
    assert _client_credentials(client, registration).status_code == 200


def test_an_unexpected_failure_is_logged_and_answered_as_json(app, client, monkeypatch,
                                                              caplog):
    registration = make_app_registration(app)

    def broken(ctx, app_, form):
        raise RuntimeError("the disk is on fire")

    monkeypatch.setitem(token_module.GRANTS, "client_credentials", broken)
    # Under TESTING the failure goes through, as Flask's own would.
    with pytest.raises(RuntimeError):
        _client_credentials(client, registration)
    app.testing = False
    with caplog.at_level(logging.ERROR, logger="idp"):
        response = _client_credentials(client, registration)
    assert response.status_code == 500
    body = response.get_json()
    assert body["error"] == "server_error" and "fire" not in body["error_description"]
    assert response.headers["Cache-Control"] == "no-store"
    assert any("Exception on" in r.getMessage() and r.exc_info for r in caplog.records)


@pytest.mark.settings(MAX_CONTENT_LENGTH=1024)
def test_flasks_body_limit_holds_in_front_of_flask_too(client):
    response = client.post(TOKEN, data={"grant_type": "client_credentials", "scope": "x" * 2048})
    assert response.status_code == 413
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_body_no_token_request_needs_is_refused_unread(client):
    """Without MAX_CONTENT_LENGTH the middleware still reads at most MAX_BODY."""
    from idp.protocol.token_endpoint import MAX_BODY

    response = client.post(TOKEN, data={"grant_type": "client_credentials",
                                        "scope": "x" * (MAX_BODY + 1)})
    assert response.status_code == 413
    small = client.post(TOKEN, data={"grant_type": "client_credentials", "scope": "x" * 8000})
    assert small.status_code == 400  # read and answered: it names no client
    assert small.get_json()["error"] == "invalid_request"


class _Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.mark.settings(IDP_METADATA_CACHE_SECONDS=300)
def test_another_workers_secret_deletion_counts_within_a_second_whatever_the_metadata_ttl(
        app, client):
    from idp.store.config_version import SNAPSHOT_MAX_SECONDS

    clock = app.extensions["b2clab_config_version"].clock = _Clock()
    registration = make_app_registration(app)
    assert _client_credentials(client, registration).status_code == 200  # now kept
    with app.app_context(), db.engine.begin() as conn:
        # Outside any ORM session, as another worker's commit looks to this process.
        conn.execute(sa.delete(ClientSecret))
    clock.now += SNAPSHOT_MAX_SECONDS / 2
    assert _client_credentials(client, registration).status_code == 200  # within the bound
    clock.now += SNAPSHOT_MAX_SECONDS
    assert _client_credentials(client, registration).status_code == 401
