"""The user-flow runtime pages (sign-in, sign-up...), continuing a transaction by its ``tx``,
and the company branding assets those pages load."""
from flask import Blueprint

bp = Blueprint("flows", __name__)

from . import branding, views  # noqa: E402,F401
