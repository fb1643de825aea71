"""Running a compiled custom policy's journey through the engine's ``advance`` with the real
store ports (the test app's database), one page at a time, as the flow runner does."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from idp.engine.handlers import HANDLERS
from idp.engine.ief.compile import compile_policy
from idp.engine.ief.merge import merge_chain
from idp.engine.journey import Completed, Halted, RunState, ShowPage, advance
from idp.extensions import db
from idp.models import MailMessage
from idp.store.ports import make_ports
from idp.store.tenant import current_tenant

PASSWORD = "Passw0rd!Lab"


@dataclass
class Run:
    """One run of ``journey``; ``outcome`` is the last ShowPage, Completed or Halted."""

    journey: object
    request: dict = field(default_factory=lambda: {"client_id": "app", "ui_locales": None})
    sso: bool = False
    bag: dict = field(default_factory=dict)
    events: list = field(default_factory=list)

    def __post_init__(self):
        self.state = RunState(sso=self.sso, bag=dict(self.bag))
        self.outcome = None

    def go(self, submission: dict | None = None):
        ports = make_ports(current_tenant())
        self.outcome = advance(self.journey, self.state, handlers=HANDLERS,
                               request=self.request, ports=ports, now=time.time(),
                               submission=submission, events=self.events)
        db.session.commit()
        return self.outcome

    @property
    def page(self) -> dict:
        assert isinstance(self.outcome, ShowPage), f"expected a page, got {self.outcome!r}"
        return self.outcome.view

    @property
    def profile(self) -> str:
        assert isinstance(self.outcome, ShowPage), f"expected a page, got {self.outcome!r}"
        return self.outcome.profile.id

    def field(self, claim: str) -> dict:
        return next(f for f in self.page["fields"] if f["claim"] == claim)

    def verify_email(self, email: str) -> None:
        """The verification control: send a code, read it from the mailbox, verify it."""
        self.go({"action": "send_code", "email": email})
        code = db.session.execute(db.select(MailMessage.code).where(
            MailMessage.to_address == email.lower()).order_by(MailMessage.id.desc())).scalar()
        self.go({"action": "verify_code", "email": email, "verificationCode": code})
        assert self.page["verification"]["verified"], self.page["verification"]

    @property
    def completed(self) -> dict:
        assert isinstance(self.outcome, Completed), f"expected Completed, got {self.outcome!r}"
        return self.outcome.bag

    @property
    def halted(self):
        assert isinstance(self.outcome, Halted), f"expected Halted, got {self.outcome!r}"
        return self.outcome.error


def compiled(files: dict, policy_id: str):
    return compile_policy(merge_chain(files, policy_id))


def sign_up(run: Run, email: str, password: str = PASSWORD, **attributes) -> dict:
    """From the unified page: Sign up now, verify the e-mail, create the account."""
    assert run.go() and run.profile == "SelfAsserted-LocalAccountSignin-Email"
    run.go({"action": "select", "exchange": "SignUpWithLogonEmailExchange"})
    assert run.profile == "LocalAccountSignUpWithLogonEmail"
    run.verify_email(email)
    return run.go({"action": "continue", "email": email, "newPassword": password,
                   "reenterPassword": password, **attributes})
