"""The self-asserted technical profile: a page that collects claims (unified sign-in page,
local-account sign-up page), with B2C's e-mail verification control and validation profiles.

Pages must work with JavaScript off, so every action is a form button (``action=...``) and the
typed values (never passwords) are echoed back when the page is shown again.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any, Mapping

from .errors import B2CError
from .journey import Continue, Select, StepContext, Stay, TRANSIENT_CLAIMS
from .passwords import Complexity, complexity_error
from .validation_profiles import VALIDATORS, FieldError
from .strings import text

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_CODE_ATTEMPTS = 3
MAX_CODES_SENT = 5


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _verification_claim(ctx: StepContext) -> str | None:
    return next((c.claim for c in ctx.profile.output_claims if c.requires_verification), None)


def build_view(ctx: StepContext, values: Mapping[str, Any], *, errors: Mapping[str, str] = {},
               page_error: str | None = None) -> dict[str, Any]:
    """The page model the templates render: fields, the verification control, buttons, links."""
    meta = ctx.profile.metadata
    verification = ctx.state.scratch.get("verification")
    verified_claim = _verification_claim(ctx)
    fields = []
    for ref in ctx.profile.output_claims:
        is_secret = ref.claim in TRANSIENT_CLAIMS
        locked = ref.claim == verified_claim and bool(verification and verification["verified"])
        fields.append({
            "claim": ref.claim, "label": ref.label, "input_type": ref.input_type,
            "required": ref.required, "readonly": ref.readonly or locked,
            "value": "" if is_secret else str(values.get(ref.claim) or ""),
            "error": errors.get(ref.claim), "verify": ref.claim == verified_claim,
        })
    return {
        "contract": meta.get("contract", "selfasserted"),
        "content_definition": meta.get("content_definition", "api.selfasserted"),
        "heading": text(meta["heading"]) if meta.get("heading") else None,
        "intro": text(meta["intro"]) if meta.get("intro") else None,
        "fields": fields,
        "verification": verification and {k: verification[k] for k in
                                          ("state", "email", "message", "message_kind",
                                           "verified")},
        "primary": {"id": meta.get("primary_id", "continue"),
                    "label": text(meta.get("primary_label", "button_continue"))},
        "cancel": bool(meta.get("cancel")),
        "links": [dict(link, label=text(link["label"]),
                       intro=text(link["intro"]) if link.get("intro") else None)
                  for link in meta.get("links", ())],
        "page_error": page_error,
    }


class SelfAsserted:
    interactive = True

    def render(self, ctx: StepContext) -> dict[str, Any]:
        values = dict(ctx.state.bag)
        hint = ctx.request.get("login_hint")
        if hint:
            for ref in ctx.profile.output_claims:
                if ref.claim in ("signInName", "email") and not values.get(ref.claim):
                    values[ref.claim] = hint
        return build_view(ctx, values)

    def submit(self, ctx: StepContext, form: Mapping[str, Any]) -> Continue | Stay | Select:
        action = form.get("action", "continue")
        values = {ref.claim: (form.get(ref.claim) or "").strip()
                  if ref.claim not in TRANSIENT_CLAIMS else form.get(ref.claim) or ""
                  for ref in ctx.profile.output_claims}
        verification = ctx.state.scratch.get("verification")
        if verification and verification["verified"]:
            values[_verification_claim(ctx)] = verification["email"]
        if action == "select":
            return self._select(ctx, form.get("exchange", ""))
        if action == "cancel" and ctx.profile.metadata.get("cancel"):
            raise B2CError("AADB2C90091", error="access_denied")
        if action in ("send_code", "verify_code", "change_email"):
            return Stay(_verification_action(ctx, action, values, form))
        return self._continue(ctx, values)

    def _select(self, ctx: StepContext, exchange: str) -> Select | Stay:
        links = {link["exchange"]: link for link in ctx.profile.metadata.get("links", ())}
        link = links.get(exchange)
        if link is None:
            return Stay(self.render(ctx))
        if link.get("error"):
            raise B2CError(link["error"], error="access_denied")
        return Select(exchange)

    def _continue(self, ctx: StepContext, values: dict[str, Any]) -> Continue | Stay:
        errors = _field_errors(ctx, values)
        if errors:
            page = (text("error_passwordEntryMismatch") if errors.get("reenterPassword")
                    == text("error_passwordEntryMismatch") else text("error_fieldIncorrect"))
            if text("required_field") in errors.values():
                page = text("error_requiredFieldMissing")
            return Stay(build_view(ctx, values, errors=errors, page_error=page))
        claims = {k: typed(ctx, k, v) for k, v in values.items() if v not in ("", None)}
        try:
            for profile_id in ctx.profile.validation_profiles:
                profile = ctx.profile_by_id(profile_id)
                validator = VALIDATORS[profile.handler]
                claims.update(validator(ctx, profile, claims))
        except FieldError as error:
            errors = {error.field: error.message} if error.field else {}
            return Stay(build_view(ctx, values, errors=errors,
                                   page_error=None if error.field else error.message))
        return Continue({k: v for k, v in claims.items() if k not in TRANSIENT_CLAIMS},
                        note="page submitted and validated")


INT_RE = re.compile(r"^[+-]?\d{1,10}$")
BOOLEANS = {"true": True, "false": False, "yes": True, "no": False}


def typed(ctx: StepContext, claim: str, value: Any) -> Any:
    """The value as its attribute's data type (Int -> int, Boolean -> bool)."""
    ref = next((r for r in ctx.profile.output_claims if r.claim == claim), None)
    if ref is None or not isinstance(value, str):
        return value
    if ref.data_type == "Int":
        return int(value)
    if ref.data_type == "Boolean":
        return BOOLEANS[value.lower()]
    return value


