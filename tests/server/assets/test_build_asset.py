"""build_asset: the pure constructor the seeder and the sync code share with create_asset."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from server.assets.models import AssetKind, AssetStatus, FireExtinguisher
from server.assets.services import build_asset, qr_label_payload, qr_token_from_label
from server.errors import ApiError


def test_build_asset_returns_an_unsaved_asset_with_a_qr_token_when_fields_fit_the_kind() -> None:
    asset = build_asset(
        uuid.uuid4(),
        "fire_extinguisher",
        code="FE-1",
        name_zh="1号灭火器",
        agent="co2",
        manufactured_on=date(2022, 1, 1),
    )

    assert isinstance(asset, FireExtinguisher)
    assert asset.qr_token
    assert asset.status == AssetStatus.IN_SERVICE
    assert asset.version == 1


def test_build_asset_keeps_the_id_when_it_was_made_offline() -> None:
    asset_id = uuid.uuid4()

    asset = build_asset(uuid.uuid4(), AssetKind.EQUIPMENT, id=asset_id, category="aed")

    assert asset.id == asset_id


def test_build_asset_raises_422_naming_the_field_when_it_belongs_to_another_kind() -> None:
    with pytest.raises(ApiError) as raised:
        build_asset(uuid.uuid4(), AssetKind.BAIT_STATION, station_number=1, category="boiler")

    assert raised.value.status == 422
    assert list(raised.value.fields) == ["category"]


def test_qr_token_from_label_returns_the_token_when_given_the_printed_label() -> None:
    asset = build_asset(uuid.uuid4(), AssetKind.BAIT_STATION, station_number=1)

    assert qr_token_from_label(qr_label_payload(asset)) == asset.qr_token
