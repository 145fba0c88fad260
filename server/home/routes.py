"""GET /: a bilingual start page linking the field app, the API docs and the health report."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("home", __name__, template_folder="templates")


@bp.get("/")
def start_page() -> str:
    """Links to everything the server serves."""
    return render_template("home/start.html")
