"""Findings capability: the rectification ledger (整改台帐)."""

from __future__ import annotations

from typing import Any

__all__ = ["blp"]


def __getattr__(name: str) -> Any:
    # The sync core imports server.findings.models, and these routes read through the sync
    # core: loading the routes only when `blp` is asked for keeps that from being circular.
    if name == "blp":
        from server.findings.routes import blp

        return blp
    raise AttributeError(name)
