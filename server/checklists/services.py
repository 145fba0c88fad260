"""Checklist templates and their versions: drafts are edited, published versions never change."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import marshmallow as ma
from sqlalchemy import select

from server.auth.access import (
    Permission,
    Principal,
    get_visible,
    require_permission,
    visible_select,
)
from server.checklists import immutability  # noqa: F401  (registers the ORM guard)
from server.checklists.builtin import BUILTIN_TEMPLATES, BuiltinTemplate
from server.checklists.items import load_items
from server.checklists.models import (
    ChecklistTemplate,
    ChecklistTemplateVersion,
    Frequency,
    TargetKind,
    VersionStatus,
)
from server.db_types import utc_now
from server.errors import ApiError, field_error, not_found
from server.extensions import db
from server.records import apply_changes
from server.sites import services as sites_services

TEMPLATE_FIELDS = (
    "key",
    "name_zh",
    "name_en",
    "description_zh",
    "description_en",
    "target_kind",
    "equipment_category",
    "default_frequency",
    "interval_days",
)


def list_templates(
    principal: Principal,
    site_id: uuid.UUID | None = None,
    target_kind: TargetKind | None = None,
) -> list[ChecklistTemplate]:
    """Templates of the user's sites, optionally of one site or target kind."""
    statement = visible_select(ChecklistTemplate, principal)
    if site_id is not None:
        statement = statement.where(ChecklistTemplate.site_id == site_id)
    if target_kind is not None:
        statement = statement.where(ChecklistTemplate.target_kind == target_kind)
    statement = statement.order_by(ChecklistTemplate.key, ChecklistTemplate.site_id)
    return list(db.session.scalars(statement))


def get_template(
    principal: Principal, template_id: uuid.UUID, permission: Permission = Permission.READ
) -> ChecklistTemplate:
    """One template of the user's sites (404 for other sites' templates)."""
    return get_visible(ChecklistTemplate, template_id, principal, permission)


def create_template(principal: Principal, data: dict[str, Any]) -> ChecklistTemplate:
    """Create a template with a draft version 1 holding ``data["items"]`` (site admins)."""
    site_id = data["site_id"]
    require_permission(principal, site_id, Permission.ADMINISTER)
    _require_template_rules(data)
    _require_unique_key(site_id, data["key"])
    template = ChecklistTemplate(
        id=uuid.uuid4(),
        site_id=site_id,
        **{name: data.get(name) for name in TEMPLATE_FIELDS},
    )
    template.description_zh = template.description_zh or ""
    template.description_en = template.description_en or ""
    _add_version(template, 1, _validated_items(data["items"]))
    db.session.add(template)
    db.session.commit()
    return template


def update_template(
    principal: Principal, template_id: uuid.UUID, changes: dict[str, Any]
) -> ChecklistTemplate:
    """Rename a template or change its default frequency (site admins); items need a version."""
    template = get_template(principal, template_id, Permission.ADMINISTER)
    merged = {name: getattr(template, name) for name in TEMPLATE_FIELDS} | changes
    _require_template_rules(merged)
    apply_changes(template, changes)
    db.session.commit()
    return template


def list_versions(principal: Principal, template_id: uuid.UUID) -> list[ChecklistTemplateVersion]:
    """Every version of a template, oldest first, with their items."""
    return list(get_template(principal, template_id).versions)


def get_version(
    principal: Principal,
    template_id: uuid.UUID,
    number: int,
    permission: Permission = Permission.READ,
) -> ChecklistTemplateVersion:
    """Version ``number`` of a template of the user's sites."""
    template = get_template(principal, template_id, permission)
    version = _find_version(template, number)
    if version is None:
        raise not_found(f"Version {number} of template", template_id)
    return version


def current_published_version(template: ChecklistTemplate) -> ChecklistTemplateVersion | None:
    """The latest published version (the one phones fill), or None before the first publish."""
    published = [version for version in template.versions if version.is_published]
    return max(published, key=lambda version: version.number, default=None)


def find_draft_version(template: ChecklistTemplate) -> ChecklistTemplateVersion | None:
    """The template's draft version, if one is being edited."""
    return next((version for version in template.versions if not version.is_published), None)


def create_draft_version(principal: Principal, template_id: uuid.UUID) -> ChecklistTemplateVersion:
    """Start a new draft from a copy of the latest version's items (site admins).

    One draft at a time: a second one answers 409 ``conflict`` with the draft's number.
    """
    template = get_template(principal, template_id, Permission.ADMINISTER)
    draft = find_draft_version(template)
    if draft is not None:
        raise ApiError(
            "conflict",
            f"Version {draft.number} is still a draft; edit or publish it first.",
            details={"draft_number": draft.number},
        )
    latest = max(template.versions, key=lambda version: version.number)
    version = _add_version(template, latest.number + 1, copy.deepcopy(latest.items))
    db.session.commit()
    return version


