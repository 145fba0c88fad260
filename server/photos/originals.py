"""The original photo for reviewers: full resolution, upright, without EXIF, GPS or XMP."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageOps

from server.photos.validation import allowed_formats

# Near-lossless: reviewers zoom into the original to read a gauge or a label.
ORIGINAL_JPEG_QUALITY = 95


def strip_metadata(path: Path) -> tuple[bytes, str]:
    """Re-encode an original from its pixels alone; return the bytes and their media type.

    Re-encoding is the only way to drop every metadata block whatever the format (EXIF and
    XMP in JPEG, eXIf and text chunks in PNG, HEIC's boxes). The orientation is applied to
    the pixels so the picture stays upright without its EXIF tag. Only the colour profile,
    which says nothing about the patient or the place, is kept. Site admins can still fetch
    the uploaded bytes themselves (with_metadata=1), whose SHA-256 is the photo's address.
    """
    with Image.open(path, formats=allowed_formats()) as image:
        icc_profile = image.info.get("icc_profile") or b""
        upright = ImageOps.exif_transpose(image)
        has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
        buffer = io.BytesIO()
        if has_alpha:
            upright.convert("RGBA").save(buffer, "PNG", icc_profile=icc_profile)
            return buffer.getvalue(), "image/png"
        upright.convert("RGB").save(
            buffer, "JPEG", quality=ORIGINAL_JPEG_QUALITY, icc_profile=icc_profile, exif=b""
        )
        return buffer.getvalue(), "image/jpeg"
