"""A simulated phone for sync tests: an HLC, an outbox of changes, push and pull."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from typing import Any

from flask.testing import FlaskClient

from server.auth.models import User
from server.sites.models import Location
from sync.hlc import Hlc
from tests.factories import bearer_headers

BASE_MS = 1_732_400_000_000
_devices = itertools.count(1)


@dataclass
class Phone:
    """A device of one user that builds changes with its own clock and pushes them."""

    client: FlaskClient
    user: User
    clock_ms: int = BASE_MS
    device_id: str = field(default_factory=lambda: f"phone-{next(_devices)}")
    counter: int = 0
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.headers = bearer_headers(self.user)

    def hlc(self, wall_ms: int | None = None) -> str:
        self.counter += 1
        return Hlc(wall_ms or self.clock_ms, self.counter, self.device_id).encode()

    def change(
        self,
        op: str,
        record_type: str,
        record_id: str,
        fields: dict[str, Any],
        *,
        wall_ms: int | None = None,
        base_version: int | None = None,
        observed_at: int | None = None,
    ) -> dict[str, Any]:
        return {
            "change_id": str(uuid.uuid4()),
            "record_type": record_type,
            "record_id": record_id,
            "op": op,
            "fields": fields,
            "hlc": self.hlc(wall_ms),
            "base_version": base_version,
            "observed_at": observed_at,
        }

    def push(
        self, changes: list[dict[str, Any]], *, device_now_ms: int | None = None, version: int = 1
    ) -> Any:
        body = {
            "protocol_version": version,
            "device_id": self.device_id,
            "device_now_ms": device_now_ms if device_now_ms is not None else self.clock_ms,
            "changes": changes,
        }
        return self.client.post("/api/sync/push", json=body, headers=self.headers)

    def pull(self, cursor: str | None = None, limit: int = 200, **params: Any) -> Any:
        query: dict[str, Any] = {"limit": limit, **params}
        if cursor:
            query["cursor"] = cursor
        return self.client.get("/api/sync/pull", query_string=query, headers=self.headers)


def inspection_fields(
    location: Location, template_version_id: uuid.UUID, finished_at: int = BASE_MS, **extra: Any
) -> dict[str, Any]:
    """The fields of a submitted ward-round inspection of ``location`` that passed."""
    return {
        "site_id": str(location.site_id),
        "template_version_id": str(template_version_id),
        "location_id": str(location.id),
        "started_at": finished_at - 60_000,
        "finished_at": finished_at,
        "answers": {"in_place": {"value": "pass"}, "gauge_green": {"value": "pass"}},
        **extra,
    }


def finding_fields(location: Location, **extra: Any) -> dict[str, Any]:
    """The fields of a new finding at ``location``."""
    return {
        "site_id": str(location.site_id),
        "location_id": str(location.id),
        "department_id": str(location.department_id),
        "title": "窗台积灰",
        "severity": "medium",
        "status": "open",
        **extra,
    }


def statuses(response: Any) -> list[tuple[str, str | None]]:
    """(status, code) of each result of a push response."""
    return [(result["status"], result["code"]) for result in response.get_json()["results"]]
