"""HTTP routes of the photos capability: upload, state, served sizes, admin retries."""

from __future__ import annotations

import io
import uuid
from typing import Any

from flask import Response, jsonify, request, send_file
from flask.views import MethodView

from server.api import Blueprint
from server.auth.access import Permission
from server.auth.guard import current_principal
from server.errors import field_error
from server.photos import services, uploads
from server.photos.originals import strip_metadata
from server.photos.schemas import (
    IncompleteEvidenceSchema,
    OriginalQueryArgsSchema,
    PhotoQueryArgsSchema,
    PhotoSchema,
    UploadStatusSchema,
)
from server.photos.storage import PhotoFile, photo_path

blp = Blueprint(
    "photos", __name__, url_prefix="/api", description="Photos: upload, processing, serving"
)

# Photos are addressed by their content, so a URL's bytes never change: cache for a year.
# `private`: shared caches (proxies) must not keep a hospital's pictures.
IMMUTABLE_CACHE = "private, max-age=31536000, immutable"
UPLOAD_MEDIA_TYPES = ("image/", "application/octet-stream")


def _upload_status_body(outcome: uploads.UploadOutcome) -> dict[str, Any]:
    status = outcome.photo.status.value if outcome.photo is not None else "partial"
    return {
        "status": status,
        "received_bytes": outcome.received_bytes,
        "total_bytes": outcome.total_bytes,
    }


def _read_upload_body() -> bytes:
    """The request body, refused before reading when it is declared larger than allowed."""
    content_type = request.mimetype or ""
    if not content_type.startswith(UPLOAD_MEDIA_TYPES):
        raise field_error(
            "unsupported_media_type", "Content-Type", "Send the photo's bytes as image/*."
        )
    uploads.check_declared_size(request.content_length)
    limit = uploads.max_photo_bytes()
    body = request.stream.read(limit + 1)
    uploads.check_declared_size(len(body))
    return body


@blp.route("/photos/<sha256>")
class PhotoBySha(MethodView):
    """One photo of a site, addressed by the SHA-256 of its bytes."""

    @blp.arguments(PhotoQueryArgsSchema, location="query")
    @blp.response(200, PhotoSchema)
    def get(self, args: dict[str, Any], sha256: str) -> dict[str, Any]:
        """Get a photo's state: status, size, capture time, reuse flag and inspections.

        A photo an inspection references but that has not been uploaded is `expected`.
        """
        photo = services.get_photo(current_principal(), args["site_id"], sha256)
        return services.photo_record(photo)

    @blp.arguments(PhotoQueryArgsSchema, location="query")
    @blp.response(201, PhotoSchema, description="Stored; processing is queued")
    @blp.alt_response(200, schema=PhotoSchema, description="The server already had this photo")
    @blp.alt_response(
        202, schema=UploadStatusSchema, description="Chunk received; send the next one"
    )
    def put(self, args: dict[str, Any], sha256: str) -> Any:
        """Upload a photo's bytes (Content-Type image/*), whole or in resumable chunks.

        The URL names the SHA-256 of the bytes; the server checks it, the size limit, the
        real image type and its pixel count, and stores nothing unless all pass. Sending a
        photo the server has answers 200 with it. For a large file on a poor network, send
        chunks with `Content-Range: bytes first-last/total`: each answers 202 with the bytes
        received so far, and the last one 201. After an interruption ask
        `GET /api/photos/<sha256>/upload-status` and resume from `received_bytes`.
        """
        byte_range = uploads.parse_content_range(request.headers.get("Content-Range"))
        body = _read_upload_body()
        outcome = uploads.upload_photo(
            current_principal(), args["site_id"], sha256, body, byte_range
        )
        if outcome.photo is None:
            response = jsonify(_upload_status_body(outcome))
            response.status_code = 202
            response.headers["Range"] = f"bytes=0-{outcome.received_bytes - 1}"
            return response
        return services.photo_record(outcome.photo), 201 if outcome.is_new else 200


@blp.route("/photos/<sha256>/upload-status")
class PhotoUploadStatus(MethodView):
    """How much of a photo the server holds."""

    @blp.arguments(PhotoQueryArgsSchema, location="query")
    @blp.response(200, UploadStatusSchema)
    def get(self, args: dict[str, Any], sha256: str) -> dict[str, Any]:
        """Get the offset to resume a chunked upload from (`received_bytes`)."""
        outcome = uploads.upload_status(current_principal(), args["site_id"], sha256)
        return _upload_status_body(outcome)


