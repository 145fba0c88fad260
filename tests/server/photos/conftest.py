"""Fixtures shared by the photo tests: a site, its people, and the app with jobs on Redis."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import redis
from flask import Flask

from server.auth.models import Role
from server.config import TestConfig
from server.sites.models import Site
from tests.factories import bearer_headers, make_site, make_user


@pytest.fixture
def site(app: Flask) -> Site:
    """The hospital the photos belong to."""
    return make_site()


@pytest.fixture
def inspector_headers(site: Site) -> dict[str, str]:
    """A signed-in inspector of the site."""
    return bearer_headers(make_user(site, Role.INSPECTOR))


@pytest.fixture
def admin_headers(site: Site) -> dict[str, str]:
    """A signed-in site admin of the site."""
    return bearer_headers(make_user(site, Role.SITE_ADMIN))


@pytest.fixture
def redis_app(configured_app: Callable[..., Flask], redis_client: redis.Redis) -> Flask:
    """The app with jobs on the real test Redis, retrying failed jobs at once."""
    return configured_app(REDIS_URL=TestConfig.REDIS_TEST_URL, PHOTO_JOB_RETRY_INTERVALS_S=(0, 0))
