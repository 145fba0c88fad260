"""Checklists capability."""
