"""Multifactor authentication as a journey step (b2c-reference §5.2, §6.2 multifactor 1.1.0).

Methods: Email (a one-time code to the account's e-mail), SMS or phone call (simulated: the
"text message" or "call" lands in the mailbox), Authenticator app - TOTP (RFC 6238, enrolled
with a QR code and the secret in text).  Enforcement: Always on, or Conditional (B2C Lab's
stand-in for Conditional Access: challenge only a browser that has not passed MFA for this user
before).  Three wrong codes end the run with AADB2C90151, as B2C's multifactor page does.

Every text of the page, and the text message, call or e-mail with the code, is in the run's
language with the flow's overrides for ``api.phonefactor`` (:mod:`.languages`), as on the
other pages; messages travel as StringIds until the page is built.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
from typing import Any, Mapping

import pyotp
import segno

from .errors import B2CError
from .journey import Continue, StepContext, Stay
from .languages import PageTexts, page_texts

MAX_ATTEMPTS = 3
CODE_LIFETIME = 300
PHONE_RE = re.compile(r"^\+[1-9]\d{7,14}$")
PHONE_METHODS = ("phone", "sms", "call")
LABELS = {"email": "Email", "phone": "SMS or phone call", "sms": "SMS only",
          "call": "Phone call only", "totp": "Authenticator app - TOTP"}
CONTENT_DEFINITION = "api.phonefactor"
#: page strings the template uses directly (view["text"][...])
TEMPLATE_TEXTS = ("mfa_title", "mfa_heading", "number_label",
                  "local_number_input_placeholder_text", "mfa_phone_help", "button_send_code",
                  "text_button_send_second_code",
                  "verification_code_input_placeholder_text", "button_verify_code",
                  "mfa_totp_scan", "mfa_totp_qr_alt", "mfa_totp_manual", "mfa_totp_enter")
#: the message with the code, by method: (subject StringId, audit activity)
MESSAGES = {"email": ("mfa_email_subject", "Send verification email"),
            "call": ("mfa_call_subject", "Make phone call to verify phone number")}
SMS_MESSAGE = ("mfa_sms_subject", "Send SMS to verify phone number")


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _masked(value: str) -> str:
    if "@" in value:
        name, _, domain = value.partition("@")
        return f"{name[:2]}***@{domain}"
    return f"{value[:3]}******{value[-2:]}"


def _qr_data_uri(uri: str) -> str:
    svg = segno.make(uri, error="m").svg_inline(scale=4)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


class Mfa:
    """The MFA technical profile; ``metadata["method"]`` is one of :data:`LABELS`."""

    interactive = True

    def skip(self, ctx: StepContext) -> str | None:
        """Conditional enforcement: a browser that passed MFA for this user is not asked."""
        if ctx.profile.metadata.get("enforcement") != "conditional":
            return None
        profile = ctx.ports.directory.mfa_profile(ctx.state.bag["objectId"])
        if ctx.request.get("browser_mfa_device") in profile.get("devices", []):
            return "Conditional: this browser passed MFA for this user before"
        return None

    def render(self, ctx: StepContext) -> dict[str, Any]:
        return self._view(ctx)

    def submit(self, ctx: StepContext, form: Mapping[str, Any]) -> Continue | Stay:
        profile = ctx.ports.directory.mfa_profile(ctx.state.bag["objectId"])
        action = form.get("action", "verify_code")
        method = ctx.profile.metadata["method"]
        if action == "send_code" and method != "totp":
            return Stay(self._send(ctx, profile, form))
        return self._verify(ctx, profile, (form.get("verificationCode") or "").strip())

    # -- page model ---------------------------------------------------------------------------
    @staticmethod
    def texts(ctx: StepContext) -> PageTexts:
        """The page's texts in the run's language, with the flow's overrides for this page."""
        return page_texts(ctx.request, ctx.journey.localization, CONTENT_DEFINITION)

    def _view(self, ctx: StepContext, message: tuple[str, ...] | None = None,
              kind: str = "info", **extra: Any) -> dict[str, Any]:
        """``message`` is a StringId and its ``{0}``... arguments."""
        method = ctx.profile.metadata["method"]
        profile = ctx.ports.directory.mfa_profile(ctx.state.bag["objectId"])
        scratch = ctx.state.scratch
        texts = self.texts(ctx)
        method_label = texts.text(f"mfa_method_{method}")
        view = {"contract": "multifactor", "content_definition": CONTENT_DEFINITION,
                "language": texts.language, "method": method, "method_label": method_label,
                "method_intro": texts.text("mfa_method_intro", method_label),
                "message": texts.text(*message) if message else None,
                "message_kind": kind, "code_sent": bool(scratch.get("digest")),
                "enrolled": self._enrolled(method, profile),
                "text": {sid: texts.text(sid) for sid in TEMPLATE_TEXTS}, **extra}
        if method == "email":
            view["destination"] = _masked(self._email(ctx))
        elif method in PHONE_METHODS and profile.get("phone"):
            view["destination"] = _masked(profile["phone"])
        elif method == "totp" and not view["enrolled"]:
            secret = scratch.setdefault("totp_secret", pyotp.random_base32())
            uri = pyotp.TOTP(secret).provisioning_uri(
                name=self._email(ctx) or ctx.state.bag["objectId"],
                issuer_name=ctx.ports.tenant_name)
            view.update(totp_secret=secret, totp_uri=uri, qr=_qr_data_uri(uri))
        if view.get("destination"):
            # the text around {0}, so that the template can show the address in bold
            before, _, after = texts.text("mfa_intro_destination", "\x00").partition("\x00")
            view["destination_intro"] = (before, after)
        return view

    @staticmethod
    def _enrolled(method: str, profile: Mapping[str, Any]) -> bool:
        if method == "totp":
            return bool(profile.get("totp_secret"))
        if method in PHONE_METHODS:
            return bool(profile.get("phone"))
        return True

    @staticmethod
    def _email(ctx: StepContext) -> str:
        emails = ctx.state.bag.get("emails") or []
        return emails[0] if emails else ctx.state.bag.get("email", "")

    # -- codes --------------------------------------------------------------------------------
    def _send(self, ctx: StepContext, profile: dict, form: Mapping[str, Any]) -> dict:
        method = ctx.profile.metadata["method"]
        if method == "email":
            destination = self._email(ctx)
        else:
            destination = profile.get("phone") or (form.get("phoneNumber") or "").replace(" ", "")
            if not PHONE_RE.match(destination):
                return self._view(ctx, ("invalid_number",), "error")
            ctx.state.scratch["phone"] = destination
        code = f"{secrets.randbelow(10**6):06d}"
        ctx.state.scratch.update(digest=_digest(code), expires=ctx.now + CODE_LIFETIME)
        tenant = ctx.ports.tenant_name
        texts = self.texts(ctx)
        subject_id, activity = MESSAGES.get(method, SMS_MESSAGE)
        ctx.ports.mailer.send(destination, texts.text(subject_id, tenant),
                              texts.text("mfa_code_body", tenant, code), code=code)
        ctx.event(activity, user=ctx.state.bag["objectId"])
        return self._view(ctx, ("mfa_code_sent", _masked(destination)))

    def _verify(self, ctx: StepContext, profile: dict, code: str) -> Continue | Stay:
        method = ctx.profile.metadata["method"]
        scratch = ctx.state.scratch
        if method == "totp":
            secret = profile.get("totp_secret") or scratch.get("totp_secret", "")
            counter = _totp_counter(secret, code, ctx.now)
            ok = counter is not None and counter != profile.get("totp_last_counter")
            scratch["totp_counter"] = counter
        else:
            if not scratch.get("digest"):
                return Stay(self._view(ctx, ("mfa_send_code_first",), "error"))
            ok = ctx.now <= scratch["expires"] and hmac.compare_digest(_digest(code),
                                                                       scratch["digest"])
        if not ok:
            return self._wrong(ctx)
        return self._passed(ctx, profile)

    def _wrong(self, ctx: StepContext) -> Stay:
        scratch = ctx.state.scratch
        scratch["attempts"] = scratch.get("attempts", 0) + 1
        ctx.event("verify one time password", result="failure", user=ctx.state.bag["objectId"])
        if scratch["attempts"] >= MAX_ATTEMPTS:
            raise B2CError("AADB2C90151", error="access_denied", hint=(
                "Three wrong verification codes end the sign-in, as on B2C's multifactor page."))
        return Stay(self._view(ctx, ("error_incorrect_code",), "error"))

    def _passed(self, ctx: StepContext, profile: dict) -> Continue:
        method = ctx.profile.metadata["method"]
        scratch = ctx.state.scratch
        updated = dict(profile)
        if method == "totp":
            if not profile.get("totp_secret"):
                updated["totp_secret"] = scratch["totp_secret"]
                ctx.event("Register TOTP secret", user=ctx.state.bag["objectId"])
            updated["totp_last_counter"] = scratch["totp_counter"]  # once only (ASVS V2.8.4)
        elif method in PHONE_METHODS and not profile.get("phone"):
            updated["phone"] = scratch["phone"]
        device = ctx.request.get("browser_mfa_device")
        if device and device not in updated.get("devices", []):
            updated["devices"] = [*updated.get("devices", []), device][-20:]
        ctx.ports.directory.save_mfa_profile(ctx.state.bag["objectId"], updated)
        ctx.event("verify one time password", user=ctx.state.bag["objectId"], method=method)
        return Continue({"mfaCompleted": True}, note=f"{LABELS[method]} verified")


def _totp_counter(secret: str, code: str, now: float) -> int | None:
    """The time step ``code`` belongs to (now, or one step either side for clock drift)."""
    if not secret or not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    for skew in (0, -30, 30):
        moment = dt.datetime.fromtimestamp(now + skew, dt.timezone.utc)
        if hmac.compare_digest(totp.at(moment), code):
            return totp.timecode(moment)
    return None