def update_draft_items(
    principal: Principal, template_id: uuid.UUID, number: int, items: list[dict[str, Any]]
) -> ChecklistTemplateVersion:
    """Replace a draft's items (site admins); a published version answers 409."""
    version = get_version(principal, template_id, number, Permission.ADMINISTER)
    _require_draft(version)
    version.items = _validated_items(items)
    db.session.commit()
    return version


def publish_version(
    principal: Principal, template_id: uuid.UUID, number: int
) -> ChecklistTemplateVersion:
    """Publish a draft (site admins): it becomes the current version and never changes again."""
    version = get_version(principal, template_id, number, Permission.ADMINISTER)
    _require_draft(version)
    version.status = VersionStatus.PUBLISHED
    version.published_at = utc_now()
    version.published_by_id = principal.user_id
    db.session.commit()
    return version


def install_builtin_templates(
    site_id: uuid.UUID, actor: Principal | None = None
) -> list[ChecklistTemplate]:
    """Copy every built-in template into a site, each with a published version 1.

    Idempotent: keys the site already has are skipped. Returns the templates it created.
    ``actor`` None is system work (demo seeding, new-site setup); otherwise a site admin.
    """
    if actor is not None:
        sites_services.get_site(actor, site_id)
        require_permission(actor, site_id, Permission.ADMINISTER)
    existing = set(
        db.session.scalars(
            select(ChecklistTemplate.key).where(ChecklistTemplate.site_id == site_id)
        )
    )
    created = [
        _builtin_template(site_id, builtin, actor)
        for builtin in BUILTIN_TEMPLATES
        if builtin["key"] not in existing
    ]
    db.session.add_all(created)
    db.session.commit()
    return created


def _builtin_template(
    site_id: uuid.UUID, builtin: BuiltinTemplate, actor: Principal | None
) -> ChecklistTemplate:
    fields: dict[str, Any] = {name: value for name, value in builtin.items() if name != "items"}
    fields["target_kind"] = TargetKind(fields["target_kind"])
    fields["default_frequency"] = Frequency(fields["default_frequency"])
    template = ChecklistTemplate(id=uuid.uuid4(), site_id=site_id, is_builtin=True, **fields)
    # Through the same schema as an admin's items: a broken built-in fails loudly here.
    version = _add_version(template, 1, load_items(copy.deepcopy(builtin["items"])))
    version.status = VersionStatus.PUBLISHED
    version.published_at = utc_now()
    version.published_by_id = actor.user_id if actor else None
    return template


def _add_version(
    template: ChecklistTemplate, number: int, items: list[dict[str, Any]]
) -> ChecklistTemplateVersion:
    version = ChecklistTemplateVersion(
        id=uuid.uuid4(),
        site_id=template.site_id,
        number=number,
        status=VersionStatus.DRAFT,
        items=items,
    )
    template.versions.append(version)
    return version


def _find_version(template: ChecklistTemplate, number: int) -> ChecklistTemplateVersion | None:
    return next((version for version in template.versions if version.number == number), None)


def _require_draft(version: ChecklistTemplateVersion) -> None:
    if version.is_published:
        raise ApiError(
            "template_version_published",
            f"Version {version.number} is published and cannot change; create a new draft.",
            details={"number": version.number},
        )


def _validated_items(items: Any) -> list[dict[str, Any]]:
    """Items checked by the item schema (services may be called without the HTTP layer)."""
    try:
        return load_items(items)
    except ma.ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"items": error.messages}
        raise ApiError(
            "validation_failed", "Some checklist items are invalid.", fields=messages
        ) from error


def _require_unique_key(site_id: uuid.UUID, key: str) -> None:
    statement = select(ChecklistTemplate.id).where(
        ChecklistTemplate.site_id == site_id, ChecklistTemplate.key == key
    )
    if db.session.scalar(statement) is not None:
        raise field_error("already_exists", "key", f"Template key {key!r} is already used here.")


def _require_template_rules(template: dict[str, Any]) -> None:
    """Equipment templates name a category; every_n_days needs interval_days (and only it)."""
    fields: dict[str, list[str]] = {}
    is_equipment = template.get("target_kind") == TargetKind.EQUIPMENT
    if is_equipment and not template.get("equipment_category"):
        fields["equipment_category"] = ["An equipment checklist names its equipment category."]
    elif not is_equipment and template.get("equipment_category") is not None:
        fields["equipment_category"] = ["Only equipment checklists have a category."]
    every_n_days = template.get("default_frequency") == Frequency.EVERY_N_DAYS
    if every_n_days and template.get("interval_days") is None:
        fields["interval_days"] = ["Say every how many days (every_n_days needs it)."]
    elif not every_n_days and template.get("interval_days") is not None:
        fields["interval_days"] = ["interval_days goes only with every_n_days."]
    if fields:
        raise ApiError("validation_failed", "The template's settings do not fit.", fields=fields)
