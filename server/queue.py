"""The RQ job queue, or inline execution when no Redis is configured (`make run`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import Flask, current_app
from redis import Redis
from rq import Queue, Retry, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

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


# A job in one of these states will still run: enqueueing it again would run it twice.
WAITING_OR_RUNNING = frozenset(
    {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}
)


def enqueue_once(
    job: Callable[..., Any],
    *args: Any,
    job_id: str,
    retry_intervals_s: Sequence[int] = (),
) -> bool:
    """Enqueue ``job(*args)`` under a fixed id unless that job is already waiting or running.

    RQ itself would push a second copy of an id that is already queued. A finished or failed
    job of that id is replaced. Returns whether the job was enqueued (or run inline). Raises
    redis.RedisError when Redis is unreachable: the caller decides whether that is fatal.
    """
    queue = job_queue()
    if queue is None:
        job(*args)
        return True
    try:
        existing: Job | None = Job.fetch(job_id, connection=queue.connection)
    except NoSuchJobError:
        existing = None
    if existing is not None:
        if existing.get_status(refresh=False) in WAITING_OR_RUNNING:
            return False
        existing.delete()
    retry = Retry(max=len(retry_intervals_s), interval=list(retry_intervals_s))
    queue.enqueue(
        job,
        *args,
        job_id=job_id,
        failure_ttl=JOB_FAILURE_TTL_S,
        retry=retry if retry_intervals_s else None,
    )
    return True


def job_retries_left() -> int | None:
    """Retries RQ will still make of the running job; None when running inline."""
    job = get_current_job()
    if job is None:
        return None
    return job.retries_left or 0
