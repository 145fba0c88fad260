"""Factories that put realistic records in the test database (one call, sensible defaults)."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from server.auth.models import Role, User
from server.auth.services import create_user, grant_membership, register_device
from server.extensions import db
from server.sites.models import Building, Department, Floor, Location, LocationKind, Site

DEFAULT_PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


def _next() -> int:
    return next(_sequence)


def make_site(code: str | None = None, **fields: Any) -> Site:
    """A hospital with a unique code."""
    n = _next()
    site = Site(
        id=uuid.uuid4(),
        code=code or f"H{n}",
        name_zh=fields.pop("name_zh", f"第{n}人民医院"),
        name_en=fields.pop("name_en", f"People's Hospital No. {n}"),
        **fields,
    )
    db.session.add(site)
    db.session.commit()
    return site


def make_department(site: Site, code: str | None = None) -> Department:
    """A department of the site."""
    n = _next()
    department = Department(
        id=uuid.uuid4(),
        site_id=site.id,
        code=code or f"D{n}",
        name_zh=f"科室{n}",
        name_en=f"Department {n}",
    )
    db.session.add(department)
    db.session.commit()
    return department


def make_floor(site: Site, level: int = 1) -> Floor:
    """A floor at ``level`` of a new building of the site."""
    n = _next()
    building = Building(
        id=uuid.uuid4(), site_id=site.id, code=f"B{n}", name_zh=f"{n}号楼", name_en=f"Block {n}"
    )
    floor = Floor(
        id=uuid.uuid4(),
        site_id=site.id,
        level=level,
        name_zh=f"{level}层",
        name_en=f"Level {level}",
    )
    building.floors.append(floor)
    db.session.add(building)
    db.session.commit()
    return floor


def make_location(
    site: Site,
    kind: LocationKind = LocationKind.WARD,
    *,
    floor: Floor | None = None,
    department: Department | None = None,
    code: str | None = None,
) -> Location:
    """A location of the site, on a new floor and department unless given."""
    n = _next()
    location = Location(
        id=uuid.uuid4(),
        site_id=site.id,
        floor_id=(floor or make_floor(site)).id,
        department_id=(department or make_department(site)).id,
        code=code or f"L{n}",
        name_zh=f"病区{n}",
        name_en=f"Ward {n}",
        kind=kind,
    )
    db.session.add(location)
    db.session.commit()
    return location


def make_user(
    site: Site | None = None,
    role: Role = Role.INSPECTOR,
    *,
    username: str | None = None,
    is_super_admin: bool = False,
    password: str = DEFAULT_PASSWORD,
) -> User:
    """A user, with ``role`` on ``site`` when a site is given."""
    user = create_user(
        None,
        username=username or f"user{_next()}",
        password=password,
        display_name="测试用户",
        is_super_admin=is_super_admin,
    )
    if site is not None:
        grant_membership(None, user, site.id, role)
    db.session.commit()
    return user


def bearer_headers(user: User) -> dict[str, str]:
    """Authorization headers of a phone signed in as ``user``."""
    grant = register_device(user, "test phone")
    return {"Authorization": f"Bearer {grant.access_token}"}
