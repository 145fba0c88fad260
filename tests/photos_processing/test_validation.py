"""Specification of inspect_upload: what a photo upload must be before it is stored."""

from __future__ import annotations

import hashlib
import io
import random

import pytest
from PIL import ExifTags, Image

from server.photos.validation import PhotoRejected, UploadFacts, inspect_upload
from tests.server.photos.factories import make_png_bomb

MAX_PHOTO_BYTES = 10 * 1024 * 1024


def _encoded(image: Image.Image, image_format: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **params)
    return buffer.getvalue()


def _noisy_picture(size: tuple[int, int] = (256, 192)) -> Image.Image:
    """Noise so that the JPEG's entropy-coded data fills most of the file."""
    rng = random.Random(7)
    return Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))


def _inspect(data: bytes, **overrides: object) -> UploadFacts:
    arguments: dict[str, object] = {
        "declared_sha256": hashlib.sha256(data).hexdigest(),
        "max_photo_bytes": MAX_PHOTO_BYTES,
    }
    arguments.update(overrides)
    return inspect_upload(data, **arguments)  # type: ignore[arg-type]


def _rejection_code(data: bytes, **overrides: object) -> str:
    with pytest.raises(PhotoRejected) as rejected:
        _inspect(data, **overrides)
    return rejected.value.code


def test_inspect_upload_returns_the_facts_when_the_jpeg_is_valid() -> None:
    data = _encoded(Image.new("RGB", (64, 48), "red"), "JPEG")

    facts = _inspect(data)

    assert facts == UploadFacts(
        sha256=hashlib.sha256(data).hexdigest(),
        content_type="image/jpeg",
        width=64,
        height=48,
        byte_size=len(data),
    )


@pytest.mark.parametrize(
    ("image_format", "content_type"),
    [
        ("PNG", "image/png"),  # screenshots
        ("WEBP", "image/webp"),  # Android share sheets
    ],
)
def test_inspect_upload_accepts_the_photo_when_its_format_is_allowed(
    image_format: str, content_type: str
) -> None:
    data = _encoded(Image.new("RGB", (64, 48), "red"), image_format)

    facts = _inspect(data)

    assert facts.content_type == content_type


def test_inspect_upload_accepts_the_photo_when_it_is_heic() -> None:
    from server.photos.validation import allowed_formats

    allowed_formats()  # registers the HEIF plugin that saving needs
    data = _encoded(Image.new("RGB", (64, 48), "red"), "HEIF")

    facts = _inspect(data)

    assert facts.content_type in {"image/heic", "image/heif"}


def test_inspect_upload_reports_the_upright_size_when_exif_orientation_is_6() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    data = _encoded(Image.new("RGB", (64, 48), "red"), "JPEG", exif=exif)

    facts = _inspect(data)

    assert (facts.width, facts.height) == (48, 64)


def test_inspect_upload_accepts_the_hash_when_it_is_declared_in_upper_case() -> None:
    data = _encoded(Image.new("RGB", (8, 8), "red"), "PNG")

    facts = _inspect(data, declared_sha256=hashlib.sha256(data).hexdigest().upper())

    assert facts.sha256 == hashlib.sha256(data).hexdigest()


def test_inspect_upload_rejects_photo_too_large_when_bytes_exceed_the_limit() -> None:
    data = _encoded(_noisy_picture(), "JPEG")

    code = _rejection_code(data, max_photo_bytes=len(data) - 1)

    assert code == "photo_too_large"


def test_inspect_upload_rejects_hash_mismatch_on_the_sha256_field_when_hashes_differ() -> None:
    data = _encoded(Image.new("RGB", (8, 8), "red"), "PNG")

    with pytest.raises(PhotoRejected) as rejected:
        _inspect(data, declared_sha256=hashlib.sha256(b"another photo").hexdigest())

    assert (rejected.value.code, rejected.value.field) == ("hash_mismatch", "sha256")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"%PDF-1.7 not a photo at all", id="pdf"),
        pytest.param(b"", id="empty"),
        # Real images Pillow can read, but not formats a photo upload may have:
        pytest.param(_encoded(Image.new("P", (8, 8)), "GIF"), id="gif"),
        pytest.param(_encoded(Image.new("RGB", (8, 8)), "TIFF"), id="tiff"),
        pytest.param(_encoded(Image.new("RGB", (8, 8)), "BMP"), id="bmp"),
    ],
)
def test_inspect_upload_rejects_unsupported_type_when_the_bytes_are_not_an_allowed_image(
    data: bytes,
) -> None:
    assert _rejection_code(data) == "unsupported_type"


@pytest.mark.parametrize("image_format", ["JPEG", "PNG"])
def test_inspect_upload_rejects_corrupt_image_when_the_file_is_truncated(
    image_format: str,
) -> None:
    data = _encoded(_noisy_picture(), image_format)

    code = _rejection_code(data[: len(data) * 2 // 3])

    assert code == "corrupt_image"


def test_inspect_upload_rejects_image_too_large_when_a_png_bomb_is_far_over_pillows_limit() -> None:
    bomb = make_png_bomb(100_000, 100_000)  # 10^10 pixels in under 100 bytes

    assert _rejection_code(bomb) == "image_too_large"


def test_inspect_upload_rejects_image_too_large_when_pillow_would_only_warn() -> None:
    # 10^8 pixels is between Image.MAX_IMAGE_PIXELS and twice it: Pillow merely warns.
    bomb = make_png_bomb(10_000, 10_000)

    assert _rejection_code(bomb, max_image_pixels=10**9) == "image_too_large"


def test_inspect_upload_rejects_image_too_large_when_over_the_configured_pixel_limit() -> None:
    data = _encoded(Image.new("RGB", (100, 100), "red"), "PNG")

    assert _rejection_code(data, max_image_pixels=100 * 100 - 1) == "image_too_large"
