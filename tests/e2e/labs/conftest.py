"""The labs are walked on their own server: a fresh, seeded tenant, as an attendee starts with,
untouched by the other browser tests (which create some of the same objects)."""
from __future__ import annotations

import sys

import pytest

from tests.e2e.conftest import free_port, start_server


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("lab_server"), [sys.executable, "app.py"],
                          free_port())
    yield server
    server.stop()
