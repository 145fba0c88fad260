"""Specification of process_photo and the pHash: what the photo job makes of an original."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageCms, ImageOps

from server.photos.processing import (
    hamming_distance,
    is_near_duplicate,
    process_photo,
)
from tests.server.photos.factories import scene

RED = (255, 0, 0)
BLUE = (0, 0, 255)
GPS_MARKER = "ROUNDBOOK-GPS-MARKER"  # a value only the GPS IFD carries, to find in raw bytes


def _jpeg(image: Image.Image, quality: int = 90, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, **params)
    return buffer.getvalue()


def _exif(
    orientation: int = 1,
    taken: str | None = None,
    offset: str | None = None,
    has_gps: bool = False,
) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    details = {}
    if taken is not None:
        details[ExifTags.Base.DateTimeOriginal] = taken
    if offset is not None:
        details[ExifTags.Base.OffsetTimeOriginal] = offset
    if details:
        exif[ExifTags.IFD.Exif] = details
    if has_gps:
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (39.0, 54.0, 27.0),
            ExifTags.GPS.GPSMapDatum: GPS_MARKER,
        }
    return exif


def _decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _is_close(pixel: tuple[int, ...], colour: tuple[int, int, int]) -> bool:
    return all(abs(got - want) < 40 for got, want in zip(pixel, colour, strict=False))


# Sizes and format


def test_process_photo_fits_the_long_sides_when_the_original_is_larger() -> None:
    original = _jpeg(scene(1, size=(2000, 1500)))

    photo = process_photo(original)

    assert (photo.display.width, photo.display.height) == (1600, 1200)
    assert (photo.thumbnail.width, photo.thumbnail.height) == (320, 240)


def test_process_photo_keeps_the_size_when_the_original_is_smaller_than_the_display() -> None:
    original = _jpeg(scene(1, size=(800, 600)))

    photo = process_photo(original)

    assert (photo.display.width, photo.display.height) == (800, 600)


def test_process_photo_encodes_webp_when_the_original_is_jpeg() -> None:
    photo = process_photo(_jpeg(scene(1)))

    assert photo.display.content_type == photo.thumbnail.content_type == "image/webp"
    assert _decoded(photo.display.data).format == "WEBP"
    assert _decoded(photo.thumbnail.data).format == "WEBP"


def test_process_photo_reads_the_file_when_given_a_path(tmp_path: Path) -> None:
    path = tmp_path / "original.jpg"
    path.write_bytes(_jpeg(scene(1)))

    photo = process_photo(path)

    assert photo.phash == process_photo(path.read_bytes()).phash


def test_process_photo_renders_heic_when_given_a_heic_photo() -> None:
    from server.photos.validation import allowed_formats

    allowed_formats()  # registers the HEIF plugin that saving needs
    buffer = io.BytesIO()
    scene(1, size=(2000, 1500)).save(buffer, "HEIF")

    photo = process_photo(buffer.getvalue())

    assert (photo.display.width, photo.display.height) == (1600, 1200)


def test_process_photo_keeps_transparency_when_the_original_png_has_alpha() -> None:
    buffer = io.BytesIO()
    Image.new("RGBA", (64, 48), (255, 0, 0, 0)).save(buffer, "PNG")

    photo = process_photo(buffer.getvalue())

    assert _decoded(photo.thumbnail.data).mode == "RGBA"


# Metadata


def test_process_photo_strips_gps_from_both_outputs_when_the_original_has_gps() -> None:
    original = _jpeg(scene(1), exif=_exif(orientation=6, has_gps=True), xmp=b"<x:xmpmeta/>")
    assert GPS_MARKER.encode() in original

    photo = process_photo(original)

    for rendition in (photo.display, photo.thumbnail):
        decoded = _decoded(rendition.data)
        assert len(decoded.getexif()) == 0
        assert decoded.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
        assert "xmp" not in decoded.info
        assert GPS_MARKER.encode() not in rendition.data
        assert b"EXIF" not in rendition.data  # the WebP chunk that would carry it
        assert b"Exif\x00\x00" not in rendition.data


def test_process_photo_keeps_the_icc_profile_when_the_original_has_one() -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = _jpeg(scene(1), icc_profile=srgb)

    photo = process_photo(original)

    assert _decoded(photo.display.data).info.get("icc_profile") == srgb


# Orientation


def test_process_photo_makes_an_upright_thumbnail_when_exif_orientation_is_6() -> None:
    upright = Image.new("RGB", (600, 800), RED)
    upright.paste(BLUE, (0, 400, 600, 800))
    # Orientation 6: the camera stored the picture turned a quarter anticlockwise.
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    original = _jpeg(stored, exif=_exif(orientation=6))

    thumbnail = _decoded(process_photo(original).thumbnail.data).convert("RGB")

    assert thumbnail.size == (240, 320)
    assert _is_close(thumbnail.getpixel((120, 40)), RED)
    assert _is_close(thumbnail.getpixel((120, 280)), BLUE)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_process_photo_shows_what_exif_transpose_shows_when_orientation_is_set(
    orientation: int,
) -> None:
    quadrants = Image.new("RGB", (400, 300), RED)
    quadrants.paste(BLUE, (200, 0, 400, 150))
    quadrants.paste((0, 255, 0), (0, 150, 200, 300))
    original = _jpeg(quadrants, exif=_exif(orientation=orientation))
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(original)))

    display = _decoded(process_photo(original).display.data).convert("RGB")

    assert display.size == expected.size
    for x in (display.width // 4, display.width * 3 // 4):
        for y in (display.height // 4, display.height * 3 // 4):
            assert _is_close(display.getpixel((x, y)), expected.getpixel((x, y)))


# Capture time


def test_process_photo_reads_the_capture_time_in_utc_when_exif_has_an_offset() -> None:
    original = _jpeg(scene(1), exif=_exif(taken="2024:05:01 10:11:12", offset="+08:00"))

    photo = process_photo(original)

    assert photo.captured_at == datetime(2024, 5, 1, 2, 11, 12, tzinfo=UTC)
    assert photo.captured_at.tzinfo is UTC


def test_process_photo_assumes_the_camera_zone_when_exif_has_no_offset() -> None:
    original = _jpeg(scene(1), exif=_exif(taken="2024:05:01 10:11:12"))

    photo = process_photo(original, camera_tz=timezone(timedelta(hours=8)))

    assert photo.captured_at == datetime(2024, 5, 1, 2, 11, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("taken", "offset"),
    [
        (None, None),  # no DateTimeOriginal at all
        ("2024:05:01 10:11:12", None),  # local time of an unknown zone
        ("0000:00:00 00:00:00", "+08:00"),  # blanked by the camera
    ],
)
def test_process_photo_reports_no_capture_time_when_exif_cannot_say_it(
    taken: str | None, offset: str | None
) -> None:
    original = _jpeg(scene(1), exif=_exif(taken=taken, offset=offset))

    assert process_photo(original).captured_at is None


# Perceptual hash


def test_phash_is_near_duplicate_when_the_same_picture_is_re_encoded_smaller() -> None:
    picture = scene(3)
    copy = picture.resize((400, 300))

    first = process_photo(_jpeg(picture)).phash
    second = process_photo(_jpeg(copy, quality=35)).phash

    assert is_near_duplicate(first, second)


def test_phash_is_near_duplicate_when_the_same_picture_comes_back_as_webp() -> None:
    first = process_photo(_jpeg(scene(3)))

    second = process_photo(first.display.data)

    assert is_near_duplicate(first.phash, second.phash)


def test_phash_is_not_near_duplicate_when_the_pictures_are_unrelated() -> None:
    first = process_photo(_jpeg(scene(3))).phash
    second = process_photo(_jpeg(scene(4))).phash

    assert not is_near_duplicate(first, second)


def test_phash_fits_in_64_bits_when_computed() -> None:
    assert 0 <= process_photo(_jpeg(scene(5))).phash < 2**64


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        (0, 0, 0),
        (0b1011, 0b0001, 2),
        (2**64 - 1, 0, 64),
    ],
)
def test_hamming_distance_counts_the_differing_bits_when_given_two_hashes(
    a: int, b: int, distance: int
) -> None:
    assert hamming_distance(a, b) == distance


def test_is_near_duplicate_honours_max_distance_when_it_is_given() -> None:
    assert is_near_duplicate(0b111, 0, max_distance=3)
    assert not is_near_duplicate(0b1111, 0, max_distance=3)
