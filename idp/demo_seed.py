"""``flask --app app demo seed``: fill the tenant with fake users and audit records, for a
workshop's "10,000 users" moment and for ``bench/portal.py``; and ``demo purge-audit``.

Bulk inserts through SQLAlchemy Core in batches of 1,000 (executemany), one transaction.  Every
seeded user gets the same password, hashed once with bcrypt cost 4: fine for fake accounts,
never for real ones.  Audit records are spread over the last days, inside the default 7-day
retention, so the Audit logs blade does not purge them at once.
"""
from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from collections.abc import Iterator

import bcrypt
import click
import sqlalchemy as sa
from flask.cli import AppGroup

from .extensions import db
from .models import AppRegistration, AuditRecord, DirectoryUser, UserIdentity
from .models._base import utcnow
from .store.tenant import current_tenant

BATCH = 1000
SEED_BCRYPT_ROUNDS = 4
GIVEN = ("Ada", "Alan", "Alice", "Amir", "Anna", "Ben", "Bruno", "Carla", "Chen", "Dana",
         "David", "Elena", "Emma", "Farah", "Grace", "Hana", "Ivan", "Jane", "John", "Julia",
         "Kenji", "Lara", "Liam", "Maria", "Mateo", "Mia", "Noah", "Olga", "Omar", "Priya",
         "Raj", "Rosa", "Sara", "Sofia", "Tom", "Uma", "Victor", "Wei", "Yusuf", "Zoe")
SURNAMES = ("Adams", "Baker", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen",
            "Ito", "Jensen", "Kowalski", "Lopez", "Martin", "Nakamura", "Novak", "Olsen",
            "Patel", "Quinn", "Rossi", "Schmidt", "Silva", "Tanaka", "Umar", "Varga",
            "Wang", "Weber", "Xu", "Yilmaz", "Young", "Zhang")
CITIES = ("Amsterdam", "Berlin", "Lisbon", "London", "Madrid", "Oslo", "Paris", "Prague",
          "Seattle", "Tokyo", "Toronto", "Warsaw")
#: (activity, category, weight): mostly runtime events, some portal changes.
ACTIVITIES = (
    ("Issue an id_token to the application", "Authentication", 24),
    ("Issue an authorization code to the application", "Authentication", 20),
    ("Issue an access token to the application", "Authentication", 14),
    ("Validate local account credentials", "Authentication", 18),
    ("Exchange token", "Authentication", 8),
    ("Send verification email", "Authentication", 4),
    ("Verify email address", "Authentication", 4),
    ("A self-service sign-up request was completed", "Authentication", 4),
    ("Validate Client Credentials", "Authentication", 2),
    ("Update user", "UserManagement", 1),
    ("Reset user password", "UserManagement", 1),
)
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"

demo_cli = AppGroup("demo", help="Demo data: seed users and audit records; purge old ones.")


