"""Sites: hospitals and campuses, their buildings, floors, departments and locations."""

from server.sites.routes import blp

__all__ = ["blp"]
