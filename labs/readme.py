"""Render a lab's README from its data (``labs.model``), and write them all.

    python -m labs.readme          # rewrite every labs/labNN_*/README.md

A test compares each README with this rendering, so a README is never edited by hand.
"""
from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from .model import (Choose, Click, Copy, DeleteLines, Download, Fill, Go, Hidden, Lab,
                    MailboxCode, Nav, Paste, PasteSnippet, PortalTab, ReplaceAll, See, Tick,
                    Upload)

LABS_DIR = Path(__file__).resolve().parent


#: how placeholders read in a README (the tests substitute real values)
SPOKEN = {
    "{admin_password}": "the admin password B2C Lab printed when it first started",
    "{password}": "a password of your choice (8 to 64 characters, with 3 of: lowercase, "
                  "uppercase, digit, symbol)",
    "{email}": "an e-mail address of your choice (nothing leaves your machine: it lands in "
               "the mailbox)",
    "{email2}": "a second e-mail address of your choice, not the first one (a second user)",
    # signing in again later: the same values, named as the attendee knows them by then
    "{your_email}": "the e-mail address you signed up with",
    "{your_password}": "your password",
}
DEFAULT_BASE = "http://localhost:5000"


def spoken(value: str) -> str:
    if value in SPOKEN:
        return SPOKEN[value]
    return f"`{value.replace('{base}', DEFAULT_BASE)}`"


def words(action) -> str:
    """One action in plain words, quoting the label exactly as the screen shows it."""
    if isinstance(action, Go):
        return action.words or f"Open {spoken(action.path)}."
    if isinstance(action, PortalTab):
        return "Go back to the browser tab where the portal is open."
    if isinstance(action, Nav):
        return f"In the portal's menu, select **{action.label}**."
    if isinstance(action, Click):
        tab = " (it opens a new tab)" if action.new_tab else ""
        where = f" {action.where}" if action.where else ""
        return f"Select **{action.label}**{where}{tab}."
    if isinstance(action, Fill):
        return f"In **{action.label}**, type {spoken(action.value)}."
    if isinstance(action, Choose):
        where = f" in the **{action.row}** row" if action.row else ""
        return f"In **{action.label}**{where}, choose **{action.option}**."
    if isinstance(action, Tick):
        where = f" in the **{action.row}** row" if action.row else ""
        return f"Tick **{action.label}**{where}."
    if isinstance(action, MailboxCode):
        return (f"Open the **Mailbox** (`/mailbox`) in another tab, copy the 6-digit code and "
                f"paste it into **{action.label}**.")
    if isinstance(action, Upload):
        folder = f"your `{action.folder}` folder" if action.folder else "this lab's folder"
        return f"In **{action.label}**, choose the file `{action.file}` from {folder}."
    if isinstance(action, Download):
        return action.words
    if isinstance(action, ReplaceAll):
        files = ", ".join(f"`{name}`" for name in action.files)
        return f"In {files}, replace every `{action.old}` with {action.what}."
    if isinstance(action, PasteSnippet):
        where = "just before" if action.before else "just after"
        return (f"In `{action.file}`, paste this {where} `{action.anchor}`:"
                + code_block(action.snippet))
    if isinstance(action, DeleteLines):
        return f"In `{action.file}`, delete these lines ({action.why}):" + code_block(
            action.text)
    if isinstance(action, Copy):
        return f"Copy the **{action.what}** shown on the page: you paste it in a later step."
    if isinstance(action, Paste):
        return f"In **{action.label}**, paste the **{action.what}** you copied."
    if isinstance(action, See):
        return f"You should see **{action.text}**."
    if isinstance(action, Hidden):
        return f"You should not see {action.words}."
    raise TypeError(action)


def code_block(xml: str) -> str:
    """XML under a list item of a step (indented to stay in it), with B2C Lab's address."""
    lines = ["", "", "```xml", *xml.replace("{base}", DEFAULT_BASE).splitlines(), "```"]
    return "\n".join(("     " + line).rstrip() for line in lines)


def render(lab: Lab) -> str:
    lines = [f"# Lab {lab.number}: {lab.title}", "",
             f"_About {lab.minutes} minutes._ This file is generated from `lab.py` in this "
             "folder (`python -m labs.readme`); its test walks the same steps in a browser.",
             "If B2C Lab runs on another address than `http://localhost:5000`, use yours "
             "wherever this page says `http://localhost:5000`.",
             "", "## Goal", "", lab.goal, "", "## What you will learn", ""]
    lines += [f"- {item}" for item in lab.learn]
    lines += ["", "## Before you start", "", lab.before, "", "## Steps", ""]
    for number, step in enumerate(lab.steps, start=1):
        lines.append(f"{number}. {step.text}")
        lines += [f"   - {words(action)}" for action in step.actions
                  if not isinstance(action, (See, Hidden))]
        checks = [a for a in step.actions if isinstance(a, See)]
        if step.checkpoint or checks:
            seen = "; ".join(f"**{a.text}**" for a in checks)
            lines.append(f"   - ✅ Checkpoint: {step.checkpoint or 'you should now see ' + seen}"
                         + (f" (you should see {seen})" if step.checkpoint and checks else ""))
        lines.append("")
    lines += ["## Troubleshooting", "", "| What happened | What it means, what to do |",
              "|---|---|"]
    lines += [f"| {symptom} | {fix} |" for symptom, fix in lab.troubleshooting]
    lines += ["", "## In real Azure AD B2C", ""]
    lines += [f"> - {note}" for note in lab.real_b2c]
    lines += ["", "## Stuck?", "",
              f"Your instructor can run `flask --app app labs check {lab.number}` to see what "
              f"is missing, or `flask --app app labs solve {lab.number}` to jump to the end of "
              "this lab.", ""]
    return "\n".join(lines)


def all_labs() -> list[Lab]:
    """Every lab, in order: each ``labs/labNN_*`` package defines ``LAB`` in its ``lab.py``."""
    found = []
    for info in pkgutil.iter_modules([str(LABS_DIR)]):
        if info.name.startswith("lab") and info.name[3:5].isdigit():
            found.append(importlib.import_module(f"labs.{info.name}.lab").LAB)
    return sorted(found, key=lambda lab: lab.number)


def main() -> None:
    for lab in all_labs():
        path = LABS_DIR / f"lab{lab.number}_{lab.slug}" / "README.md"
        path.write_text(render(lab), encoding="utf-8")
        print(f"wrote {path.relative_to(LABS_DIR.parent)}")


__all__ = ["all_labs", "main", "render", "words"]

if __name__ == "__main__":
    main()
