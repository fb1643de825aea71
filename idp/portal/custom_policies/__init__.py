"""Portal blade: Identity Experience Framework > Custom policies.

Upload (with "Overwrite the custom policy if it already exists"), the list with each policy's
base, and per policy: Run now (as Run user flow), Download, View merged policy and Delete.
Nested in the Identity Experience Framework blade (``/portal/ief/custom-policies/``).
"""
from flask import Blueprint

bp = Blueprint("custom_policies", __name__)

from . import views  # noqa: E402,F401
