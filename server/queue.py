"""The RQ job queue, or inline execution when no Redis is configured (`make run`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from redis import Redis
from rq import Queue

JOB_FAILURE_TTL_S = 7 * 24 * 3600  # RQ keeps failed jobs a year by default: far too long


def redis_connection(app: Flask | None = None) -> Redis | None:
    """The app's Redis connection, or None when REDIS_URL is empty."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    connection = app.extensions.get("roundbook_redis")
    if connection is None:
        connection = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        app.extensions["roundbook_redis"] = connection
    return connection


def job_queue(app: Flask | None = None) -> Queue | None:
    """The app's RQ queue, or None when jobs run inline."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    connection = redis_connection(app)
    if connection is None:
        return None
    return Queue(app.config["RQ_QUEUE_NAME"], connection=connection)


def enqueue(job: Callable[..., Any], *args: Any, job_id: str | None = None) -> None:
    """Run ``job(*args)`` on a worker, or right now when there is no Redis."""
    queue = job_queue()
    if queue is None:
        job(*args)
        return
    queue.enqueue(job, *args, job_id=job_id, failure_ttl=JOB_FAILURE_TTL_S)
