"""A person in Chromium signs up, out, in and fails to sign in, through the sample app at /rp.

The server and the browser are shared by the session; each test has its own browser context
(pytest-playwright's ``page``), so cookies never leak between tests.
"""
from __future__ import annotations

import re
import uuid

import pytest
import requests
from playwright.sync_api import Page, expect

from .flowclient import FlowClient

pytestmark = pytest.mark.browser


def unique_email(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:12]}@example.com"


def unique_password() -> str:
    return "Passw0rd!-" + uuid.uuid4().hex[:8]


def mailbox_code(base_url: str, address: str) -> str:
    response = requests.get(f"{base_url}/mailbox/messages.json", params={"to": address},
                            timeout=10)
    response.raise_for_status()
    messages = response.json()  # newest first
    assert messages, f"no mail sent to {address}"
    return messages[0]["code"]


def claim(page: Page, name: str):
    return page.locator(f'#claims tr[data-claim="{name}"] td.value')


def open_sign_in_page(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/rp/")
    page.locator("#signin-button").click()
    expect(page.locator("#localAccountForm")).to_be_visible()


def sign_in(page: Page, base_url: str, email: str, password: str) -> None:
    open_sign_in_page(page, base_url)
    page.locator("#signInName").fill(email)
    page.locator("#password").fill(password)
    page.locator("#next").click()


def start_sign_up(page: Page, base_url: str, email: str) -> None:
    """From the sample app to the sign-up page, with a code sent to ``email``."""
    open_sign_in_page(page, base_url)
    page.locator("#createAccount").click()
    expect(page.locator("#attributeVerificationForm")).to_be_visible()
    page.locator("#email").fill(email)
    page.locator("#email_ver_but_send").click()
    expect(page.locator("#verificationCode")).to_be_visible()


def test_sign_up_sign_out_sign_in_and_errors(page: Page, base_url, screenshot_dir):
    email, password = unique_email("ann"), unique_password()

    # Sign up: unified page -> "Sign up now" -> verify the e-mail -> fill the details.
    open_sign_in_page(page, base_url)
    page.screenshot(path=screenshot_dir / "sign-in.png", full_page=True)
    page.locator("#createAccount").click()
    expect(page.locator("#attributeVerificationForm")).to_be_visible()
    page.locator("#email").fill(email)
    page.locator("#email_ver_but_send").click()
    expect(page.locator("#verificationCode")).to_be_visible()
    page.locator("#verificationCode").fill(mailbox_code(base_url, email))
    page.locator("#email_ver_but_verify").click()
    expect(page.locator("#email_ver_msg")).to_contain_text("E-mail address verified")
    page.locator("#newPassword").fill(password)
    page.locator("#reenterPassword").fill(password)
    page.locator("#displayName").fill("Ann Lee")
    page.locator("#givenName").fill("Ann")
    page.locator("#surname").fill("Lee")
    page.screenshot(path=screenshot_dir / "sign-up.png", full_page=True)
    page.locator("#continue").click()

    expect(page).to_have_url(f"{base_url}/rp/claims")
    expect(claim(page, "emails")).to_contain_text(email)
    expect(claim(page, "name")).to_have_text("Ann Lee")
    expect(claim(page, "given_name")).to_have_text("Ann")
    expect(claim(page, "family_name")).to_have_text("Lee")
    expect(claim(page, "newUser")).to_have_text("true")
    expect(claim(page, "tfp")).to_have_text("B2C_1_susi")
    oid = claim(page, "oid").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f-]{36}", oid), oid
    expect(claim(page, "sub")).to_have_text(oid)
    page.screenshot(path=screenshot_dir / "claims.png", full_page=True)

    # Sign out: the IdP ends its session and returns to the app with the state it was sent.
    page.locator("#signout").click()
    expect(page).to_have_url(f"{base_url}/rp/")
    expect(page.locator("#message")).to_have_text("You have signed out.")

    # Sign in again: the same user, no longer new.
    sign_in(page, base_url, email, password)
    expect(page).to_have_url(f"{base_url}/rp/claims")
    expect(claim(page, "oid")).to_have_text(oid)
    expect(claim(page, "emails")).to_contain_text(email)
    expect(page.locator('#claims tr[data-claim="newUser"]')).to_have_count(0)

    # Wrong password, then an account that does not exist.
    page.locator("#signout").click()
    expect(page.locator("#message")).to_have_text("You have signed out.")
    sign_in(page, base_url, email, password + "x")
    expect(page.locator(".error.pageLevel")).to_contain_text("Your password is incorrect.")
    page.screenshot(path=screenshot_dir / "wrong-password.png", full_page=True)

    page.locator("#signInName").fill(unique_email("nobody"))
    page.locator("#password").fill(password)
    page.locator("#next").click()
    expect(page.locator(".error.pageLevel")).to_contain_text(
        "We can't seem to find your account.")
    page.screenshot(path=screenshot_dir / "unknown-account.png", full_page=True)


def test_single_sign_on_and_prompt_login(page: Page, base_url):
    email, password = unique_email("sso"), unique_password()
    landed = FlowClient(base_url).sign_up(email, password)  # the account, made over HTTP
    assert landed.url == f"{base_url}/rp/claims", landed.text

    sign_in(page, base_url, email, password)
    expect(page).to_have_url(f"{base_url}/rp/claims")
    auth_time = claim(page, "auth_time").inner_text()
    nonce = claim(page, "nonce").inner_text()

    # The IdP session signs the user in again without showing any of its pages.
    shown: list[str] = []
    page.on("framenavigated",
            lambda frame: shown.append(frame.url) if frame == page.main_frame else None)
    page.goto(f"{base_url}/rp/signin")
    expect(page).to_have_url(f"{base_url}/rp/claims")
    expect(claim(page, "nonce")).not_to_have_text(nonce)  # a new token, not the old page
    expect(claim(page, "auth_time")).to_have_text(auth_time)  # SSO keeps the old auth_time
    assert all(url.startswith(f"{base_url}/rp/") for url in shown), shown
    expect(page.locator("#localAccountForm")).to_have_count(0)

    # prompt=login asks for credentials despite the session.
    page.goto(f"{base_url}/rp/signin?prompt=login")
    expect(page.locator("#localAccountForm")).to_be_visible()
    expect(page.locator("#signInName")).to_be_visible()


def test_wrong_verification_code(page: Page, base_url):
    email = unique_email("code")
    start_sign_up(page, base_url, email)
    code = mailbox_code(base_url, email)
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    page.locator("#verificationCode").fill(wrong)
    page.locator("#email_ver_but_verify").click()
    expect(page.locator("#email_ver_msg")).to_have_text("That code is incorrect. Please try again.")
    # The right code still works afterwards.
    page.locator("#verificationCode").fill(code)
    page.locator("#email_ver_but_verify").click()
    expect(page.locator("#email_ver_msg")).to_contain_text("E-mail address verified")
