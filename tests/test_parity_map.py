"""docs/parity.md stays tied to the test suite: every row of its tables has a grade (full,
partial, not yet) and names at least one test, and every test it names exists.

The tests are found by reading the files with ``ast`` (nothing is imported), so a renamed or
deleted test fails here with the row that still names it.
"""
from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARITY = ROOT / "docs" / "parity.md"
GRADES = ("full", "partial", "not yet")
TEST_REF = re.compile(r"`(tests/[\w/]+\.py)::([\w:]+)`")


def parse_rows(text: str) -> list[dict]:
    """Each data row of each table that has a Grade and a Test column, as a dict of its cells
    (by lower-cased header), plus ``line``."""
    rows, header = [], None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("|"):
            header = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = [cell.lower() for cell in cells]
        elif not all(set(cell) <= set("-: ") for cell in cells):
            if "grade" in header and "test" in header:
                rows.append({**dict(zip(header, cells)), "line": number})
    return rows


@cache
def collected_tests(path: str) -> frozenset[str]:
    """``name`` and ``Class::name`` of the test functions in ``path`` (module level and in
    ``Test*`` classes), read with ``ast``."""
    file = ROOT / path
    if not file.is_file():
        return frozenset()
    names = set()
    for node in ast.parse(file.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                node.name.startswith("test"):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            names.update(f"{node.name}::{item.name}" for item in node.body
                         if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                         and item.name.startswith("test"))
    return frozenset(names)


def problems(text: str) -> list[str]:
    found = []
    rows = parse_rows(text)
    if not rows:
        return ["no table with Grade and Test columns"]
    for row in rows:
        where = f"line {row['line']} ({row.get('behaviour', '?')[:60]})"
        if row["grade"] not in GRADES:
            found.append(f"{where}: grade {row['grade']!r} is not one of {GRADES}")
        refs = TEST_REF.findall(row["test"])
        if not refs:
            found.append(f"{where}: names no test (`tests/path.py::test_name`)")
        for path, name in refs:
            if name not in collected_tests(path):
                found.append(f"{where}: {path}::{name} does not exist")
    return found


def test_every_row_names_existing_tests_and_a_grade():
    found = problems(PARITY.read_text(encoding="utf-8"))
    assert not found, "docs/parity.md:\n" + "\n".join(found)


def test_the_check_catches_a_missing_test_a_bad_grade_and_a_row_without_test():
    real = "`tests/test_parity_map.py::test_every_row_names_existing_tests_and_a_grade`"
    text = "\n".join([
        "| Behaviour | Grade | Test | Notes |", "|---|---|---|---|",
        f"| a | full | {real} | |",
        "| b | full | `tests/test_parity_map.py::test_that_does_not_exist` | |",
        f"| c | mostly | {real} | |",
        "| d | not yet | — | |",
        "| e | partial | `tests/no_such_file.py::test_x` | |",
    ])
    found = problems(text)
    assert len(found) == 4, found
    assert "test_that_does_not_exist does not exist" in found[0]
    assert "'mostly'" in found[1]
    assert "names no test" in found[2]
    assert "no_such_file.py::test_x does not exist" in found[3]
