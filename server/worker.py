"""The RQ worker entry point: create_app(), then work the app's queue."""

from __future__ import annotations

from flask import Flask
from rq import Worker

from server.errors import ApiError
from server.queue import job_queue


def run_worker(app: Flask, *, burst: bool = False) -> None:
    """Work the queue inside the app's context, so jobs can use the database."""
    with app.app_context():
        queue = job_queue(app)
        if queue is None:
            raise ApiError("service_unavailable", "REDIS_URL is not set: jobs run inline.")
        Worker([queue], connection=queue.connection).work(burst=burst, with_scheduler=True)


def main() -> None:
    """`python -m server.worker`."""
    from server import create_app

    run_worker(create_app())


if __name__ == "__main__":
    main()
