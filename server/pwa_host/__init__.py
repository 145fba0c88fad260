"""Serves the field app (pwa/) at /app/."""

from server.pwa_host.routes import bp

__all__ = ["bp"]
