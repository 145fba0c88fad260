"""Factories for photo tests: realistic JPEGs (EXIF, GPS), inspections, uploads."""

from __future__ import annotations

import hashlib
import io
import random
import struct
import zlib
from datetime import UTC, datetime
from typing import Any

from flask.testing import FlaskClient
from PIL import ExifTags, Image, ImageDraw
from werkzeug.test import TestResponse

from server.auth.models import Role
from server.extensions import db
from server.inspections.models import Inspection
from server.photos.models import Photo
from server.sites.models import Site
from tests.factories import make_location, make_user
from tests.server.inspections.factories import make_inspection as make_inspection_of_template
from tests.server.inspections.factories import make_template

GPS_MARKER = "ROUNDBOOK-GPS-MARKER"  # a value only the GPS IFD carries, to find in raw bytes
RED = (255, 0, 0)
BLUE = (0, 0, 255)


def sha256_of(data: bytes) -> str:
    """The address of a photo."""
    return hashlib.sha256(data).hexdigest()


def scene(seed: int, size: tuple[int, int] = (800, 600)) -> Image.Image:
    """A picture with structure (gradient and shapes) that differs per seed."""
    rng = random.Random(seed)
    gradient = Image.linear_gradient("L").rotate(rng.choice((0, 90, 180, 270)))
    picture = gradient.resize(size).convert("RGB")
    draw = ImageDraw.Draw(picture)
    for _ in range(12):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        box = (x, y, x + rng.randrange(40, 400), y + rng.randrange(40, 300))
        draw.ellipse(box, fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    return picture


def make_jpeg(
    seed: int = 1,
    *,
    image: Image.Image | None = None,
    orientation: int = 1,
    has_gps: bool = False,
    taken: str | None = None,
    quality: int = 90,
) -> bytes:
    """A phone-like JPEG: a scene, with EXIF orientation, capture time and GPS if asked."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    if taken is not None:
        exif[ExifTags.IFD.Exif] = {ExifTags.Base.DateTimeOriginal: taken}
    if has_gps:
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (39.0, 54.0, 27.0),
            ExifTags.GPS.GPSMapDatum: GPS_MARKER,
        }
    buffer = io.BytesIO()
    (image or scene(seed)).save(buffer, "JPEG", quality=quality, exif=exif)
    return buffer.getvalue()


def make_inspection(site: Site, finished_at: datetime | None = None) -> Inspection:
    """A submitted ward check of the site, finished at the given time."""
    inspector = make_user(site, Role.INSPECTOR)
    return make_inspection_of_template(
        make_template(site),
        inspector,
        finished_at or datetime(2025, 3, 1, 8, 0, tzinfo=UTC),
        location=make_location(site),
    )


def put_photo(
    client: FlaskClient,
    site: Site,
    data: bytes,
    headers: dict[str, str],
    *,
    sha256: str | None = None,
    **extra_headers: Any,
) -> TestResponse:
    """PUT the bytes at /api/photos/<sha256> as an image/jpeg body."""
    return client.put(
        f"/api/photos/{sha256 or sha256_of(data)}?site_id={site.id}",
        data=data,
        content_type="image/jpeg",
        headers={**headers, **extra_headers},
    )


def make_png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG that claims width x height pixels in a few dozen bytes: a decompression bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def fetch(client: FlaskClient, url: str, headers: dict[str, str]) -> TestResponse:
    """GET a URL, read the whole body and close the response (served files are streamed)."""
    response = client.get(url, headers=headers)
    response.get_data()
    response.close()
    return response


def reload_photo(sha: str) -> Photo:
    """A snapshot of the photo as the database holds it now (written by a worker, say)."""
    db.session.expire_all()
    photo = db.session.query(Photo).filter_by(sha256=sha).one()
    db.session.expunge(photo)  # a snapshot: later reads must not refresh it behind the test
    db.session.commit()  # end the read, so the next one sees later writes
    return photo
