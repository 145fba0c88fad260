"""HTTP routes of the assets capability."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from server.api import Blueprint
from server.assets import services
from server.assets.models import Asset
from server.assets.schemas import AssetQueryArgsSchema, AssetSchema, AssetUpdateSchema
from server.auth.guard import current_principal
from server.preconditions import etag_of, require_current_version

blp = Blueprint(
    "assets",
    __name__,
    url_prefix="/api",
    description="QR-tagged assets: extinguishers, bait stations, equipment",
)

# A phone caches its sites' assets for offline scanning; 200 per page keeps that to few calls.
ASSETS_PAGE_SIZE = 50
ASSETS_MAX_PAGE_SIZE = 200


@blp.route("/assets")
class Assets(MethodView):
    """Fire extinguishers, bait stations and equipment carrying QR labels."""

    @blp.arguments(AssetQueryArgsSchema, location="query")
    @blp.response(200, AssetSchema(many=True))
    @blp.paginate(page_size=ASSETS_PAGE_SIZE, max_page_size=ASSETS_MAX_PAGE_SIZE)
    def get(self, args: dict[str, Any], pagination_parameters: PaginationParameters) -> list[Asset]:
        """List assets of your sites, by code.

        Filter by site, kind, location or status; `q` finds codes containing it. Pages with
        `page` and `page_size` (at most 200); the `X-Pagination` header gives the total.
        Extinguishers carry their service and scrap dates and traffic-light flags.
        """
        result = services.list_assets(
            current_principal(),
            page=pagination_parameters.page,
            page_size=pagination_parameters.page_size,
            **args,
        )
        pagination_parameters.item_count = result.total
        return result.items

    @blp.arguments(AssetSchema)
    @blp.response(201, AssetSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Register an asset (site admins; maintenance crews on their sites).

        Send `kind` and only that kind's fields: `agent`, `capacity_kg`, `manufactured_on`,
        `last_serviced_on` for a `fire_extinguisher`; `station_number`, `bait_type` for a
        `bait_station`; `category`, `model`, `serial_number`, `statutory_inspection_due_on`,
        `responsible_user_id` for `equipment`. The answer holds the new QR label text.
        """
        asset = services.create_asset(current_principal(), data)
        return asset, 201, {"ETag": etag_of(asset)}


@blp.route("/assets/<uuid:asset_id>")
class AssetById(MethodView):
    """One asset."""

    @blp.response(200, AssetSchema)
    def get(self, asset_id: uuid.UUID) -> Any:
        """Get an asset; its ETag is its version (send it back as If-Match when editing)."""
        asset = services.get_asset(current_principal(), asset_id)
        return asset, 200, {"ETag": etag_of(asset)}

    @blp.arguments(AssetUpdateSchema)
    @blp.response(200, AssetSchema)
    @blp.alt_response(412, description="If-Match names an old version; body has the current one")
    def patch(self, changes: dict[str, Any], asset_id: uuid.UUID) -> Any:
        """Edit an asset. Send If-Match with the ETag you loaded.

        Inspectors and crews may change `notes` and `status` (e.g. `missing`); everything
        else needs a site admin. The kind of an asset never changes.
        """
        principal = current_principal()
        asset = services.get_asset(principal, asset_id)
        require_current_version(asset, AssetSchema().dump(asset))
        asset = services.update_asset(principal, asset, changes)
        return asset, 200, {"ETag": etag_of(asset)}


@blp.route("/assets/by-qr/<token>")
class AssetByQrToken(MethodView):
    """The asset behind a scanned QR label."""

    @blp.response(200, AssetSchema)
    def get(self, token: str) -> Any:
        """Find the asset whose label you scanned.

        Pass the token, or the whole label text `roundbook:asset:<token>`. A label that is
        unknown, cancelled, or belongs to a site you are not on answers 404 `not_found`.
        """
        asset = services.find_asset_by_qr_token(current_principal(), token)
        return asset, 200, {"ETag": etag_of(asset)}


@blp.route("/assets/<uuid:asset_id>/qr-token")
class AssetQrToken(MethodView):
    """The QR token printed on an asset's label."""

    @blp.response(200, AssetSchema)
    def post(self, asset_id: uuid.UUID) -> Any:
        """Issue a new QR label for an asset (site admins); the old label stops working."""
        asset = services.regenerate_qr_token(current_principal(), asset_id)
        return asset, 200, {"ETag": etag_of(asset)}
