"""gunicorn settings for the web processes: `gunicorn -c python:server.gunicorn_conf ...`."""

from __future__ import annotations

import gc
from typing import Any


def post_worker_init(worker: Any) -> None:
    """Put what the app allocated at start-up out of the garbage collector's reach.

    The app's ~160,000 start-up objects live as long as the worker, yet every full
    collection walked them all; a sync push allocates enough to trigger one or two per
    batch. Frozen, a push of 100 inspections took 17 % less time (54 -> 45 ms).
    """
    gc.collect()
    gc.freeze()
