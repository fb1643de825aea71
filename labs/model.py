"""What a lab is, as data: its steps (each a sentence, the actions on screen quoting the exact
labels, and a checkpoint), its troubleshooting list, what differs in real Azure AD B2C, and the
end state the tenant should reach.

One source, three readers: ``labs.readme`` renders the attendee's README from it, the browser
tests in ``tests/labs`` perform the same actions in Chromium, and the instructor tools
(``flask --app app labs check|solve``) compare and apply the end state.  So a README step and its
test cannot drift apart.  Plain data: no import of ``idp``.
"""
from __future__ import annotations

from dataclasses import dataclass, field


# --- actions on screen (placeholders: {base}, {email}, {password}, {webapp_client_id}) -------

@dataclass(frozen=True)
class Go:
    """Open a URL (path relative to the B2C Lab address)."""
    path: str
    words: str = ""


@dataclass(frozen=True)
class Click:
    """Select a link or button by its visible label."""
    label: str
    role: str = "link"        # link | button | tab (a tab of a blade is a link too)
    new_tab: bool = False      # the click opens a new browser tab; later actions happen there


@dataclass(frozen=True)
class Nav:
    """Select an entry of the portal's left-hand menu."""
    label: str


@dataclass(frozen=True)
class Fill:
    """Type ``value`` into the field labelled ``label``."""
    label: str
    value: str
    secret: bool = False       # shown as "your password" in the README


@dataclass(frozen=True)
class Choose:
    """Pick ``option`` in the drop-down list labelled ``label``."""
    label: str
    option: str


@dataclass(frozen=True)
class Tick:
    """Tick the checkbox labelled ``label`` (``row`` narrows it to a table row)."""
    label: str
    row: str = ""


@dataclass(frozen=True)
class MailboxCode:
    """Copy the code the mailbox received for the address, into the field ``label``."""
    label: str = "Verification code"


@dataclass(frozen=True)
class See:
    """A checkpoint: the page shows ``text`` (inside ``within``, a CSS selector, if given)."""
    text: str
    within: str = ""


Action = Go | Click | Nav | Fill | Choose | Tick | MailboxCode | See


@dataclass(frozen=True)
class Step:
    text: str
    actions: tuple[Action, ...] = ()
    checkpoint: str = ""


# --- the end state, for labs check / solve ---------------------------------------------------

@dataclass(frozen=True)
class CustomAttribute:
    name: str
    data_type: str = "String"


@dataclass(frozen=True)
class AppRegistration:
    name: str
    redirect_uri: str
    implicit_id_tokens: bool = False


@dataclass(frozen=True)
class UserFlow:
    name: str
    collects: tuple[str, ...] = ()
    returns: tuple[str, ...] = ()
    properties: dict = field(default_factory=dict)
    page_layouts: dict = field(default_factory=dict)
    languages: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Lab:
    number: str
    slug: str
    title: str
    minutes: int
    goal: str
    learn: tuple[str, ...]
    steps: tuple[Step, ...]
    troubleshooting: tuple[tuple[str, str], ...]
    real_b2c: tuple[str, ...]
    end_state: tuple[CustomAttribute | AppRegistration | UserFlow, ...] = ()
    before: str = "B2C Lab running (`python b2clab.py run`) and its home page open."
