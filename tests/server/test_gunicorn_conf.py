"""The web processes' garbage-collector settings (server.gunicorn_conf)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from server.gunicorn_conf import YOUNG_GENERATION_THRESHOLD, post_worker_init


@pytest.fixture
def collector_settings_restored() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_a_worker_freezes_its_start_up_objects_and_collects_young_ones_less_often(
    collector_settings_restored: None,
) -> None:
    _, older, oldest = gc.get_threshold()

    post_worker_init(worker=None)

    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (YOUNG_GENERATION_THRESHOLD, older, oldest)
