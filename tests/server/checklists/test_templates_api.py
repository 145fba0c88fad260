"""The templates API as a site admin drafts, publishes and revises a checklist."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from server.auth.models import Role
from server.checklists.builtin import BUILTIN_TEMPLATES
from tests.factories import bearer_headers, make_site, make_user
from tests.server.checklists.factories import make_item, make_template, make_template_body


def test_create_template_returns_201_with_a_draft_version_1_when_site_admin_sends_it(
    client: FlaskClient,
) -> None:
    site = make_site()
    headers = bearer_headers(make_user(site, Role.SITE_ADMIN))

    response = client.post("/api/templates", json=make_template_body(site), headers=headers)

    assert response.status_code == 201, response.json
    assert response.json["draft_version_number"] == 1
    assert response.json["current_version_number"] is None


def test_get_version_returns_the_items_in_full_when_template_was_created(
    client: FlaskClient,
) -> None:
    site = make_site()
    headers = bearer_headers(make_user(site, Role.SITE_ADMIN))
    body = make_template_body(site, items=[make_item("pressure", item_type="number")])
    template_id = client.post("/api/templates", json=body, headers=headers).json["id"]

    response = client.get(f"/api/templates/{template_id}/versions/1", headers=headers)

    assert response.status_code == 200
    assert response.json["status"] == "draft"
    assert response.json["items"] == body["items"]


def test_publish_version_makes_it_current_when_site_admin_publishes_the_draft(
    client: FlaskClient,
) -> None:
    site = make_site()
    admin = make_user(site, Role.SITE_ADMIN)
    headers = bearer_headers(admin)
    template_id = client.post(
        "/api/templates", json=make_template_body(site), headers=headers
    ).json["id"]

    response = client.post(f"/api/templates/{template_id}/versions/1/publish", headers=headers)

    assert response.status_code == 200, response.json
    assert response.json["status"] == "published"
    assert response.json["published_by_id"] == str(admin.id)
    template = client.get(f"/api/templates/{template_id}", headers=headers).json
    assert (template["current_version_number"], template["draft_version_number"]) == (1, None)


def test_update_version_returns_409_when_the_version_is_published(client: FlaskClient) -> None:
    site = make_site()
    template = make_template(site)
    headers = bearer_headers(make_user(site, Role.SITE_ADMIN))

    response = client.patch(
        f"/api/templates/{template.id}/versions/1",
        json={"items": [make_item("walls_dust_free")]},
        headers=headers,
    )

    assert response.status_code == 409
    assert response.json["code"] == "template_version_published"


def test_publish_version_returns_409_when_the_version_is_already_published(
    client: FlaskClient,
) -> None:
    site = make_site()
    template = make_template(site)
    headers = bearer_headers(make_user(site, Role.SITE_ADMIN))

    response = client.post(f"/api/templates/{template.id}/versions/1/publish", headers=headers)

    assert response.status_code == 409
    assert response.json["code"] == "template_version_published"


def test_update_version_replaces_the_items_when_the_version_is_a_draft(
    client: FlaskClient,
) -> None:
    site = make_site()
    template = make_template(site, is_published=False)
    headers = bearer_headers(make_user(site, Role.SITE_ADMIN))
    items = [make_item("walls_dust_free"), make_item("exit_clear", item_type="yes_no")]

    response = client.patch(
        f"/api/templates/{template.id}/versions/1", json={"items": items}, headers=headers
    )

    assert response.status_code == 200, response.json
    assert [item["key"] for item in response.json["items"]] == ["walls_dust_free", "exit_clear"]


def test_update_version_returns_422_naming_the_item_field_when_an_item_is_invalid(
    client: FlaskClient,
) -> None:
    site = make_site()
    template = make_template(site, is_published=False)
    headers = bearer_headers(make_user(site, Role.SITE_ADMIN))
    items = [make_item("floor_clean"), make_item("pressure", item_type="number", unit=None)]

    response = client.patch(
        f"/api/templates/{template.id}/versions/1", json={"items": items}, headers=headers
    )

    assert response.status_code == 422
    assert response.json["code"] == "validation_failed"
    assert list(response.json["fields"]) == ["items.1.unit"]


def test_create_version_returns_number_2_with_a_copy_of_the_items_when_1_is_published(
    client: FlaskClient,
) -> None:
    site = make_site()
    template = make_template(site, items=[make_item("floor_clean")])
    headers = bearer_headers(make_user(site, Role.SITE_ADMIN))

    response = client.post(f"/api/templates/{template.id}/versions", headers=headers)

    assert response.status_code == 201, response.json
    assert (response.json["number"], response.json["status"]) == (2, "draft")
    assert [item["key"] for item in response.json["items"]] == ["floor_clean"]


def test_create_version_returns_409_with_the_draft_number_when_a_draft_exists(
    client: FlaskClient,
) -> None:
    site = make_site()
    template = make_template(site, is_published=False)
    headers = bearer_headers(make_user(site, Role.SITE_ADMIN))

    response = client.post(f"/api/templates/{template.id}/versions", headers=headers)

    assert response.status_code == 409
    assert response.json["code"] == "conflict"
    assert response.json["details"]["draft_number"] == 1


def test_create_template_returns_409_when_the_key_is_used_on_the_site(
    client: FlaskClient,
) -> None:
    site = make_site()
    make_template(site, key="ward_round")
    headers = bearer_headers(make_user(site, Role.SITE_ADMIN))

    response = client.post(
        "/api/templates", json=make_template_body(site, key="ward_round"), headers=headers
    )

    assert response.status_code == 409
    assert response.json["fields"].keys() == {"key"}


@pytest.mark.parametrize(
    ("fields", "field_at_fault"),
    [
        # Equipment checklists name their category, and only they do.
        ({"target_kind": "equipment"}, "equipment_category"),
        ({"equipment_category": "elevator"}, "equipment_category"),
        # every_n_days needs interval_days, and only it.
        ({"default_frequency": "every_n_days"}, "interval_days"),
        ({"interval_days": 3}, "interval_days"),
        ({"key": "Ward Round"}, "key"),
        ({"items": []}, "items"),
        ({"items": [make_item("a_b"), make_item("a_b")]}, "items"),
    ],
)
def test_create_template_returns_422_naming_the_field_when_settings_do_not_fit(
    client: FlaskClient, fields: dict, field_at_fault: str
) -> None:
    site = make_site()
    headers = bearer_headers(make_user(site, Role.SITE_ADMIN))

    response = client.post(
        "/api/templates", json=make_template_body(site, **fields), headers=headers
    )

    assert response.status_code == 422
    assert list(response.json["fields"]) == [field_at_fault]


def test_update_template_renames_it_when_site_admin_sends_new_names(client: FlaskClient) -> None:
    site = make_site()
    template = make_template(site)
    headers = bearer_headers(make_user(site, Role.SITE_ADMIN))

    response = client.patch(
        f"/api/templates/{template.id}",
        json={"name_zh": "科室月度自查", "default_frequency": "monthly"},
        headers=headers,
    )

    assert response.status_code == 200, response.json
    assert (response.json["name_zh"], response.json["default_frequency"]) == (
        "科室月度自查",
        "monthly",
    )


def test_update_template_returns_422_when_every_n_days_comes_without_interval(
    client: FlaskClient,
) -> None:
    site = make_site()
    template = make_template(site)
    headers = bearer_headers(make_user(site, Role.SITE_ADMIN))

    response = client.patch(
        f"/api/templates/{template.id}", json={"default_frequency": "every_n_days"}, headers=headers
    )

    assert response.status_code == 422
    assert list(response.json["fields"]) == ["interval_days"]


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.REVIEWER, Role.MAINTENANCE])
def test_create_template_returns_403_when_user_is_not_a_site_admin(
    client: FlaskClient, role: Role
) -> None:
    site = make_site()
    headers = bearer_headers(make_user(site, role))

    response = client.post("/api/templates", json=make_template_body(site), headers=headers)

    assert response.status_code == 403
    assert response.json["code"] == "forbidden"


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.REVIEWER])
def test_publish_version_returns_403_when_user_is_not_a_site_admin(
    client: FlaskClient, role: Role
) -> None:
    site = make_site()
    template = make_template(site, is_published=False)
    headers = bearer_headers(make_user(site, role))

    response = client.post(f"/api/templates/{template.id}/versions/1/publish", headers=headers)

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/templates/{id}"),
        ("patch", "/api/templates/{id}"),
        ("get", "/api/templates/{id}/versions"),
        ("post", "/api/templates/{id}/versions"),
        ("get", "/api/templates/{id}/versions/1"),
        ("post", "/api/templates/{id}/versions/1/publish"),
    ],
)
def test_template_routes_return_404_when_template_belongs_to_another_site(
    client: FlaskClient, method: str, path: str
) -> None:
    template = make_template(make_site(), is_published=False)
    other_site = make_site()
    headers = bearer_headers(make_user(other_site, Role.SITE_ADMIN))

    response = getattr(client, method)(
        path.format(id=template.id), json={"name_zh": "改名"}, headers=headers
    )

    assert response.status_code == 404
    assert response.json["code"] == "not_found"


def test_list_templates_shows_only_own_site_templates_when_several_sites_have_some(
    client: FlaskClient,
) -> None:
    site = make_site()
    own = make_template(site)
    make_template(make_site())
    headers = bearer_headers(make_user(site, Role.INSPECTOR))

    response = client.get("/api/templates", headers=headers)

    assert [template["id"] for template in response.json] == [str(own.id)]


def test_get_version_returns_404_when_the_number_does_not_exist(client: FlaskClient) -> None:
    site = make_site()
    template = make_template(site)
    headers = bearer_headers(make_user(site, Role.INSPECTOR))

    response = client.get(f"/api/templates/{template.id}/versions/7", headers=headers)

    assert response.status_code == 404


def test_install_builtin_returns_every_builtin_template_when_site_admin_calls_it(
    client: FlaskClient,
) -> None:
    site = make_site()
    headers = bearer_headers(make_user(site, Role.SITE_ADMIN))

    response = client.post(f"/api/sites/{site.id}/templates/install-builtin", headers=headers)

    assert response.status_code == 200, response.json
    assert {template["key"] for template in response.json} == {
        builtin["key"] for builtin in BUILTIN_TEMPLATES
    }
    assert {template["current_version_number"] for template in response.json} == {1}


@pytest.mark.parametrize(
    ("role", "status"), [(Role.INSPECTOR, 403), (Role.REVIEWER, 403), (None, 404)]
)
def test_install_builtin_is_refused_when_user_is_not_a_site_admin_there(
    client: FlaskClient, role: Role | None, status: int
) -> None:
    site = make_site()
    user = make_user(site, role) if role else make_user(make_site(), Role.SITE_ADMIN)

    response = client.post(
        f"/api/sites/{site.id}/templates/install-builtin", headers=bearer_headers(user)
    )

    assert response.status_code == status
