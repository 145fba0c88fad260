"""Marshmallow schemas of photos, uploads and evidence."""

from __future__ import annotations

import marshmallow as ma

from server.photos.models import PhotoStatus


class PhotoQueryArgsSchema(ma.Schema):
    """Every photo belongs to one site: say which."""

    site_id = ma.fields.UUID(required=True)


class OriginalQueryArgsSchema(PhotoQueryArgsSchema):
    """Options of the original download."""

    with_metadata = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Site admins only: the uploaded bytes, EXIF and GPS included."},
    )


class PhotoSchema(ma.Schema):
    """A photo of a site, addressed by the SHA-256 of its bytes."""

    id = ma.fields.UUID(
        allow_none=True, metadata={"description": "None until the photo's bytes arrive"}
    )
    site_id = ma.fields.UUID()
    sha256 = ma.fields.String()
    status = ma.fields.Enum(
        PhotoStatus,
        by_value=True,
        metadata={"description": "expected (not uploaded), stored, processed or failed"},
    )
    content_type = ma.fields.String(allow_none=True)
    byte_size = ma.fields.Integer(allow_none=True)
    width = ma.fields.Integer(allow_none=True, metadata={"description": "Upright, original"})
    height = ma.fields.Integer(allow_none=True)
    captured_at = ma.fields.AwareDateTime(
        allow_none=True, metadata={"description": "From EXIF, when the camera wrote it"}
    )
    stored_at = ma.fields.AwareDateTime(allow_none=True)
    processed_at = ma.fields.AwareDateTime(allow_none=True)
    processing_attempts = ma.fields.Integer()
    processing_error = ma.fields.String(allow_none=True)
    is_suspected_reuse = ma.fields.Boolean(
        metadata={"description": "Same or near-identical picture as an earlier inspection's"}
    )
    reused_of_sha256 = ma.fields.String(
        allow_none=True, metadata={"description": "The earlier photo it resembles, if not itself"}
    )
    reuse_distance = ma.fields.Integer(
        allow_none=True, metadata={"description": "pHash bits that differ (0: identical)"}
    )
    inspection_ids = ma.fields.List(ma.fields.UUID())


class UploadStatusSchema(ma.Schema):
    """How much of a photo the server holds: resume a chunked upload from received_bytes."""

    status = ma.fields.String(metadata={"description": "partial, or the photo's status"})
    received_bytes = ma.fields.Integer()
    total_bytes = ma.fields.Integer(allow_none=True)


class IncompleteEvidenceSchema(ma.Schema):
    """An inspection still waiting for some of its photos."""

    inspection_id = ma.fields.UUID()
    finished_at = ma.fields.AwareDateTime()
    expected_photos = ma.fields.Integer()
    missing_sha256s = ma.fields.List(ma.fields.String())
