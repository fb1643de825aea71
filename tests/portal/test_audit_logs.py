"""Audit logs blade: the directoryAudit shape (pure), the list (newest first, paging, filters),
the detail page, the CSV download (filtered, streamed, no formula injection) and retention."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html import unescape
from types import SimpleNamespace

import pytest

from idp.extensions import db
from idp.models import AuditRecord, Tenant, UserIdentity
from idp.models._base import utcnow
from idp.portal.audit_logs.shape import csv_row, directory_audit, safe_cell
from tests.factories import TENANT
from tests.portal.test_users import make_user

USER = "11111111-2222-3333-4444-555555555555"
APP = "99999999-8888-7777-6666-555555555555"


def add_records(app, *specs: dict) -> list[int]:
    """Insert records; each spec may set ``ago`` (a timedelta before now) and any column."""
    now = utcnow()
    with app.app_context():
        rows = []
        for spec in specs:
            spec = dict(spec)
            ago = spec.pop("ago", dt.timedelta(0))
            rows.append(AuditRecord(**{"category": "Authentication",
                                       "activity": "Issue an id_token to the application",
                                       "activity_time": now - ago, "additional_details": {},
                                       **spec}))
        db.session.add_all(rows)
        db.session.commit()
        return [r.id for r in rows]


def listed_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-record-id="(\d+)"', html)]


def portal_records(app) -> int:
    with app.app_context():
        return db.session.query(AuditRecord).filter(
            AuditRecord.activity != "Admin signed in to the portal").count()


# --- the shape (pure) ------------------------------------------------------------------------

def record(**overrides) -> SimpleNamespace:
    fields = {"id": 42, "category": "Authentication",
              "activity": "Issue an id_token to the application", "result": "success",
              "result_reason": "N/A", "correlation_id": "c0ffee00-0000-0000-0000-000000000001",
              "app_id": APP, "target_user_id": USER, "policy": "B2C_1_susi",
              "initiated_by_admin": None,
              "additional_details": {"Client": "Mozilla/5.0", "ClientIpAddress": "127.0.0.1"},
              "activity_time": dt.datetime(2019, 9, 14, 18, 13, 17, 61811)}
    return SimpleNamespace(**{**fields, **overrides})


def test_directory_audit_shape_of_a_runtime_event():
    assert directory_audit(record(), "contoso.onmicrosoft.com", "webapp1") == {
        "id": "B2C_42", "category": "Authentication",
        "correlationId": "c0ffee00-0000-0000-0000-000000000001",
        "result": "success", "resultReason": "N/A",
        "activityDisplayName": "Issue an id_token to the application",
        "activityDateTime": "2019-09-14T18:13:17.061811Z", "loggedByService": "B2C",
        "operationType": "",
        "initiatedBy": {"user": None, "app": {"appId": APP, "displayName": "webapp1",
                                              "servicePrincipalId": None,
                                              "servicePrincipalName": APP}},
        "targetResources": [{"id": USER, "displayName": None, "type": "User",
                             "userPrincipalName": None, "groupType": None,
                             "modifiedProperties": []}],
        "additionalDetails": [{"key": "TenantId", "value": "contoso.onmicrosoft.com"},
                              {"key": "PolicyId", "value": "B2C_1_susi"},
                              {"key": "ApplicationId", "value": APP},
                              {"key": "Client", "value": "Mozilla/5.0"},
                              {"key": "ClientIpAddress", "value": "127.0.0.1"}]}


def test_directory_audit_shape_of_a_portal_change():
    changes = [{"displayName": "DisplayName", "oldValue": '["A"]', "newValue": '["B"]'}]
    shape = directory_audit(record(
        category="UserManagement", activity="Update user", app_id=None, policy=None,
        correlation_id=None, initiated_by_admin="admin",
        additional_details={"ClientIpAddress": "10.0.0.1", "targetDisplayName": "B",
                            "targetUserPrincipalName": "b@example.com",
                            "modifiedProperties": changes, "sessionsRevoked": 2}),
        "contoso.onmicrosoft.com")
    assert shape["operationType"] == "Update"
    assert shape["correlationId"] == "00000000-0000-0000-0000-000000000000"
    assert shape["initiatedBy"] == {"user": {"id": None, "displayName": None,
                                             "userPrincipalName": "admin",
                                             "ipAddress": "10.0.0.1"}, "app": None}
    assert shape["targetResources"][0]["displayName"] == "B"
    assert shape["targetResources"][0]["userPrincipalName"] == "b@example.com"
    assert shape["targetResources"][0]["modifiedProperties"] == changes
    assert shape["additionalDetails"] == [
        {"key": "TenantId", "value": "contoso.onmicrosoft.com"},
        {"key": "ClientIpAddress", "value": "10.0.0.1"}, {"key": "sessionsRevoked", "value": "2"}]


@pytest.mark.parametrize("value, cell", [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM", "'@SUM"),
    ("\tx", "'\tx"), ("plain", "plain"), (None, ""), ("a=b", "a=b"),
])
def test_csv_cells_never_start_a_formula(value, cell):
    assert safe_cell(value) == cell


def test_csv_row_columns():
    assert csv_row(record(initiated_by_admin="=admin")) == [
        "2019-09-14T18:13:17.061811Z", "Issue an id_token to the application", "Authentication",
        "success", "N/A", "'=admin", USER, APP, "B2C_1_susi",
        "c0ffee00-0000-0000-0000-000000000001"]


# --- the list --------------------------------------------------------------------------------

def test_list_is_newest_first_with_paging(admin, client, app):
    ids = add_records(app, *({"ago": dt.timedelta(minutes=n + 10)} for n in range(120)))
    first = client.get("/portal/audit-logs/").get_data(as_text=True)
    listed = listed_ids(first)
    assert len(listed) == 50 and listed[1:] == ids[:49]  # [0] is this admin's sign-in
    assert 'id="page-next"' in first and "Page 1" in first
    third = client.get("/portal/audit-logs/?page=3").get_data(as_text=True)
    assert listed_ids(third) == ids[99:]  # 121 records: 50, 50, 21
    assert 'id="page-next"' not in third and 'id="page-previous"' in third
    assert client.get("/portal/audit-logs/?page=zz").status_code == 200


def test_filters(admin, client, app):
    make_user(app, "target@example.com", "Target")
    with app.app_context():
        target = db.session.execute(db.select(UserIdentity.user_object_id)).scalar_one()
    ids = add_records(
        app,
        {"activity": "Exchange token", "app_id": APP, "policy": "B2C_1_susi"},
        {"activity": "Update user", "category": "UserManagement", "target_user_id": target,
         "initiated_by_admin": "ops", "ago": dt.timedelta(days=3)},
        {"activity": "Verify email address", "target_user_id": USER,
         "ago": dt.timedelta(days=5)})
    base = "/portal/audit-logs/"
    page = client.get(base).get_data(as_text=True)
    for activity in ("Exchange token", "Update user", "Verify email address"):
        assert f'<option value="{activity}">' in page
    cases = {"activity=Exchange+token": [ids[0]], f"user={USER}": [ids[2]],
             "user=ops": [ids[1]], "user=TARGET@example.com": [ids[1]],
             f"application={APP}": [ids[0]], "user_flow=B2C_1_susi": [ids[0]],
             "date_from=" + (utcnow() - dt.timedelta(days=4)).strftime("%Y-%m-%d")
             + "&date_to=" + (utcnow() - dt.timedelta(days=2)).strftime("%Y-%m-%d"): [ids[1]]}
    for query, expected in cases.items():
        listed = listed_ids(client.get(f"{base}?{query}").get_data(as_text=True))
        assert listed == expected, query


@pytest.mark.parametrize("query, message", [
    ("date_from=2024-13-45", "Not a valid date value."),
    ("date_from=2024-05-02&date_to=2024-05-01", "The end date is before the start date."),
])
def test_bad_filters_say_why_and_never_fail(admin, client, app, query, message):
    response = client.get(f"/portal/audit-logs/?{query}")
    assert response.status_code == 200 and message in unescape(response.get_data(as_text=True))


def test_detail_page_shows_the_directory_audit_json(admin, client, app):
    [record_id] = add_records(app, {"app_id": APP, "target_user_id": USER,
                                    "policy": "B2C_1_susi", "correlation_id": "corr-1",
                                    "additional_details": {"ClientIpAddress": "127.0.0.1"}})
    html = unescape(client.get(f"/portal/audit-logs/{record_id}").get_data(as_text=True))
    for fragment in (f'"id": "B2C_{record_id}"', '"loggedByService": "B2C"',
                     '"correlationId": "corr-1"', f'"key": "TenantId",\n      "value": "{TENANT}"',
                     '"key": "PolicyId"', '"type": "User"'):
        assert fragment in html, fragment
    assert client.get("/portal/audit-logs/999999").status_code == 404


# --- Download --------------------------------------------------------------------------------

def test_download_is_the_filtered_view_as_csv_without_formulas(admin, client, app):
    add_records(app, {"activity": "Exchange token", "initiated_by_admin": "=cmd|' /C calc'!A0",
                      "result_reason": "-1+1"},
                *({"activity": "Verify email address"} for _ in range(3)))
    response = client.get("/portal/audit-logs/download?activity=Exchange+token")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Date", "Activity", "Category", "Result", "Result reason",
                       "Initiated by", "Target", "Application", "User flow", "Correlation ID"]
    assert len(rows) == 2
    assert rows[1][1] == "Exchange token" and rows[1][4] == "'-1+1"
    assert rows[1][5] == "'=cmd|' /C calc'!A0"


def test_download_streams_more_than_one_batch(admin, client, app):
    add_records(app, *({"ago": dt.timedelta(seconds=n // 3)} for n in range(2500)))
    body = client.get("/portal/audit-logs/download?activity=Issue+an+id_token+to+the+"
                      "application").get_data(as_text=True)
    assert len(body.strip().splitlines()) == 2501  # keyset batches: none lost, none twice


# --- retention -------------------------------------------------------------------------------

def test_records_older_than_the_retention_are_purged(admin, client, app):
    old, fresh = add_records(app, {"ago": dt.timedelta(days=8)}, {"ago": dt.timedelta(days=6)})
    html = client.get("/portal/audit-logs/").get_data(as_text=True)
    assert 'value="7"' in html and "Audit log retention (days)" in html
    with app.app_context():
        assert db.session.get(AuditRecord, old) is None
        assert db.session.get(AuditRecord, fresh) is not None


def test_saving_the_retention_purges_and_is_audited(admin, client, app):
    keep, _drop = add_records(app, {"ago": dt.timedelta(hours=1)},
                             {"ago": dt.timedelta(days=3)})
    response = admin.post_form("/portal/audit-logs/", "/portal/audit-logs/retention",
                               retention_days="2")
    assert response.status_code == 303
    with app.app_context():
        tenant = db.session.execute(db.select(Tenant)).scalar_one()
        assert tenant.settings["audit_retention_days"] == 2
        # (ids are checked through the activity: SQLite may reuse a deleted last id)
        assert db.session.get(AuditRecord, keep) is not None
        assert db.session.query(AuditRecord).filter(
            AuditRecord.activity_time < utcnow() - dt.timedelta(days=2)).count() == 0
        change = db.session.execute(db.select(AuditRecord).filter_by(
            activity="Update audit log retention")).scalar_one()
        assert change.additional_details["newRetentionDays"] == 2
        assert change.additional_details["recordsPurged"] == 1
        assert change.initiated_by_admin == "admin"
    assert 'value="2"' in client.get("/portal/audit-logs/").get_data(as_text=True)


RANGE = "Enter a number of days from 1 to 365."


@pytest.mark.parametrize("value, message", [
    ("0", RANGE), ("366", RANGE), ("", RANGE), ("seven", "Not a valid integer value."),
])
def test_bad_retention_is_refused_and_nothing_changes(admin, client, app, value, message):
    add_records(app, {"ago": dt.timedelta(days=3)})
    before = portal_records(app)
    response = admin.post_form("/portal/audit-logs/", "/portal/audit-logs/retention",
                               retention_days=value)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        assert "audit_retention_days" not in (db.session.execute(
            db.select(Tenant)).scalar_one().settings or {})
    assert portal_records(app) == before


def test_purge_command(app, runner):
    add_records(app, {"ago": dt.timedelta(days=30)}, {"ago": dt.timedelta(days=1)})
    result = runner.invoke(args=["demo", "purge-audit"])
    assert result.exit_code == 0 and "Deleted 1 audit records older than 7 days." in \
        result.output
