"""Ruff, mypy --strict (the sync core), ESLint and Prettier (the field app) find nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.services import unavailable

PROJECT_DIR = Path(__file__).resolve().parent.parent
BIN_DIR = Path(sys.executable).parent
PWA_DIR = PROJECT_DIR / "pwa"


def _run(*command: str, cwd: Path = PROJECT_DIR) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def test_ruff_reports_nothing_when_run_on_the_repository() -> None:
    result = _run(str(BIN_DIR / "ruff"), "check", "--no-cache", ".")

    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_changes_nothing_when_run_on_the_repository() -> None:
    result = _run(str(BIN_DIR / "ruff"), "format", "--check", "--no-cache", ".")

    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_passes_when_run_on_the_sync_core() -> None:
    result = _run(str(BIN_DIR / "mypy"), "--no-incremental", "sync")

    assert result.returncode == 0, result.stdout + result.stderr


def test_eslint_and_prettier_report_nothing_when_run_on_the_field_app() -> None:
    if not (PWA_DIR / "node_modules").is_dir():
        # `make test` runs `make pwa` first, which installs them (npm ci, devDependencies too).
        unavailable("pwa/node_modules is missing: run `make pwa` to install ESLint and Prettier")

    result = _run("npm", "run", "--silent", "lint", cwd=PWA_DIR)

    assert result.returncode == 0, result.stdout + result.stderr
