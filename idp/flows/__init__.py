"""The user-flow runtime pages (sign-in, sign-up...), continuing a transaction by its ``tx``."""
from flask import Blueprint

bp = Blueprint("flows", __name__)

from . import views  # noqa: E402,F401
