"""QR-tagged assets: extinguishers, bait stations, equipment."""

from server.assets.routes import blp

__all__ = ["blp"]
