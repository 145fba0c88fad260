"""Another phone (or the office) that changes records through the sync API, not through the app."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any

from tests.pwa.phone import api_token


@dataclass
class OtherDevice:
    """A device of a signed-in user with its own clock, pushing changes as a phone would."""

    base_url: str
    token: str
    device_id: str = field(default_factory=lambda: f"other-{uuid.uuid4().hex[:8]}")
    counter: int = 0

    @classmethod
    def signed_in(cls, base_url: str, username: str) -> OtherDevice:
        """A new device of `username`."""
        return cls(base_url, api_token(base_url, username))

    def hlc(self, wall_ms: int | None = None) -> str:
        """The next clock reading of this device (docs/sync-protocol.md, HLC)."""
        self.counter += 1
        wall = wall_ms if wall_ms is not None else int(time.time() * 1000)
        return f"{wall:018d}-{self.counter:04d}-{self.device_id}"

    def push(
        self,
        record_type: str,
        record_id: str,
        op: str,
        fields: dict[str, Any],
        *,
        base_version: int | None = None,
    ) -> dict[str, Any]:
        """Push one change; the server's result for it."""
        [result] = self.push_batch([(record_type, record_id, op, fields, base_version)])
        return result

    def push_batch(
        self, changes: list[tuple[str, str, str, dict[str, Any], int | None]]
    ) -> list[dict[str, Any]]:
        """Push (record_type, record_id, op, fields, base_version) changes in one batch."""
        now_ms = int(time.time() * 1000)
        body = {
            "protocol_version": 1,
            "device_id": self.device_id,
            "device_now_ms": now_ms,
            "changes": [
                {
                    "change_id": str(uuid.uuid4()),
                    "record_type": record_type,
                    "record_id": record_id,
                    "op": op,
                    "fields": fields,
                    "hlc": self.hlc(now_ms),
                    "base_version": base_version,
                    "observed_at": now_ms,
                }
                for record_type, record_id, op, fields, base_version in changes
            ],
        }
        request = urllib.request.Request(
            f"{self.base_url}/api/sync/push",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=20) as response:
            return [dict(result) for result in json.load(response)["results"]]

    def raise_finding(self, **fields: Any) -> dict[str, Any]:
        """Create an open finding with these fields; the record the server stored."""
        result = self.push("finding", str(uuid.uuid4()), "create", {"status": "open", **fields})
        assert result["status"] == "applied", result
        return dict(result["record"])
