"""The start page a newcomer sees after `make run`."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_start_page_links_field_app_docs_and_health_when_opened(client: FlaskClient) -> None:
    response = client.get("/")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'lang="zh-CN"' in page
    for link in ('href="/app/"', 'href="/api/docs"', 'href="/api/health"'):
        assert link in page
