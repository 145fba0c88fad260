"""Audit: the trail of who changed what, when, from what to what."""

from server.audit.routes import blp

__all__ = ["blp"]
