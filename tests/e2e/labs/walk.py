"""Perform a lab's steps (``labs.model``) in Chromium, exactly as its README words them."""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from labs import files
from labs.model import (Choose, Click, Copy, DeleteLines, Download, Fill, Go, Hidden, Lab,
                        MailboxCode, Nav, Paste, PasteSnippet, PortalTab, ReplaceAll, See, Tick,
                        Upload)
from labs.readme import LABS_DIR

#: the project's parent folder: Download.fixture is relative to it (never inside the project)
OUTSIDE = LABS_DIR.parents[1]


@dataclass
class Walker:
    page: Page
    base_url: str
    values: dict = field(default_factory=dict)
    workdir: Path | None = None  # the downloaded folder the attendee edits (Download)

    def text(self, value: str) -> str:
        aliases = {"your_email": self.values.get("email", ""),  # readme.SPOKEN words them
                   "your_password": self.values.get("password", "")}
        for name, real in {"base": self.base_url, **aliases, **self.values}.items():
            value = value.replace("{" + name + "}", real)
        return value

    def do(self, action) -> None:
        page = self.page
        if isinstance(action, Go):
            page.goto(self.text(action.path) if action.path.startswith("{")
                      else self.base_url + action.path)
        elif isinstance(action, PortalTab):
            self.page = page.context.pages[0]
            self.page.bring_to_front()
        elif isinstance(action, Nav):
            page.get_by_role("navigation", name="Azure AD B2C").get_by_role(
                "link", name=action.label, exact=True).click()
        elif isinstance(action, Click):
            scope = page.locator(action.within) if action.within else page
            target = scope.get_by_role(action.role, name=action.label, exact=True).first
            if action.new_tab:
                with page.context.expect_page() as opened:
                    target.click()
                self.page = opened.value
            else:
                target.click()
        elif isinstance(action, Fill):
            page.get_by_label(action.label, exact=True).fill(self.text(action.value))
        elif isinstance(action, Choose):
            scope = page.locator(f'tr:has-text("{action.row}")') if action.row else page
            scope.get_by_label(action.label, exact=True).select_option(label=action.option)
        elif isinstance(action, Tick):
            scope = page.locator(f'tr:has-text("{action.row}")') if action.row else page
            scope.get_by_label(action.label, exact=True).check()
        elif isinstance(action, MailboxCode):
            messages = requests.get(f"{self.base_url}/mailbox/messages.json",
                                    params={"to": self.text(action.address)}, timeout=10).json()
            page.get_by_label(action.label, exact=True).fill(messages[0]["code"])
        elif isinstance(action, Upload):
            folder = (self.workdir if action.folder
                      else next(LABS_DIR.glob(f"lab{self.values['lab']}_*")))
            page.get_by_label(action.label, exact=True).set_input_files(folder / action.file)
        elif isinstance(action, Download):  # external: the same files, from the fixture folder
            fixture = OUTSIDE / action.fixture
            if not fixture.is_dir():
                pytest.skip(f"{action.url} is not at {fixture} (the folder {action.folder} of "
                            "its download; the walk never downloads)")
            self.workdir = Path(tempfile.mkdtemp(prefix="lab-download-")) / action.folder
            shutil.copytree(fixture, self.workdir)
            for path in self.workdir.iterdir():
                path.chmod(0o644)  # the fixture is read-only; the copy is the attendee's
        elif isinstance(action, (ReplaceAll, PasteSnippet, DeleteLines)):  # in an editor
            files.edit_files(self.workdir, (action,), {"base": self.base_url, **self.values})
        elif isinstance(action, Copy):  # a field's value (the token viewer's), or the text
            target = page.locator(action.selector).first
            field = target.evaluate("e => ['INPUT', 'TEXTAREA'].includes(e.tagName)")
            self.values[action.name] = (target.input_value() if field
                                        else target.inner_text()).strip()
        elif isinstance(action, Paste):
            page.get_by_label(action.label, exact=True).fill(self.values[action.name])
        elif isinstance(action, Hidden):
            expect(page.locator(action.selector)).to_be_hidden()
        elif isinstance(action, See):
            where = page.locator(action.within) if action.within else page.locator("body")
            expect(where).to_contain_text(self.text(action.text))
        else:
            raise TypeError(action)

    def walk(self, lab: Lab, screenshots=None) -> None:
        self.values.setdefault("lab", lab.number)
        if "email" in self.values:  # a second user's address, for labs with two users
            self.values.setdefault("email2", "second-" + self.values["email"])
        for number, step in enumerate(lab.steps, start=1):
            for action in step.actions:
                self.do(action)
            if screenshots is not None:
                self._screenshot(screenshots / f"lab{lab.number}-step{number:02d}.png")
        if self.workdir is not None:
            shutil.rmtree(self.workdir.parent, ignore_errors=True)

    def _screenshot(self, path) -> None:
        """A picture for people to look at: on a starved machine it may time out, and that
        says nothing about the lab, so it never fails the walk."""
        try:
            self.page.screenshot(path=path, full_page=True, timeout=10_000)
        except PlaywrightTimeoutError:
            print(f"screenshot {path.name} skipped: the page took too long to paint")
