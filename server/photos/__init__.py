"""Photos: upload by content hash, processing jobs, privacy, serving."""

from server.photos.routes import blp

__all__ = ["blp"]
