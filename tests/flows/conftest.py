"""A stub transport for custom pages: ``custom_pages["http://..."] = (status, type, body)``
answers the server-side fetch without a network (an exception instance is raised instead)."""
from __future__ import annotations

import io

import pytest
import requests
from requests.adapters import BaseAdapter

from idp.flows import custom_page


class StubAdapter(BaseAdapter):
    def __init__(self, pages: dict) -> None:
        super().__init__()
        self.pages = pages
        self.requested: list[str] = []

    def send(self, request, **kwargs):
        self.requested.append(request.url)
        answer = self.pages.get(request.url, (404, "text/html", b"not found"))
        if isinstance(answer, Exception):
            raise answer
        status, content_type, body = answer
        response = requests.Response()
        response.status_code, response.url, response.request = status, request.url, request
        response.headers["Content-Type"] = content_type
        response.raw = io.BytesIO(body if isinstance(body, bytes) else body.encode())
        response.encoding = "utf-8"
        return response

    def close(self):
        pass


@pytest.fixture
def custom_pages(monkeypatch):
    pages: dict = {}
    adapter = StubAdapter(pages)

    def open_session():
        session = requests.Session()
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    monkeypatch.setattr(custom_page, "open_session", open_session)
    pages["_adapter"] = adapter
    return pages
