"""Turn an original photo into upright, metadata-free WebP sizes, a pHash and a capture time."""

from __future__ import annotations

import functools
import io
import math
import operator
import os
import statistics
import struct
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from PIL import ExifTags, Image

from server.photos.validation import allowed_formats

# WebP, not AVIF: on one core a 1600x1200 photo takes libwebp 23 ms at method 0, while Pillow's
# AVIF needs ~140 ms at speed 8 and ~57 ms at speed 10 for files larger than WebP's, and every
# browser the PWA supports shows WebP. libwebp's method trades time for bytes (display size,
# measured): 0 = 23 ms / 38 KB, 2 = 36 ms / 29 KB, 4 (Pillow's default) = 103 ms / 28 KB.
# The display size uses 0 to reach 10 photos/s per worker; it is fetched only when opened.
# Thumbnails are synced to every device for offline use, so their bytes count more, and
# method 2 costs them under 1 ms. Quality 80 is libwebp's default.
WEBP_QUALITY = 80
DISPLAY_WEBP_METHOD = 0
THUMB_WEBP_METHOD = 2
WEBP_CONTENT_TYPE = "image/webp"

# Measured on 30 test scenes: re-encoding (JPEG quality 30-95), resizing (to 1/4) or brightening
# one picture moved 0-8 of the 64 bits (mostly 0-2), cropping 3 % off two edges 2-8; unrelated
# scenes were 20-44 apart (mean 31.5, sd 4.1). 10 catches a re-encoded crop with margin and
# stays 5 sd below the unrelated mean. Two shots of one scene may still fall under it, so a
# match prompts a reviewer to compare the photos; exact reuse is caught by the SHA-256.
NEAR_DUPLICATE_MAX_DISTANCE = 10

PHASH_SAMPLE_SIDE = 32  # pHash reads a 32x32 greyscale copy...
PHASH_FREQUENCIES = 8  # ...and keeps its 8x8 lowest DCT frequencies: 64 bits.

# Orientation tag value -> the transpose that shows the picture upright (EXIF 2.32, 4.6.4).
UPRIGHT_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True)
class Rendition:
    """One encoded size of a photo."""

    data: bytes
    width: int
    height: int
    content_type: str


@dataclass(frozen=True)
class ProcessedPhoto:
    """Everything the photo job stores about an original."""

    display: Rendition
    thumbnail: Rendition
    phash: int
    captured_at: datetime | None


def process_photo(
    original: bytes | str | os.PathLike[str],
    *,
    thumb_long_side: int = 320,
    display_long_side: int = 1600,
    camera_tz: tzinfo | None = None,
) -> ProcessedPhoto:
    """Render the display size and thumbnail, hash the picture and read its capture time.

    camera_tz is the zone assumed for a capture time written without an offset (older phones);
    when it is None such a time is unknown and captured_at is None.
    """
    source = io.BytesIO(original) if isinstance(original, bytes) else original
    with Image.open(source, formats=allowed_formats()) as image:
        exif = _read_exif(image)
        icc_profile = _icc_profile_to_keep(image)
        display = _render_display(image, display_long_side, exif.get(ExifTags.Base.Orientation))
    # Shrinking the 1600 px display image costs a fraction of going back to the original.
    thumbnail = _shrink(display, thumb_long_side)
    return ProcessedPhoto(
        display=_encode(display, icc_profile, DISPLAY_WEBP_METHOD),
        thumbnail=_encode(thumbnail, icc_profile, THUMB_WEBP_METHOD),
        phash=perceptual_hash(thumbnail),
        captured_at=_capture_time(exif, camera_tz),
    )


def _read_exif(image: Image.Image) -> Image.Exif:
    """Return the image's EXIF, or an empty one when it is damaged."""
    try:
        with warnings.catch_warnings():
            # Pillow warns on damaged EXIF; the photo is still worth keeping without it.
            warnings.simplefilter("ignore")
            exif = image.getexif()
            exif.get_ifd(ExifTags.IFD.Exif)  # parse now, so damage is caught here
    except (OSError, SyntaxError, ValueError, KeyError, struct.error):
        return Image.Exif()
    return exif


def _icc_profile_to_keep(image: Image.Image) -> bytes | None:
    """Return the colour profile to embed in the renditions, if it still fits their pixels."""
    # The profile is kept, not converted to sRGB: it holds no personal data, converting would
    # cost ~10 ms per photo and clip the wide-gamut (Display P3) colours of recent phones, and
    # browsers colour-manage tagged WebP. A CMYK or grey profile no longer fits RGB output.
    if image.mode not in ("RGB", "RGBA"):
        return None
    return image.info.get("icc_profile") or None


