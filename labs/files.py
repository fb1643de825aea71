"""Apply a lab's file edits (``labs.model``: ReplaceAll, PasteSnippet, DeleteLines) to a text,
exactly as the README words them.  The browser walk edits its copy of the downloaded files with
it, and ``labs solve`` builds the end state's files with it: what the README asks the attendee
to paste is what is tested and what solve uploads.  Plain text work: no import of ``idp``.
"""
from __future__ import annotations

import re

from .model import DeleteLines, PasteSnippet, ReplaceAll


class EditError(ValueError):
    """The text to find is not in the file (or, for an anchor, is there more than once)."""


def fill(text: str, values: dict[str, str]) -> str:
    """``{name}`` placeholders replaced by ``values`` (others, such as FormatStringClaim's
    ``{0}``, left alone)."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def apply(text: str, edit, values: dict[str, str]) -> str:
    """``text`` (one file) with ``edit`` applied; ``values`` fills ``{base}`` and copied values.

    :raise EditError: naming what was not found.
    """
    newline = _newline(text)
    if isinstance(edit, ReplaceAll):
        return text.replace(edit.old, fill(edit.new, values))
    if isinstance(edit, PasteSnippet):
        count = text.count(edit.anchor)
        if count != 1:
            raise EditError(f"{edit.file}: '{edit.anchor}' is there {count} times, not once: "
                            "cannot tell where the snippet goes.")
        snippet = fill(edit.snippet, values).replace("\n", newline)
        if edit.before:  # on its own lines, before the anchor's line
            start = text.rfind("\n", 0, text.index(edit.anchor)) + 1
            return text[:start] + snippet + newline + text[start:]
        end = text.index(edit.anchor) + len(edit.anchor)
        return text[:end] + newline + snippet + text[end:]
    if isinstance(edit, DeleteLines):
        words = [re.escape(word) for word in edit.text.split()]
        pattern = re.compile(r"[ \t]*" + r"\s+".join(words) + r"[ \t]*(\r?\n)?")
        found = pattern.findall(text)
        if len(found) != 1:
            raise EditError(f"{edit.file}: the lines to delete are there {len(found)} times, "
                            "not once.")
        return pattern.sub("", text, count=1)
    raise TypeError(edit)


def edit_files(folder, edits, values: dict[str, str]) -> None:
    """Apply ``edits`` in order to the files of ``folder`` (a ``pathlib.Path``), keeping each
    file's encoding (UTF-8, with its byte-order mark if it has one) and line ends."""
    for edit in edits:
        names = edit.files if isinstance(edit, ReplaceAll) else (edit.file,)
        for name in names:
            path = folder / name
            raw = path.read_bytes()
            bom = raw.startswith(b"\xef\xbb\xbf")
            text = raw.decode("utf-8-sig")
            text = apply(text, edit, values)
            path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
