"""Portal blade for instructors: each lab's progress in this tenant, Solve, and Reset."""
from flask import Blueprint

bp = Blueprint("labs", __name__)

from . import views  # noqa: E402,F401
