"""`make run` seeds a demo hospital a newcomer can sign in to and walk around."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from server.assets.models import Asset, AssetKind
from server.checklists.models import ChecklistTemplate, ChecklistTemplateVersion
from server.demo.hospital import DEMO_PASSWORD
from server.demo.seed import seed_demo_if_empty
from server.extensions import db
from server.inspections.models import ScheduleTarget
from server.sites.models import Site

REFERENCE_DAY = date(2026, 11, 24)


def _count(statement: object) -> int:
    return int(db.session.scalar(statement) or 0)


def _assets_of(kind: AssetKind) -> int:
    return _count(select(func.count()).select_from(Asset).where(Asset.kind == kind))


def test_seed_creates_the_demo_hospital_when_database_is_empty(app: Flask) -> None:
    seeded = seed_demo_if_empty(REFERENCE_DAY)

    assert seeded is True
    assert _count(select(func.count()).select_from(Site)) == 1
    assert _assets_of(AssetKind.FIRE_EXTINGUISHER) == 60
    assert _assets_of(AssetKind.BAIT_STATION) == 40
    assert _assets_of(AssetKind.EQUIPMENT) == 30


def test_seed_does_nothing_when_database_already_has_a_site(app: Flask) -> None:
    seed_demo_if_empty(REFERENCE_DAY)

    seeded_again = seed_demo_if_empty(REFERENCE_DAY)

    assert seeded_again is False
    assert _count(select(func.count()).select_from(Site)) == 1


def test_seed_publishes_every_builtin_template_when_it_runs(app: Flask) -> None:
    seed_demo_if_empty(REFERENCE_DAY)

    templates = _count(select(func.count()).select_from(ChecklistTemplate))
    published = _count(
        select(func.count())
        .select_from(ChecklistTemplateVersion)
        .where(ChecklistTemplateVersion.published_at.is_not(None))
    )

    assert templates == 8
    assert published == 8


def test_seed_schedules_basement_extinguishers_half_monthly_when_gb_50444_says_so(
    app: Flask,
) -> None:
    seed_demo_if_empty(REFERENCE_DAY)

    half_monthly = _count(
        select(func.count())
        .select_from(ScheduleTarget)
        .where(ScheduleTarget.frequency == "half_monthly")
    )

    assert half_monthly > 0


def test_demo_user_can_sign_in_with_the_printed_password_when_seeded(
    client: FlaskClient,
) -> None:
    seed_demo_if_empty(REFERENCE_DAY)

    response = client.post(
        "/api/auth/session", json={"username": "inspector", "password": DEMO_PASSWORD}
    )

    assert response.status_code == 200
    assert response.json["user"]["memberships"][0]["role"] == "inspector"


def test_due_report_lists_todays_checks_when_demo_is_seeded(client: FlaskClient) -> None:
    seed_demo_if_empty(REFERENCE_DAY)
    site = db.session.scalar(select(Site))
    client.post("/api/auth/session", json={"username": "siteadmin", "password": DEMO_PASSWORD})

    response = client.get(f"/api/schedules/due?site_id={site.id}&day={REFERENCE_DAY}")

    assert response.status_code == 200, response.json
    assert len(response.json) > 0
