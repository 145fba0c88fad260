"""Health: whether the database, Redis and the workers are up."""

from server.health.routes import blp

__all__ = ["blp"]
