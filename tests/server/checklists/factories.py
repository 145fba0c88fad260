"""Factories of checklist items and templates for the checklists tests."""

from __future__ import annotations

import itertools
from typing import Any

from server.auth.access import Principal
from server.auth.models import User
from server.auth.services import principal_for
from server.checklists.models import (
    ChecklistTemplate,
)
from server.sites.models import Site
from tests.server.inspections import factories as inspection_factories

_sequence = itertools.count(1)


def make_item(key: str = "floor_clean", item_type: str = "pass_fail_na", **fields: Any) -> dict:
    """A valid checklist item of ``item_type``, every key filled; ``fields`` override."""
    item: dict[str, Any] = {
        "key": key,
        "group_zh": "",
        "group_en": "",
        "label_zh": "地面无痰迹、污物",
        "label_en": "Floor free of spit and dirt",
        "help_zh": "",
        "help_en": "",
        "type": item_type,
        "unit": None,
        "min": None,
        "max": None,
        "options": [],
        "fail_when": None,
        "evidence_on_fail": "note_or_photo",
        "fail_severity": "medium",
    }
    if item_type == "number":
        item.update(unit="MPa", min=1.0, max=1.4, evidence_on_fail="note")
    elif item_type in {"single_choice", "multiple_choice"}:
        item.update(
            options=[make_option("none"), make_option("some"), make_option("all")],
            fail_when=["all"],
        )
    elif item_type == "yes_no":
        item.update(fail_when="yes")
    elif item_type in {"text", "photo"}:
        item.update(evidence_on_fail="none", fail_severity="low")
    item.update(fields)
    return item


def make_option(key: str) -> dict[str, str]:
    """An option of a choice item."""
    return {"key": key, "label_zh": f"选项{key}", "label_en": f"Option {key}"}


def make_template_body(site: Site, **fields: Any) -> dict[str, Any]:
    """The JSON body that creates a ward-round template on ``site``."""
    n = next(_sequence)
    body: dict[str, Any] = {
        "site_id": str(site.id),
        "key": f"ward_round_{n}",
        "name_zh": f"病房巡查{n}",
        "name_en": f"Ward round {n}",
        "target_kind": "location",
        "default_frequency": "working_days",
        "items": [make_item("floor_clean"), make_item("ward_ventilated")],
    }
    body.update(fields)
    return body


def make_template(
    site: Site,
    *,
    items: list[dict[str, Any]] | None = None,
    is_published: bool = True,
    key: str | None = None,
) -> ChecklistTemplate:
    """A ward-round template of ``site`` with version 1, published unless told otherwise."""
    return inspection_factories.make_template(
        site,
        items=items if items is not None else [make_item("floor_clean")],
        is_published=is_published,
        key=key or f"ward_round_{next(_sequence)}",
    )


def principal_of(user: User) -> Principal:
    """The principal services receive for ``user``."""
    return principal_for(user)
