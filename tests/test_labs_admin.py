"""Instructor tools: labs check says "not done" before and "done" after solve; reset brings
back the seeded tenant and keeps admin accounts."""
from idp.extensions import db
from idp.models import AdminAccount, AppRegistration, DirectoryUser, UserFlow


def names(app, model, column):
    with app.app_context():
        return set(db.session.scalars(db.select(column)))


def test_check_solve_check(runner, app):
    before = runner.invoke(args=["labs", "check", "01"])
    assert before.exit_code == 0 and "Lab 01: not done. Next: App registrations" in before.output
    assert "[ ] app registration lab01-webapp" in before.output
    solved = runner.invoke(args=["labs", "solve", "1"])
    assert solved.exit_code == 0, solved.output
    after = runner.invoke(args=["labs", "check", "01"])
    assert "Lab 01: done." in after.output and "[ ]" not in after.output
    assert runner.invoke(args=["labs", "solve", "01"]).exit_code == 0  # idempotent
    assert "Lab 01: done." in runner.invoke(args=["labs", "check", "01"]).output


def test_unknown_lab_is_a_clear_error(runner):
    result = runner.invoke(args=["labs", "check", "42"])
    assert result.exit_code != 0 and "No lab 42. Labs: 01" in result.output


def test_reset_restores_the_seed_and_keeps_admins(runner, app, flow):
    seeded_apps = names(app, AppRegistration, AppRegistration.name)
    seeded_flows = names(app, UserFlow, UserFlow.name)
    runner.invoke(args=["labs", "solve", "01"])
    flow.code_flow("reset-me@example.com")
    result = runner.invoke(args=["labs", "reset", "--yes"])
    assert result.exit_code == 0, result.output
    assert names(app, AppRegistration, AppRegistration.name) == seeded_apps
    assert names(app, UserFlow, UserFlow.name) == seeded_flows
    assert names(app, DirectoryUser, DirectoryUser.object_id) == set()
    assert names(app, AdminAccount, AdminAccount.username) == {"admin"}
    assert "Lab 01: not done." in runner.invoke(args=["labs", "check", "01"]).output
    flow.client.delete_cookie("x-ms-cpim-sso")
    flow.code_flow("after-reset@example.com")  # the seeded tenant still works
