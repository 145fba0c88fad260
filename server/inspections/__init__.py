"""Inspections and the schedules that make checks fall due."""

from server.inspections.routes import blp

__all__ = ["blp"]