def _fit(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    """Return size scaled so that its longer side is long_side, never enlarging."""
    scale = min(1.0, long_side / max(size))
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _render_display(image: Image.Image, long_side: int, orientation: object) -> Image.Image:
    """Decode the original at the display size, upright, in RGB or RGBA."""
    target = _fit(image.size, long_side)
    # JPEG only: libjpeg decodes at the smallest 1/2, 1/4 or 1/8 scale still covering the
    # target box. The box must have the photo's own aspect: draft() keeps the scale that fits
    # both sides, so a square 1600x1600 box would not shrink a 4032x3024 photo at all.
    image.draft("RGB", target)
    pixels = _as_rgb(image)
    if pixels.size != target:
        # After draft() the shrink is under 2x (2016 -> 1600 for a 12 MP photo). There Pillow's
        # BOX filter is an area average, which does not alias, and on one core it takes 17 ms
        # against 26 for BILINEAR and 37 for LANCZOS: the margin that makes 10 photos/s.
        # reducing_gap box-reduces first when the shrink is big: PNG, HEIC and WebP originals.
        pixels = pixels.resize(target, Image.Resampling.BOX, reducing_gap=3.0)
    # A damaged tag may hold anything; only the eight EXIF values mean a rotation or mirror.
    transpose = UPRIGHT_TRANSPOSE.get(orientation) if isinstance(orientation, int) else None
    # Rotating the 1600 px image, not the original, is what makes this cheaper than exif_transpose.
    return pixels.transpose(transpose) if transpose is not None else pixels


def _as_rgb(image: Image.Image) -> Image.Image:
    """Return the decoded image in RGB, or RGBA when it has transparency."""
    if image.mode in ("RGB", "RGBA"):
        image.load()
        return image
    has_alpha = image.mode in ("LA", "PA") or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def _shrink(image: Image.Image, long_side: int) -> Image.Image:
    """Return a smaller copy whose longer side is long_side."""
    target = _fit(image.size, long_side)
    # reducing_gap=1.0 box-averages by the whole factor (5x from 1600 to 320) before a final
    # LANCZOS pass: 1.5 ms instead of 15 ms, and a 5x5 average is all a thumbnail needs.
    return image.resize(target, Image.Resampling.LANCZOS, reducing_gap=1.0)


def _encode(image: Image.Image, icc_profile: bytes | None, method: int) -> Rendition:
    """Encode as WebP carrying no metadata but the colour profile."""
    buffer = io.BytesIO()
    # Outputs are built from pixels only: exif and xmp are passed empty so that no Pillow
    # default can copy the original's GPS position or camera serial into a rendition.
    image.save(
        buffer,
        "WEBP",
        quality=WEBP_QUALITY,
        method=method,
        icc_profile=icc_profile or b"",
        exif=b"",
        xmp=b"",
    )
    return Rendition(buffer.getvalue(), image.width, image.height, WEBP_CONTENT_TYPE)


def _capture_time(exif: Image.Exif, camera_tz: tzinfo | None) -> datetime | None:
    """Return EXIF DateTimeOriginal as an aware UTC datetime, or None when unknown."""
    details = exif.get_ifd(ExifTags.IFD.Exif)
    try:
        local = datetime.strptime(
            str(details[ExifTags.Base.DateTimeOriginal]).strip("\x00 "), "%Y:%m:%d %H:%M:%S"
        )
    except (KeyError, ValueError):  # absent, or blanked as "0000:00:00 00:00:00"
        return None
    zone = _parse_offset(details.get(ExifTags.Base.OffsetTimeOriginal)) or camera_tz
    return local.replace(tzinfo=zone).astimezone(UTC) if zone is not None else None


def _parse_offset(offset: object) -> tzinfo | None:
    """Return the zone of an EXIF offset such as '+08:00', or None."""
    try:
        return datetime.strptime(str(offset).strip("\x00 "), "%z").tzinfo
    except ValueError:
        return None


def perceptual_hash(image: Image.Image) -> int:
    """Return the 64-bit DCT perceptual hash (pHash) of an upright image.

    Robust to re-encoding and resizing: the picture is first reduced to 32x32 grey, so scale and
    compression noise are gone, and only the 8x8 lowest DCT frequencies (the coarse layout of
    light and dark) are kept. Each bit says whether a coefficient is above their median, so a
    global change of brightness or contrast does not flip bits either.
    """
    grey = image.convert("L").resize(
        (PHASH_SAMPLE_SIDE, PHASH_SAMPLE_SIDE), Image.Resampling.LANCZOS
    )
    samples = grey.tobytes()
    rows = [
        samples[start : start + PHASH_SAMPLE_SIDE]
        for start in range(0, len(samples), PHASH_SAMPLE_SIDE)
    ]
    basis = _dct_basis()
    # The 2-D DCT is separable: transform each row, then each column of the result, computing
    # only the 8 low frequencies each time (~10k multiplications instead of ~65k).
    by_row = [[_dot(wave, row) for wave in basis] for row in rows]
    columns = list(zip(*by_row, strict=True))
    low = [_dot(wave, column) for wave in basis for column in columns]
    median = statistics.median(low)
    bits = 0
    for coefficient in low:
        bits = (bits << 1) | (coefficient > median)
    return bits


@functools.cache
def _dct_basis() -> tuple[tuple[float, ...], ...]:
    """Return the DCT-II cosines for the low frequencies over PHASH_SAMPLE_SIDE samples."""
    n = PHASH_SAMPLE_SIDE
    return tuple(
        tuple(math.cos(math.pi * k * (2 * i + 1) / (2 * n)) for i in range(n))
        for k in range(PHASH_FREQUENCIES)
    )


def _dot(left: tuple[float, ...], right: bytes | tuple[float, ...]) -> float:
    """Return the dot product of two equal-length sequences."""
    return float(sum(map(operator.mul, left, right)))


def hamming_distance(a: int, b: int) -> int:
    """Return how many bits differ between two perceptual hashes."""
    return (a ^ b).bit_count()


def is_near_duplicate(a: int, b: int, max_distance: int = NEAR_DUPLICATE_MAX_DISTANCE) -> bool:
    """Return whether two perceptual hashes are close enough to be the same picture."""
    return hamming_distance(a, b) <= max_distance
