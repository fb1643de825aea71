"""MFA over HTTP: e-mail one-time code through the mailbox, TOTP enrolment with a code computed
here, SSO remembering MFA, and three wrong codes ending as B2C does (AADB2C90151)."""
import re

import pyotp

from idp.extensions import db
from idp.models import UserFlow


def enforce(app, method, enforcement="always"):
    with app.app_context():
        flow = db.session.execute(db.select(UserFlow).filter_by(name_key="b2c_1_susi")).scalar_one()
        flow.config = {**flow.config, "properties": {"mfa_method": method,
                                                     "mfa_enforcement": enforcement}}
        db.session.commit()


def test_email_otp_then_sso_skips_mfa(flow, app):
    enforce(app, "email")
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    flow.sign_up("mfa@example.com")
    assert "Multifactor authentication: Email" in flow.text
    flow.submit("mfaForm", "send_code")
    code = flow.mailbox_code("mfa@example.com")
    flow.submit("mfaForm", "verify_code", verificationCode=code)
    assert "code" in flow.redirect_params()
    again = flow.authorize(rp["client_id"], rp["redirect_uri"])
    assert "code" in flow.redirect_params(again)  # the session remembers MFA


def test_totp_enrolment_and_three_wrong_codes(flow, app):
    enforce(app, "totp")
    rp = flow.rp()
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    flow.sign_up("totp@example.com")
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', flow.text).group(1)
    assert 'id="totp-qr"' in flow.text
    flow.submit("mfaForm", "verify_code", verificationCode=pyotp.TOTP(secret).now())
    assert "code" in flow.redirect_params()
    flow.client.delete_cookie("x-ms-cpim-sso")
    flow.authorize(rp["client_id"], rp["redirect_uri"])
    flow.sign_in("totp@example.com")
    assert 'id="totp-qr"' not in flow.text  # enrolled: only the code
    for _ in range(2):
        flow.submit("mfaForm", "verify_code", verificationCode="000000")
        assert "That code is incorrect. Please try again." in flow.text
    response = flow.submit("mfaForm", "verify_code", verificationCode="000000")
    params = flow.redirect_params(response)
    assert params["error"] == "access_denied"
    assert params["error_description"].startswith("AADB2C90151")
