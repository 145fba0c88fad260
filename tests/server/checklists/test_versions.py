"""Versions through the services: numbering, immutability down to the ORM, built-ins."""

from __future__ import annotations

import copy

import pytest
from flask import Flask
from sqlalchemy import func, select

from server.auth.models import Role
from server.checklists import services
from server.checklists.builtin import BUILTIN_TEMPLATES
from server.checklists.models import ChecklistTemplate, ChecklistTemplateVersion
from server.errors import ApiError
from server.extensions import db
from tests.factories import make_site, make_user
from tests.server.checklists.factories import make_item, make_template, principal_of


def test_update_draft_items_leaves_version_1_unchanged_when_draft_2_is_edited(app: Flask) -> None:
    site = make_site()
    admin = principal_of(make_user(site, Role.SITE_ADMIN))
    template = make_template(site, items=[make_item("floor_clean")])
    services.create_draft_version(admin, template.id)

    services.update_draft_items(admin, template.id, 2, [make_item("walls_dust_free")])

    db.session.expire_all()
    version_1 = services.get_version(admin, template.id, 1)
    assert [item["key"] for item in version_1.items] == ["floor_clean"]


def test_current_published_version_is_the_latest_published_when_several_are(app: Flask) -> None:
    site = make_site()
    admin = principal_of(make_user(site, Role.SITE_ADMIN))
    template = make_template(site)
    services.create_draft_version(admin, template.id)
    services.publish_version(admin, template.id, 2)
    services.create_draft_version(admin, template.id)

    current = services.current_published_version(services.get_template(admin, template.id))

    assert current is not None
    assert current.number == 2


def test_current_published_version_is_none_when_only_a_draft_exists(app: Flask) -> None:
    template = make_template(make_site(), is_published=False)

    assert services.current_published_version(template) is None


def test_orm_guard_refuses_to_flush_when_a_published_version_gets_new_items(app: Flask) -> None:
    template = make_template(make_site())
    version = template.versions[0]

    version.items = [make_item("walls_dust_free")]

    with pytest.raises(ApiError) as raised:
        db.session.commit()
    assert raised.value.code == "template_version_published"


def test_orm_guard_refuses_to_flush_when_a_published_version_is_reopened(app: Flask) -> None:
    template = make_template(make_site())
    version = template.versions[0]

    version.status = "draft"

    with pytest.raises(ApiError):
        db.session.commit()


def test_orm_guard_refuses_to_flush_when_a_published_version_is_deleted(app: Flask) -> None:
    template = make_template(make_site())

    db.session.delete(template.versions[0])

    with pytest.raises(ApiError):
        db.session.commit()


def test_orm_guard_leaves_the_stored_items_alone_when_it_refuses(app: Flask) -> None:
    template = make_template(make_site(), items=[make_item("floor_clean")])
    version_id = template.versions[0].id
    template.versions[0].items = [make_item("walls_dust_free")]
    with pytest.raises(ApiError):
        db.session.commit()

    db.session.rollback()

    stored = db.session.scalar(
        select(ChecklistTemplateVersion.items).where(ChecklistTemplateVersion.id == version_id)
    )
    assert [item["key"] for item in stored] == ["floor_clean"]


def test_orm_guard_allows_the_change_when_the_version_is_a_draft(app: Flask) -> None:
    template = make_template(make_site(), is_published=False)

    template.versions[0].items = [make_item("walls_dust_free")]
    db.session.commit()

    db.session.expire_all()
    assert template.versions[0].items[0]["key"] == "walls_dust_free"


def test_install_builtin_templates_creates_each_builtin_published_when_site_is_new(
    app: Flask,
) -> None:
    site = make_site()

    created = services.install_builtin_templates(site.id)

    assert sorted(template.key for template in created) == sorted(
        builtin["key"] for builtin in BUILTIN_TEMPLATES
    )
    for template in created:
        builtin = next(b for b in BUILTIN_TEMPLATES if b["key"] == template.key)
        (version,) = template.versions
        assert (version.number, version.is_published, template.is_builtin) == (1, True, True)
        assert version.items == builtin["items"]
        assert template.name_zh == builtin["name_zh"]


def test_install_builtin_templates_creates_nothing_when_run_a_second_time(app: Flask) -> None:
    site = make_site()
    services.install_builtin_templates(site.id)

    created = services.install_builtin_templates(site.id)

    assert created == []
    count = db.session.scalar(
        select(func.count(ChecklistTemplate.id)).where(ChecklistTemplate.site_id == site.id)
    )
    assert count == len(BUILTIN_TEMPLATES)


def test_install_builtin_templates_skips_a_key_when_the_site_already_has_it(app: Flask) -> None:
    site = make_site()
    own = make_template(site, key="ward_round")

    created = services.install_builtin_templates(site.id)

    assert "ward_round" not in {template.key for template in created}
    assert len(created) == len(BUILTIN_TEMPLATES) - 1
    db.session.expire_all()
    assert (own.is_builtin, [item["key"] for item in own.versions[0].items]) == (
        False,
        ["floor_clean"],
    )


def test_install_builtin_templates_leaves_the_builtin_definitions_intact_when_run_twice(
    app: Flask,
) -> None:
    builtins_before = copy.deepcopy(BUILTIN_TEMPLATES)
    first, second = make_site(), make_site()

    services.install_builtin_templates(first.id)
    services.install_builtin_templates(second.id)

    assert builtins_before == BUILTIN_TEMPLATES


def test_install_builtin_templates_records_the_admin_as_publisher_when_an_admin_runs_it(
    app: Flask,
) -> None:
    site = make_site()
    admin = make_user(site, Role.SITE_ADMIN)

    created = services.install_builtin_templates(site.id, principal_of(admin))

    assert {template.versions[0].published_by_id for template in created} == {admin.id}
