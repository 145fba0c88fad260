"""Site isolation and role checks: the one place every read and write of site data goes through.

Services never filter by site themselves: they call ``visible_select`` to read and
``require_permission`` / ``get_visible`` before they write. A record of a site the user does
not belong to answers "not found", so ids of other hospitals do not even leak their existence.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Select, select

from server.auth.models import Role
from server.errors import ApiError, not_found
from server.extensions import db


class Permission(enum.StrEnum):
    """Things a role may do on a site."""

    READ = "read"
    CAPTURE = "capture"
    REGISTER_ASSET = "register_asset"
    REVIEW = "review"
    ADMINISTER = "administer"


ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.INSPECTOR: frozenset({Permission.READ, Permission.CAPTURE}),
    # Crews may register an unknown asset on the spot (scan flow).
    Role.MAINTENANCE: frozenset({Permission.READ, Permission.CAPTURE, Permission.REGISTER_ASSET}),
    Role.REVIEWER: frozenset({Permission.READ, Permission.REVIEW}),
    Role.SITE_ADMIN: frozenset(Permission),
}


@dataclass(frozen=True)
class Principal:
    """Who is acting: a user, their role on each site, and the device they use."""

    user_id: uuid.UUID
    username: str
    is_super_admin: bool = False
    roles: Mapping[uuid.UUID, Role] = field(default_factory=dict)
    device_id: uuid.UUID | None = None

    @property
    def site_ids(self) -> frozenset[uuid.UUID]:
        """The sites this user belongs to."""
        return frozenset(self.roles)

    def can(self, site_id: uuid.UUID, permission: Permission) -> bool:
        """Whether the user may do ``permission`` on ``site_id``."""
        if self.is_super_admin:
            return True
        role = self.roles.get(site_id)
        return role is not None and permission in ROLE_PERMISSIONS[role]


ModelT = TypeVar("ModelT")


def _site_column(model: Any) -> Any:
    return model.id if model.__tablename__ == "sites" else model.site_id


def visible_select(model: type[ModelT], principal: Principal) -> Select[tuple[ModelT]]:
    """A SELECT of ``model`` limited to the sites the principal belongs to."""
    statement = select(model)
    if principal.is_super_admin:
        return statement
    return statement.where(_site_column(model).in_(principal.site_ids))


def require_permission(principal: Principal, site_id: uuid.UUID, permission: Permission) -> None:
    """Raise unless the principal may do ``permission`` on the site."""
    if principal.is_super_admin:
        # A super admin may act anywhere, but only on sites that exist.
        from server.sites.models import Site

        if db.session.get(Site, site_id) is None:
            raise not_found("Site", site_id)
        return
    if principal.can(site_id, permission):
        return
    if not principal.can(site_id, Permission.READ):
        raise not_found("Site", site_id)
    raise ApiError(
        "forbidden",
        f"Your role on this site does not allow this ({permission.value}).",
    )


def get_visible(
    model: type[ModelT],
    record_id: uuid.UUID,
    principal: Principal,
    permission: Permission = Permission.READ,
) -> ModelT:
    """Load one record the principal may see (and act on), else raise not_found/forbidden."""
    record = db.session.get(model, record_id)
    if record is None or not principal.can(site_of(record), Permission.READ):
        raise not_found(getattr(model, "__name__", "Record"), record_id)
    require_permission(principal, site_of(record), permission)
    return record


def site_of(record: Any) -> uuid.UUID:
    """The site a record belongs to."""
    return record.id if record.__tablename__ == "sites" else record.site_id
