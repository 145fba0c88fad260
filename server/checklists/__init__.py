"""Checklist templates and their published versions."""

from server.checklists.routes import blp

__all__ = ["blp"]
