"""The engine's Mailer port: every message lands in the mailbox table."""
from __future__ import annotations

from ..extensions import db
from ..models import MailMessage


class MailboxMailer:
    def send(self, to: str, subject: str, body: str, code: str | None = None) -> None:
        db.session.add(MailMessage(to_address=to.strip().lower(), subject=subject, body=body,
                                   code=code))
