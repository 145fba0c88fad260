"""Which language to answer in: the user's choice, else the browser's, Chinese first."""

from __future__ import annotations

from flask import current_app, request


def select_locale() -> str:
    """The best of the supported languages for this request."""
    supported = current_app.config["LANGUAGES"]
    explicit = request.args.get("lang") or request.cookies.get("lang")
    if explicit in supported:
        return explicit
    best = request.accept_languages.best_match(["zh_CN", "zh", "en"])
    if best is None or best.startswith("zh"):
        return "zh_CN"
    return "en"
