"""Inspections capability."""
