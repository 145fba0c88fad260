"""Findings capability."""
