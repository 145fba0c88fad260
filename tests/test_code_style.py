"""The code base stays ruff-clean and the sync core stays mypy --strict clean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
BIN_DIR = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True, check=False)


def test_ruff_reports_nothing_when_run_on_the_repository() -> None:
    result = _run(str(BIN_DIR / "ruff"), "check", "--no-cache", ".")

    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_changes_nothing_when_run_on_the_repository() -> None:
    result = _run(str(BIN_DIR / "ruff"), "format", "--check", "--no-cache", ".")

    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_passes_when_run_on_the_sync_core() -> None:
    result = _run(str(BIN_DIR / "mypy"), "--no-incremental", "sync")

    assert result.returncode == 0, result.stdout + result.stderr
