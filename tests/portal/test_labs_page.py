"""The instructors' Labs page: progress per lab, Solve, and Reset with confirmation."""
from idp.extensions import db
from idp.models import AppRegistration, AuditRecord


def test_labs_page_solve_and_reset(admin, client, app):
    html = client.get("/portal/labs/").get_data(as_text=True)
    assert 'id="lab01" data-done="no"' in html and "App registrations &gt; + New registration" in html
    assert admin.post_form("/portal/labs/", "/portal/labs/01/solve").status_code == 303
    assert 'id="lab01" data-done="yes"' in client.get("/portal/labs/").get_data(as_text=True)
    confirm = admin.post_form("/portal/labs/", "/portal/labs/reset")
    assert confirm.status_code == 200 and "Reset the tenant?" in confirm.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(AppRegistration).filter_by(
            name="lab01-webapp")).first() is not None
    done = admin.post_form("/portal/labs/", "/portal/labs/reset", confirm="yes")
    assert done.status_code == 303
    with app.app_context():
        assert db.session.execute(db.select(AppRegistration).filter_by(
            name="lab01-webapp")).first() is None
        # the reset cleared the audit log, then recorded itself
        assert db.session.scalars(db.select(AuditRecord.activity)).all()[-1] == \
            "Reset tenant to the seeded start"


def test_solving_an_unknown_lab_is_a_message(admin, client):
    response = admin.post_form("/portal/labs/", "/portal/labs/42/solve")
    assert response.status_code == 303
    assert "There is no lab 42." in client.get("/portal/labs/").get_data(as_text=True)
