"""Built-in checklist templates (Chinese first, then English), copied into each new site.

Pure data and pure functions: no Flask, no database. Each template lives in its own module;
this package collects them in BUILTIN_TEMPLATES and exports is_failing_answer.
"""

from __future__ import annotations

from server.checklists.builtin.aed_emergency_cart import AED_EMERGENCY_CART
from server.checklists.builtin.answers import is_failing_answer
from server.checklists.builtin.bait_station import BAIT_STATION
from server.checklists.builtin.elevator import ELEVATOR
from server.checklists.builtin.fire_extinguisher import FIRE_EXTINGUISHER
from server.checklists.builtin.fire_patrol import FIRE_PATROL
from server.checklists.builtin.items import BuiltinTemplate, ChecklistItem, ChoiceOption
from server.checklists.builtin.oxygen_store import OXYGEN_STORE
from server.checklists.builtin.power_distribution_room import POWER_DISTRIBUTION_ROOM
from server.checklists.builtin.ward_round import WARD_ROUND

BUILTIN_TEMPLATES: tuple[BuiltinTemplate, ...] = (
    WARD_ROUND,
    FIRE_PATROL,
    FIRE_EXTINGUISHER,
    BAIT_STATION,
    ELEVATOR,
    OXYGEN_STORE,
    POWER_DISTRIBUTION_ROOM,
    AED_EMERGENCY_CART,
)


def find_builtin_template(key: str) -> BuiltinTemplate | None:
    """The built-in template with this key, or None."""
    return next((template for template in BUILTIN_TEMPLATES if template["key"] == key), None)


__all__ = [
    "BUILTIN_TEMPLATES",
    "BuiltinTemplate",
    "ChecklistItem",
    "ChoiceOption",
    "find_builtin_template",
    "is_failing_answer",
]