def _serve_rendition(site_id: uuid.UUID, sha256: str, kind: PhotoFile) -> Response:
    photo = services.get_photo(current_principal(), site_id, sha256)
    services.require_processed(photo)
    response = send_file(
        photo_path(photo.site_id, photo.sha256, kind),
        mimetype="image/webp",
        etag=f"{photo.sha256}.{kind.value}",
        conditional=True,
    )
    response.headers["Cache-Control"] = IMMUTABLE_CACHE
    return response


@blp.route("/photos/<sha256>/thumbnail")
class PhotoThumbnail(MethodView):
    """The small size, about 320 px: lists and offline copies on phones."""

    @blp.arguments(PhotoQueryArgsSchema, location="query")
    @blp.response(200, description="WebP, upright, without metadata")
    @blp.alt_response(409, description="photo_pending: not processed yet")
    def get(self, args: dict[str, Any], sha256: str) -> Response:
        """Get the thumbnail (WebP); 409 `photo_pending` until the photo is processed."""
        return _serve_rendition(args["site_id"], sha256, PhotoFile.THUMBNAIL)


@blp.route("/photos/<sha256>/display")
class PhotoDisplay(MethodView):
    """The viewing size, about 1600 px."""

    @blp.arguments(PhotoQueryArgsSchema, location="query")
    @blp.response(200, description="WebP, upright, without metadata")
    @blp.alt_response(409, description="photo_pending: not processed yet")
    def get(self, args: dict[str, Any], sha256: str) -> Response:
        """Get the display size (WebP); 409 `photo_pending` until the photo is processed."""
        return _serve_rendition(args["site_id"], sha256, PhotoFile.DISPLAY)


@blp.route("/photos/<sha256>/original")
class PhotoOriginal(MethodView):
    """The original at full resolution (reviewers and site admins)."""

    @blp.arguments(OriginalQueryArgsSchema, location="query")
    @blp.response(200, description="JPEG (PNG if transparent) without metadata, or as uploaded")
    def get(self, args: dict[str, Any], sha256: str) -> Response:
        """Get the original, upright and with EXIF, GPS and XMP removed (re-encoded).

        Site admins may add `with_metadata=1` for the uploaded bytes exactly, metadata
        included (their SHA-256 is the photo's address): evidence for a dispute.
        """
        principal = current_principal()
        site_id = args["site_id"]
        permission = Permission.ADMINISTER if args["with_metadata"] else Permission.REVIEW
        photo = services.get_photo(principal, site_id, sha256, permission)
        services.require_stored(photo)
        path = photo_path(photo.site_id, photo.sha256, PhotoFile.ORIGINAL)
        if args["with_metadata"]:
            response = send_file(path, mimetype=photo.content_type or "application/octet-stream")
        else:
            data, mimetype = strip_metadata(path)
            response = send_file(io.BytesIO(data), mimetype=mimetype)
        # Not immutable: who may fetch it (and so what a cache may keep) depends on the role.
        response.headers["Cache-Control"] = "private, no-store"
        return response


@blp.route("/photos/<sha256>/retry")
class PhotoRetry(MethodView):
    """Process a failed photo again."""

    @blp.arguments(PhotoQueryArgsSchema, location="query")
    @blp.response(200, PhotoSchema)
    def post(self, args: dict[str, Any], sha256: str) -> dict[str, Any]:
        """Queue a failed photo's processing again, attempts counted afresh (site admins)."""
        photo = services.retry_photo(current_principal(), args["site_id"], sha256)
        return services.photo_record(photo)


@blp.route("/photos/failed")
class FailedPhotos(MethodView):
    """Photos whose processing failed for good."""

    @blp.arguments(PhotoQueryArgsSchema, location="query")
    @blp.response(200, PhotoSchema(many=True))
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """List a site's failed photos with their errors (site admins)."""
        photos = services.list_failed_photos(current_principal(), args["site_id"])
        return [services.photo_record(photo) for photo in photos]


@blp.route("/photos/incomplete-evidence")
class IncompleteEvidence(MethodView):
    """Inspections whose photos have not all arrived."""

    @blp.arguments(PhotoQueryArgsSchema, location="query")
    @blp.response(200, IncompleteEvidenceSchema(many=True))
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """List a site's inspections still waiting for photos, and which ones (oldest first)."""
        return services.list_incomplete_evidence(current_principal(), args["site_id"])
