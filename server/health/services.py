"""Checks of the services Roundbook depends on."""

from __future__ import annotations

from typing import Any

from redis.exceptions import RedisError
from rq import Worker
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from server.extensions import db
from server.photos.services import count_photos_by_status
from server.queue import job_queue, redis_connection


def database_health() -> dict[str, Any]:
    """Whether the database answers, and which kind it is."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        return {"ok": False, "backend": db.engine.dialect.name, "error": type(error).__name__}
    return {"ok": True, "backend": db.engine.dialect.name}


def queue_health() -> dict[str, Any]:
    """Redis reachability, workers listening, and the queue's backlog and failures."""
    connection = redis_connection()
    if connection is None:
        return {"ok": True, "mode": "inline", "redis": "not configured", "workers": 0}
    try:
        connection.ping()
        queue = job_queue()
        assert queue is not None
        workers = Worker.all(queue=queue)
        return {
            "ok": True,
            "mode": "rq",
            "redis": "up",
            "workers": len(workers),
            "queued_jobs": queue.count,
            "failed_jobs": queue.failed_job_registry.count,
        }
    except RedisError as error:
        return {"ok": False, "mode": "rq", "redis": "down", "error": type(error).__name__}


def photo_health() -> dict[str, Any]:
    """Photos waiting to be processed and photos whose processing failed for good."""
    try:
        counts = count_photos_by_status()
    except SQLAlchemyError as error:
        db.session.rollback()
        return {"ok": False, "error": type(error).__name__}
    # A failed photo needs an admin (GET /api/photos/failed), but the service still works.
    return {"ok": True, "waiting": counts["stored"], "failed": counts["failed"]}


def overall_health() -> dict[str, Any]:
    """The health report served at /api/health."""
    database = database_health()
    queue = queue_health()
    # Photos wait in the database when Redis is down, so only the database makes us unhealthy.
    status = "ok" if database["ok"] and queue["ok"] else ("degraded" if database["ok"] else "down")
    return {"status": status, "database": database, "queue": queue, "photos": photo_health()}
