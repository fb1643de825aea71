"""Portal blade: Identity Experience Framework > Policy keys.

The list, Add (Generate an RSA key, or Manual: a secret), a key's page (its public JWK, never
private material) and Delete with a confirmation that names the custom policies referencing
the container.  Keys live in :mod:`idp.store.policy_keys`.
"""
from flask import Blueprint

bp = Blueprint("policy_keys", __name__)

from . import views  # noqa: E402,F401
