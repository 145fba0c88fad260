"""Sync API: adapts the pure sync core (sync/) to the database and HTTP."""

from server.sync_api.routes import blp

__all__ = ["blp"]
