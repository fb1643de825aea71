"""Portal blade: Users (all users, New user, a user's page and its actions)."""
from flask import Blueprint

bp = Blueprint("users", __name__)

from . import views  # noqa: E402,F401
