"""Portal blade: API connectors (Azure AD B2C > API connectors).

The list, New API connector, the connector's page (edit) and Delete are in :mod:`.views`; the
Test connector button in :mod:`.tester`; which user flows use a connector, and the per-flow
attachment rules the User flows blade's API connectors tab applies, in :mod:`.attachments`.
"""
from flask import Blueprint

bp = Blueprint("api_connectors", __name__)

from . import tester, views  # noqa: E402,F401
