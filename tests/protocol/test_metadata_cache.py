"""Discovery and JWKS answers replayed from bytes (idp/protocol/metadata_cache.py) and the
configuration version that bounds them (idp/store/config_version.py): a replay skips Flask, a
configuration change in this process is seen at once, one made by another process within
``IDP_METADATA_CACHE_SECONDS``, and busy writes (tokens, audit) keep the cache."""
import base64

import pytest
import sqlalchemy as sa
from flask import request_started

from idp import create_app
from idp.extensions import db
from idp.models import UserFlow
from idp.protocol import metadata_cache
from tests import databases
from tests.factories import BASE, TENANT, make_app_registration

DISCOVERY = f"/{TENANT}/B2C_1_susi/v2.0/.well-known/openid-configuration"
JWKS = f"/{TENANT}/B2C_1_susi/discovery/v2.0/keys"


@pytest.fixture
def flask_requests(app):
    """How many requests reached Flask (a replayed answer never does)."""
    seen = []

    def count(sender, **_):
        seen.append(1)

    request_started.connect(count, app)
    yield seen
    request_started.disconnect(count, app)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(app):
    clock = Clock()
    app.extensions["b2clab_config_version"].clock = clock
    return clock


def _set_application_claims(app, claims):
    with app.app_context():
        flow = db.session.execute(sa.select(UserFlow).filter_by(name_key="b2c_1_susi")).scalar_one()
        flow.config = {**flow.config, "application_claims": claims}
        db.session.commit()


def test_a_second_get_is_replayed_without_flask(client, flask_requests):
    first = client.get(DISCOVERY)
    second = client.get(DISCOVERY)
    assert first.status_code == second.status_code == 200
    assert second.data == first.data
    assert len(flask_requests) == 1
    # The replay keeps every header Flask set: caching, CORS and the security headers.
    for name in ("Cache-Control", "Access-Control-Allow-Origin", "Content-Security-Policy",
                 "Content-Type"):
        assert second.headers[name] == first.headers[name]
    client.get(JWKS)
    client.get(JWKS)
    assert len(flask_requests) == 2


def test_the_query_string_is_part_of_the_key(client, flask_requests):
    base = f"/{TENANT}/v2.0/.well-known/openid-configuration"
    susi = client.get(base + "?p=B2C_1_susi").get_json()
    assert client.get(base + "?p=B2C_1_susi").get_json() == susi
    assert len(flask_requests) == 1
    other = client.get(base + "?p=B2C_1_profile_edit")
    assert len(flask_requests) == 2
    assert other.status_code in (200, 404)
    if other.status_code == 200:
        assert other.get_json()["token_endpoint"] != susi["token_endpoint"]


def test_a_configuration_change_in_this_process_is_seen_at_once(app, client):
    before = client.get(DISCOVERY).get_json()["claims_supported"]
    assert "given_name" in before
    _set_application_claims(app, ["email"])
    after = client.get(DISCOVERY).get_json()["claims_supported"]
    assert "given_name" not in after


def test_a_deleted_flow_stops_being_served_at_once(app, client):
    assert client.get(DISCOVERY).status_code == 200
    with app.app_context():
        db.session.execute(sa.delete(UserFlow).where(UserFlow.name_key == "b2c_1_susi"))
        db.session.commit()
    assert client.get(DISCOVERY).status_code == 404


def test_errors_are_never_kept(client, flask_requests):
    missing = f"/{TENANT}/B2C_1_nope/v2.0/.well-known/openid-configuration"
    assert client.get(missing).status_code == 404
    assert client.get(missing).status_code == 404
    assert len(flask_requests) == 2


def test_only_get_is_replayed(client, flask_requests):
    client.get(DISCOVERY)
    assert client.head(DISCOVERY).status_code == 200
    assert client.options(DISCOVERY).status_code == 204
    assert len(flask_requests) == 3


def test_token_requests_and_audit_records_keep_the_cache(app, client, flask_requests):
    registration = make_app_registration(app)
    client.get(DISCOVERY)
    basic = base64.b64encode(
        f"{registration['client_id']}:{registration['secret']}".encode()).decode()
    token = client.post(f"/{TENANT}/B2C_1_susi/oauth2/v2.0/token",
                        data={"grant_type": "client_credentials",
                              "scope": f"{registration['client_id']}/.default"},
                        headers={"Authorization": f"Basic {basic}"})
    assert token.status_code == 200, token.get_json()
    reached = len(flask_requests)
    client.get(DISCOVERY)
    assert len(flask_requests) == reached  # the token's commit wrote only busy tables


def test_entries_expire_after_the_configured_seconds(app, client, clock, flask_requests):
    ttl = app.config["IDP_METADATA_CACHE_SECONDS"]
    assert ttl == 1
    client.get(DISCOVERY)
    clock.now += ttl - 0.01
    client.get(DISCOVERY)
    assert len(flask_requests) == 1
    clock.now += 0.02
    client.get(DISCOVERY)
    assert len(flask_requests) == 2


@pytest.mark.settings(IDP_METADATA_CACHE_SECONDS=0)
def test_zero_seconds_turns_the_cache_off(client, flask_requests):
    client.get(DISCOVERY)
    client.get(DISCOVERY)
    assert len(flask_requests) == 2


def test_the_table_is_bounded(client, monkeypatch):
    monkeypatch.setattr(metadata_cache, "MAX_ENTRIES", 3)
    for n in range(6):
        assert client.get(f"{DISCOVERY}?n={n}").status_code == 200
    cache = client.application.wsgi_app
    assert isinstance(cache, metadata_cache.MetadataCache)
    assert len(cache._entries) == 3
    assert {key[2] for key in cache._entries} == {"n=3", "n=4", "n=5"}


@pytest.fixture
def shared_app(tmp_path, server_database):
    """An app on a database another connection can change, as another worker would."""
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path),
                      "DATABASE_URL": server_database or f"sqlite:///{tmp_path}/idp.sqlite3",
                      "IDP_PUBLIC_URL": BASE, "IDP_BCRYPT_ROUNDS": 4})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if server_database:
        databases.empty_tables(server_database)


def test_another_process_change_is_seen_when_the_entry_expires(shared_app):
    clock = Clock()
    shared_app.extensions["b2clab_config_version"].clock = clock
    client = shared_app.test_client()
    assert client.get(DISCOVERY).status_code == 200
    other_worker = sa.create_engine(shared_app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with other_worker.begin() as connection:
            connection.execute(sa.delete(UserFlow.__table__).where(
                UserFlow.__table__.c.name_key == "b2c_1_susi"))
    finally:
        other_worker.dispose()
    assert client.get(DISCOVERY).status_code == 200  # within the bound: the kept answer
    clock.now += shared_app.config["IDP_METADATA_CACHE_SECONDS"]
    assert client.get(DISCOVERY).status_code == 404