def _type_error(ref, value: str) -> str | None:
    if ref.data_type == "Int" and not INT_RE.match(value):
        return "Please enter a whole number, such as 42."
    if ref.data_type == "Boolean" and value.lower() not in BOOLEANS:
        return "Please enter true or false."
    return None


def _field_errors(ctx: StepContext, values: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    complexity = Complexity.from_setting(ctx.profile.metadata.get("password_complexity"))
    verify_claim = _verification_claim(ctx)
    for ref in ctx.profile.output_claims:
        value = values.get(ref.claim) or ""
        if not value:
            if ref.required:
                errors[ref.claim] = text("required_field")
            continue
        type_error = _type_error(ref, value)
        if type_error:
            errors[ref.claim] = type_error
        elif ref.input_type == "EmailBox" and not EMAIL_RE.match(value):
            errors[ref.claim] = text("invalid_email")
        elif ref.claim == "newPassword":
            message = complexity_error(value, complexity)
            if message:
                errors[ref.claim] = message
        elif ref.claim == "reenterPassword" and value != values.get("newPassword"):
            errors[ref.claim] = text("error_passwordEntryMismatch")
        max_length = ctx.profile.metadata.get("max_lengths", {}).get(ref.claim)
        if max_length and len(value) > max_length:
            errors[ref.claim] = f"Please enter at most {max_length} characters."
    verification = ctx.state.scratch.get("verification")
    if verify_claim and not errors.get(verify_claim) and not (verification
                                                              and verification["verified"]):
        errors[verify_claim] = text("ver_required")
    return errors


def _verification_action(ctx: StepContext, action: str, values: dict[str, Any],
                         form: Mapping[str, Any]) -> dict[str, Any]:
    claim = _verification_claim(ctx)
    scratch = ctx.state.scratch
    email = values.get(claim) or ""
    if action == "change_email":
        scratch.pop("verification", None)
        return build_view(ctx, values)
    if action == "send_code":
        if not EMAIL_RE.match(email):
            return build_view(ctx, values, errors={claim: text("invalid_email")})
        return build_view(ctx, values, **_send_code(ctx, email))
    return build_view(ctx, values, **_check_code(ctx, (form.get("verificationCode") or "").strip()))


def _send_code(ctx: StepContext, email: str) -> dict[str, Any]:
    scratch = ctx.state.scratch
    sent = scratch.get("codes_sent", 0)
    if sent >= MAX_CODES_SENT:
        return {"page_error": text("ver_fail_throttled")}
    code = f"{secrets.randbelow(10**6):06d}"
    scratch["codes_sent"] = sent + 1
    scratch["verification"] = {
        "state": "sent", "email": email, "digest": _digest(code), "attempts": 0,
        "expires": ctx.now + ctx.profile.metadata.get("code_lifetime", 300),
        "verified": False, "message": text("ver_info_msg"), "message_kind": "info",
    }
    tenant = ctx.ports.tenant_name
    ctx.ports.mailer.send(
        email, f"{tenant} account email verification code",
        f"Verify your email address\n\nThanks for verifying your {email} account!\n"
        f"Your code is: {code}\n\nSincerely,\n{tenant}", code=code)
    ctx.event("Send verification email", email=email)
    return {}


def _check_code(ctx: StepContext, code: str) -> dict[str, Any]:
    pending = ctx.state.scratch.get("verification")
    if not pending or pending["state"] != "sent":
        return {"page_error": text("ver_intro_msg")}
    if ctx.now > pending["expires"]:
        pending.update(message=text("ver_fail_code_expired"), message_kind="error")
        return {}
    if not hmac.compare_digest(_digest(code), pending["digest"]):
        pending["attempts"] += 1
        ctx.event("Verify email address", result="failure", email=pending["email"])
        if pending["attempts"] >= MAX_CODE_ATTEMPTS:
            ctx.state.scratch.pop("verification")
            return {"page_error": text("ver_fail_retry")}
        pending.update(message=text("ver_fail_code"), message_kind="error")
        return {}
    pending.update(state="verified", verified=True, message=text("ver_success_msg"),
                   message_kind="info")
    ctx.event("Verify email address", email=pending["email"])
    return {}
