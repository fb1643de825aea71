"""The test databases: in-memory SQLite by default, or a server database (PostgreSQL in CI)
named by ``B2CLAB_TEST_DATABASE_URL``, for example
``postgresql+psycopg://postgres@127.0.0.1:55432/b2clab_test``.

On a server database the in-process tests share that one database: the session starts from an
empty schema, the first app migrates it, and after each test :func:`empty_tables` removes every
row (the schema stays, so the next app only seeds: about 0.17 s a test instead of 0.3 s for
dropping and migrating again).  Each live server of the end-to-end tests gets a database of its
own (:func:`create_database`), so the in-process tests never clobber a running server.
"""
from __future__ import annotations

import os
import uuid

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

TEST_DATABASE_URL = os.environ.get("B2CLAB_TEST_DATABASE_URL") or "sqlite://"
#: tables that outlive a test: the schema's revision, so the next app does not migrate again
KEEP = {"alembic_version"}


def is_server_database(url: str = TEST_DATABASE_URL) -> bool:
    return not url.startswith("sqlite")


def is_postgresql(url: str = TEST_DATABASE_URL) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def _engine(url: str, **options) -> sa.Engine:
    return sa.create_engine(url, poolclass=NullPool, **options)


def reset_schema(url: str = TEST_DATABASE_URL) -> None:
    """Drop every table (and on PostgreSQL every type and sequence): a schema left by an
    interrupted run, even of another revision, must not leak into this one."""
    engine = _engine(url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                _close_other_connections(connection)
                connection.execute(sa.text("DROP SCHEMA public CASCADE"))
                connection.execute(sa.text("CREATE SCHEMA public"))
            else:
                metadata = sa.MetaData()
                metadata.reflect(connection)
                metadata.drop_all(connection)
    finally:
        engine.dispose()


def empty_tables(url: str = TEST_DATABASE_URL) -> None:
    """Delete every row of every table but ``alembic_version``; identities restart at 1.

    :raise sqlalchemy.exc.OperationalError: when a lock still blocks it after 10 s.
    """
    engine = _engine(url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text(_EMPTY_POSTGRESQL))
            else:
                metadata = sa.MetaData()
                metadata.reflect(connection)
                for table in reversed(metadata.sorted_tables):
                    if table.name not in KEEP:
                        connection.execute(table.delete())
    finally:
        engine.dispose()


# One round trip.  A connection a test leaked (idle in a transaction) would hold a lock the
# deletes wait for: it is ended first, and a lock that still blocks fails after 10 s.  DELETE
# with foreign-key triggers off (session_replication_role, superusers only) takes about 20 ms
# on these small tables; TRUNCATE, the fallback, about 120-220 ms (it makes new files for
# every table).  Sequences restart at 1, as on a fresh database.
_EMPTY_POSTGRESQL = """
DO $$
DECLARE
  item record;
  names text;
BEGIN
  PERFORM pg_terminate_backend(pid) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid();
  SET LOCAL lock_timeout = '10s';
  SELECT string_agg(format('%I', tablename), ', ') INTO names FROM pg_tables
    WHERE schemaname = current_schema() AND tablename NOT IN ('alembic_version');
  IF names IS NULL THEN
    RETURN;
  ELSIF current_setting('is_superuser') = 'on' THEN
    SET LOCAL session_replication_role = replica;
    FOR item IN SELECT tablename FROM pg_tables
        WHERE schemaname = current_schema() AND tablename NOT IN ('alembic_version') LOOP
      EXECUTE format('DELETE FROM %I', item.tablename);
    END LOOP;
    FOR item IN SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() LOOP
      PERFORM setval(format('%I', item.sequencename)::regclass, 1, false);
    END LOOP;
  ELSE
    EXECUTE 'TRUNCATE ' || names || ' RESTART IDENTITY CASCADE';
  END IF;
END $$
"""


def _close_other_connections(connection: sa.Connection) -> None:
    connection.execute(sa.text(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"))


def create_database(label: str, url: str = TEST_DATABASE_URL) -> str:
    """Create an empty PostgreSQL database beside ``url``'s; returns its URL.

    :raise ValueError: when ``url`` is not a PostgreSQL URL.
    """
    if not is_postgresql(url):
        raise ValueError(f"create_database needs a PostgreSQL URL, not {url!r}")
    base = make_url(url)
    name = f"{base.database}_{label}_{uuid.uuid4().hex[:8]}"
    engine = _engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def drop_database(database_url: str, url: str = TEST_DATABASE_URL) -> None:
    """Drop a database made by :func:`create_database`, ending any connection still open."""
    name = make_url(database_url).database
    engine = _engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()
