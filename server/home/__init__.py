"""The start page: where a newcomer lands after `make run`."""

from server.home.routes import bp

__all__ = ["bp"]
