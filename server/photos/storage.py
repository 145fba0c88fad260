"""Where photo files live under PHOTO_DIR, written atomically so a crash leaves no half file.

PHOTO_DIR/<site_id>/<sha[:2]>/<sha>.orig           the upload, byte for byte
PHOTO_DIR/<site_id>/<sha[:2]>/<sha>.display.webp   served sizes, no metadata
PHOTO_DIR/<site_id>/<sha[:2]>/<sha>.thumb.webp
PHOTO_DIR/<site_id>/partial/<sha>.part             a resumable upload in progress
"""

from __future__ import annotations

import contextlib
import enum
import fcntl
import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from flask import current_app


class PhotoFile(enum.StrEnum):
    """The files kept for one photo, by their suffix."""

    ORIGINAL = "orig"
    DISPLAY = "display.webp"
    THUMBNAIL = "thumb.webp"


def photo_dir() -> Path:
    """The root of the photo store (PHOTO_DIR)."""
    return Path(current_app.config["PHOTO_DIR"])


def photo_path(site_id: uuid.UUID, sha256: str, kind: PhotoFile) -> Path:
    """The path of one of a photo's files (it may not exist yet)."""
    return photo_dir() / str(site_id) / sha256[:2] / f"{sha256}.{kind.value}"


def part_path(site_id: uuid.UUID, sha256: str) -> Path:
    """The file a resumable upload is assembled in."""
    return photo_dir() / str(site_id) / "partial" / f"{sha256}.part"


def write_atomically(path: Path, data: bytes) -> None:
    """Write data to path so that readers see the old file or the whole new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


def move_into_place(source: Path, path: Path) -> None:
    """Atomically move a finished file (a completed part file) to its final path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(source, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(source, path)


def received_bytes(site_id: uuid.UUID, sha256: str) -> int:
    """How many bytes of a resumable upload have arrived (0 when none)."""
    try:
        return part_path(site_id, sha256).stat().st_size
    except FileNotFoundError:
        return 0


@contextlib.contextmanager
def locked_part_file(site_id: uuid.UUID, sha256: str) -> Iterator[Path]:
    """Hold an exclusive lock on a photo's part file while a chunk is written and checked."""
    path = part_path(site_id, sha256)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_suffix(".lock")
    with open(lock_path, "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield path
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def write_chunk(path: Path, start: int, chunk: bytes) -> int:
    """Write a chunk at offset start (dropping anything after it); return the new size."""
    mode = "r+b" if path.exists() else "wb"
    with open(path, mode) as handle:
        handle.seek(start)
        handle.write(chunk)
        handle.truncate()
        return handle.tell()


def discard(path: Path) -> None:
    """Remove a file if it exists."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
