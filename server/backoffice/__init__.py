"""Backoffice capability."""
