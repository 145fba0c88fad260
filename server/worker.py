"""The RQ worker entry point: create_app(), sweep waiting photos, then work the app's queue."""

from __future__ import annotations

import logging

from flask import Flask
from redis.exceptions import RedisError
from rq import Worker

from server.errors import ApiError
from server.extensions import db
from server.queue import job_queue

log = logging.getLogger(__name__)


def run_worker(app: Flask, *, burst: bool = False) -> None:
    """Work the queue inside the app's context, so jobs can use the database."""
    from server.photos.jobs import sweep_pending_photos

    with app.app_context():
        queue = job_queue(app)
        if queue is None:
            raise ApiError("service_unavailable", "REDIS_URL is not set: jobs run inline.")
        try:
            # Photos stored while Redis was down (or whose job was lost) wait in the database.
            queued = sweep_pending_photos()
            log.info("sweep queued %s waiting photos", queued)
        except RedisError as error:
            log.warning("startup sweep skipped: %s", error)
        # Each job runs in a forked child: it must open its own connections, not share ours.
        db.session.remove()
        db.engine.dispose()
        Worker([queue], connection=queue.connection).work(burst=burst, with_scheduler=True)


def main() -> None:
    """`python -m server.worker`."""
    from server import create_app

    run_worker(create_app())


if __name__ == "__main__":
    main()