def _batches(rows: Iterator[dict]) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _free_emails(count: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """``count`` (given, surname, e-mail) with e-mails no identity uses yet."""
    start = db.session.execute(sa.select(sa.func.count()).select_from(DirectoryUser)).scalar()
    people, n = [], start
    while len(people) < count:
        chunk = []
        for _ in range(min(BATCH, count - len(people))):
            given, surname = rng.choice(GIVEN), rng.choice(SURNAMES)
            chunk.append((given, surname, f"{given}.{surname}{n}@example.com".lower()))
            n += 1
        taken = set(db.session.execute(sa.select(UserIdentity.issuer_assigned_id_key).where(
            UserIdentity.issuer_assigned_id_key.in_([c[2] for c in chunk]))).scalars())
        people += [c for c in chunk if c[2] not in taken]
    return people


def seed_users(count: int, password: str, rng: random.Random) -> list[str]:
    """Insert ``count`` local accounts; returns their object ids."""
    issuer, now = current_tenant().domain, utcnow()
    password_hash = bcrypt.hashpw(password.encode(), bcrypt.gensalt(SEED_BCRYPT_ROUNDS)).decode()
    users, identities = [], []
    for given, surname, email in _free_emails(count, rng):
        object_id = str(uuid.uuid4())
        created = now - dt.timedelta(seconds=rng.randint(0, 90 * 86400))
        users.append({"object_id": object_id, "display_name": f"{given} {surname}",
                      "given_name": given, "surname": surname,
                      "attributes": {"city": rng.choice(CITIES)}, "account_enabled": True,
                      "password_hash": password_hash, "password_last_set": created,
                      "created_at": created, "updated_at": created})
        identities.append({"user_object_id": object_id, "sign_in_type": "emailAddress",
                           "issuer": issuer, "issuer_assigned_id": email,
                           "issuer_assigned_id_key": email})
    for table, rows in ((DirectoryUser.__table__, users), (UserIdentity.__table__, identities)):
        for batch in _batches(iter(rows)):
            db.session.execute(sa.insert(table), batch)
    return [u["object_id"] for u in users]


def _audit_rows(count: int, user_ids: list[str], days: float,
                rng: random.Random) -> Iterator[dict]:
    apps = list(db.session.execute(sa.select(AppRegistration.client_id).where(
        ~AppRegistration.name.startswith("b2c-extensions-app"))).scalars()) or [None]
    names, weights = [a[:2] for a in ACTIVITIES], [a[2] for a in ACTIVITIES]
    now, span = utcnow(), int(days * 86400)
    for (activity, category) in rng.choices(names, weights, k=count):
        admin = category == "UserManagement"
        failed = activity == "Validate local account credentials" and rng.random() < 0.1
        yield {"category": category, "activity": activity,
               "result": "failure" if failed else "success",
               "result_reason": "wrong password" if failed else "N/A",
               "correlation_id": str(uuid.uuid4()),
               "app_id": None if admin else rng.choice(apps),
               "target_user_id": rng.choice(user_ids) if user_ids else None,
               "policy": None if admin else "B2C_1_susi",
               "initiated_by_admin": "admin" if admin else None,
               "additional_details": {"Client": USER_AGENT,
                                      "ClientIpAddress": f"10.0.{rng.randint(0, 255)}."
                                                         f"{rng.randint(1, 254)}"},
               "activity_time": now - dt.timedelta(seconds=rng.randint(0, span))}


def seed_audit(count: int, user_ids: list[str], days: float, rng: random.Random) -> None:
    if not user_ids:
        user_ids = list(db.session.execute(sa.select(DirectoryUser.object_id)
                                           .limit(10_000)).scalars())
    for batch in _batches(_audit_rows(count, user_ids, days, rng)):
        db.session.execute(sa.insert(AuditRecord.__table__), batch)


@demo_cli.command("seed")
@click.option("--users", "users", default=100, show_default=True,
              type=click.IntRange(min=0, max=1_000_000), help="fake local accounts to add")
@click.option("--audit", "audit", default=1000, show_default=True,
              type=click.IntRange(min=0, max=10_000_000), help="audit records to add")
@click.option("--password", default="Passw0rd!demo", show_default=True,
              help="the one password of every seeded user (hashed once, bcrypt cost 4: "
                   "demo data only)")
@click.option("--days", default=6.0, show_default=True, type=click.FloatRange(0, 365),
              help="spread the audit records over this many past days")
@click.option("--random-seed", default=None, type=int, help="for repeatable data")
def seed(users: int, audit: int, password: str, days: float, random_seed: int | None) -> None:
    """Add fake users (e-mail sign-in, one shared password) and audit records, fast: bulk
    inserts in batches of 1,000.  Seeded passwords use bcrypt cost 4, far below the
    IDP_BCRYPT_ROUNDS real accounts get: never seed a tenant real people use."""
    rng, started = random.Random(random_seed), time.perf_counter()
    user_ids = seed_users(users, password, rng)
    seed_audit(audit, user_ids, days, rng)
    db.session.execute(sa.text("ANALYZE"))  # fresh planner statistics for the big tables
    db.session.commit()
    click.echo(f"Seeded {users} users (password '{password}', bcrypt cost "
               f"{SEED_BCRYPT_ROUNDS}) and {audit} audit records in "
               f"{time.perf_counter() - started:.1f} s.")


@demo_cli.command("purge-audit")
def purge_audit() -> None:
    """Delete the audit records older than the tenant's retention (Audit logs blade)."""
    from .portal.audit_logs.retention import purge_expired_audit_records, retention_days

    deleted = purge_expired_audit_records()
    db.session.commit()
    click.echo(f"Deleted {deleted} audit records older than {retention_days()} days.")
