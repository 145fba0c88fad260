"""Factories of assets for the assets tests (to be merged into tests/factories.py)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from server.assets.models import Asset, AssetKind, ExtinguisherAgent
from server.assets.services import build_asset
from server.extensions import db
from server.sites.models import Location, Site
from tests.factories import make_location

_sequence = itertools.count(1)


def make_asset(
    site: Site, kind: AssetKind, *, location: Location | None = None, **fields: Any
) -> Asset:
    """A saved asset of ``kind`` at ``location`` (a new ward of the site unless given)."""
    n = next(_sequence)
    asset = build_asset(
        site.id,
        kind,
        location_id=(location or make_location(site)).id,
        code=fields.pop("code", f"A{n}"),
        name_zh=fields.pop("name_zh", f"资产{n}"),
        **fields,
    )
    db.session.add(asset)
    db.session.commit()
    return asset


def make_extinguisher(site: Site, **fields: Any) -> Asset:
    """A 4 kg dry powder extinguisher made on 1 March 2022."""
    defaults = {
        "agent": ExtinguisherAgent.DRY_POWDER,
        "capacity_kg": 4.0,
        "manufactured_on": date(2022, 3, 1),
    }
    return make_asset(site, AssetKind.FIRE_EXTINGUISHER, **{**defaults, **fields})


def make_bait_station(site: Site, **fields: Any) -> Asset:
    """A numbered bait station (numbers count up unless given)."""
    fields.setdefault("station_number", next(_sequence))
    return make_asset(site, AssetKind.BAIT_STATION, **fields)


def make_equipment(site: Site, **fields: Any) -> Asset:
    """An elevator."""
    fields.setdefault("category", "elevator")
    return make_asset(site, AssetKind.EQUIPMENT, **fields)
