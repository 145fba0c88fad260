"""Auth: back-office sessions, phone devices and tokens, users, and site access rules."""

from server.auth.routes import blp

__all__ = ["blp"]
