"""The database-side guard that a published checklist version is never changed or deleted.

Services already refuse such edits with a 409; this hook catches any other code path (a
script, a future service, a shell session), because inspections point at published versions
and must always show the items the inspector actually answered.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect

from server.checklists.models import ChecklistTemplateVersion, VersionStatus
from server.errors import ApiError


def _status_before_this_flush(version: ChecklistTemplateVersion) -> Any:
    history = inspect(version).attrs.status.history
    if history.deleted:
        return history.deleted[0]
    if history.unchanged:
        return history.unchanged[0]
    # Set after an expiry without being loaded: the stored status is the one written now.
    return history.added[0] if history.added else version.status


def _changed_columns(version: ChecklistTemplateVersion) -> list[str]:
    state = inspect(version)
    changed = []
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        # No "deleted" value means the old value was never loaded: count it as a change.
        if history.added and list(history.added) != list(history.deleted):
            changed.append(attr.key)
    return changed


def _published_version_error(version: ChecklistTemplateVersion, action: str) -> ApiError:
    return ApiError(
        "template_version_published",
        f"Version {version.number} is published and cannot be {action}; create a new draft.",
        details={"template_id": str(version.template_id), "number": version.number},
    )


@event.listens_for(ChecklistTemplateVersion, "before_update")
def _refuse_update_of_published_version(mapper: Any, connection: Any, target: Any) -> None:
    if _status_before_this_flush(target) != VersionStatus.PUBLISHED:
        return
    if _changed_columns(target):
        raise _published_version_error(target, "changed")


@event.listens_for(ChecklistTemplateVersion, "before_delete")
def _refuse_delete_of_published_version(mapper: Any, connection: Any, target: Any) -> None:
    if _status_before_this_flush(target) == VersionStatus.PUBLISHED:
        raise _published_version_error(target, "deleted")
