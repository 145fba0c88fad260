"""Check an uploaded photo's bytes before they are stored: size, hash, real type, integrity."""

from __future__ import annotations

import functools
import hashlib
import io
import struct
import warnings
from dataclasses import dataclass

from PIL import ExifTags, Image, ImageFile

# 64 MP admits the largest default phone outputs (50 MP sensors write 8160x6120) while keeping a
# full decode of a non-JPEG under ~200 MB; 200 MP "high resolution" modes are refused.
DEFAULT_MAX_IMAGE_PIXELS = 64_000_000

# Only formats a phone camera or screenshot produces; everything else Pillow can read (TIFF,
# PSD, EPS, ...) is attack surface we do not need.
BASE_FORMATS = ("JPEG", "PNG", "WEBP")
HEIF_FORMAT = "HEIF"

# EXIF orientations 5-8 swap width and height when the photo is shown upright.
SWAPPED_ORIENTATIONS = frozenset({5, 6, 7, 8})


class PhotoRejected(Exception):
    """An upload that must not be stored; `code` is a stable client-visible error code."""

    def __init__(self, code: str, message: str, field: str = "photo") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


@dataclass(frozen=True)
class UploadFacts:
    """What the upload turned out to be; width and height are as displayed (EXIF-upright)."""

    sha256: str
    content_type: str
    width: int
    height: int
    byte_size: int


@functools.cache
def allowed_formats() -> tuple[str, ...]:
    """Return the Pillow format names photos may have, registering HEIF when pillow-heif exists."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:  # HEIC support is optional: iPhones can be set to "Most Compatible".
        return BASE_FORMATS
    register_heif_opener()
    return (*BASE_FORMATS, HEIF_FORMAT)


def inspect_upload(
    data: bytes,
    *,
    declared_sha256: str,
    max_photo_bytes: int,
    max_image_pixels: int = DEFAULT_MAX_IMAGE_PIXELS,
) -> UploadFacts:
    """Return the facts of a valid photo upload, or raise PhotoRejected saying what is wrong.

    Pillow's own limit (Image.MAX_IMAGE_PIXELS, 89 MP) also applies: a higher
    max_image_pixels does not admit bigger images unless that is raised too.
    """
    if len(data) > max_photo_bytes:
        raise PhotoRejected(
            "photo_too_large", f"Photo is {len(data)} bytes; the limit is {max_photo_bytes}."
        )
    sha256 = hashlib.sha256(data).hexdigest()
    if sha256 != declared_sha256.strip().lower():
        raise PhotoRejected(
            "hash_mismatch", "The photo's SHA-256 differs from the declared one.", "sha256"
        )
    with _open_image(data, max_image_pixels) as image:
        width, height = _upright_size(image)
        _check_decodes(image)
        return UploadFacts(
            sha256=sha256,
            content_type=image.get_format_mimetype() or f"image/{(image.format or '').lower()}",
            width=width,
            height=height,
            byte_size=len(data),
        )


def _open_image(data: bytes, max_image_pixels: int) -> ImageFile.ImageFile:
    """Open the bytes as one of the allowed formats, refusing decompression bombs."""
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; a bomb must be an error.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=allowed_formats())
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise _too_large(str(exc)) from exc
        except (OSError, SyntaxError, ValueError) as exc:
            # UnidentifiedImageError is an OSError: not one of the allowed formats, or garbage.
            raise PhotoRejected(
                "unsupported_type", "The file is not a JPEG, PNG, WebP or HEIC photo."
            ) from exc
    pixels = image.width * image.height
    if pixels > max_image_pixels:
        image.close()
        raise _too_large(f"Image has {pixels} pixels; the limit is {max_image_pixels}.")
    return image


def _too_large(message: str) -> PhotoRejected:
    """Build the rejection for an image whose pixel count is over the limit."""
    return PhotoRejected("image_too_large", message)


def _check_decodes(image: Image.Image) -> None:
    """Decode the whole image so that truncated or corrupt data is caught now, not in the job.

    Relies on ImageFile.LOAD_TRUNCATED_IMAGES keeping its default, False.
    """
    # A JPEG decoded at 1/8 scale still reads every entropy-coded byte, so truncation shows,
    # at a fraction of the cost of a full decode. verify() would not help: JPEG does not have it.
    image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise PhotoRejected("corrupt_image", "The image data is truncated or corrupt.") from exc


def _upright_size(image: Image.Image) -> tuple[int, int]:
    """Return (width, height) of the image as shown after its EXIF orientation."""
    width, height = image.size
    try:
        with warnings.catch_warnings():
            # Pillow warns on damaged EXIF; an unreadable orientation just means "upright".
            warnings.simplefilter("ignore")
            orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    except (OSError, SyntaxError, ValueError, KeyError, struct.error):
        orientation = 1
    if orientation in SWAPPED_ORIENTATIONS:
        return height, width
    return width, height
