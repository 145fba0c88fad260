"""Whether an inspector's answer to a checklist item is a fail (and so becomes a finding)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

# Answers that mean "not applicable / not answered": never a fail, whatever the item.
_NOT_APPLICABLE = (None, "na", "")


def is_failing_answer(item: Mapping[str, Any], answer_value: object) -> bool:
    """True if answer_value fails the item under its type, fail_when and min/max.

    pass_fail_na fails on 'fail'; yes_no on the answer named by fail_when (True/False are
    read as 'yes'/'no'); a choice when a chosen option key is in fail_when; a number when it
    lies outside min..max. None, '' and 'na' never fail, nor do text and photo items, nor an
    answer of the wrong shape (rejecting that is the validator's job, not this rule's).
    """
    if _is_not_applicable(answer_value):
        return False
    item_type = item["type"]
    if item_type == "pass_fail_na":
        return answer_value == "fail"
    if item_type == "yes_no":
        return _yes_no_fails(item.get("fail_when"), answer_value)
    if item_type == "number":
        return _number_fails(item.get("min"), item.get("max"), answer_value)
    if item_type == "single_choice":
        return isinstance(answer_value, str) and answer_value in (item.get("fail_when") or ())
    if item_type == "multiple_choice":
        return _multiple_choice_fails(item.get("fail_when"), answer_value)
    return False


def _is_not_applicable(answer_value: object) -> bool:
    return isinstance(answer_value, str | type(None)) and answer_value in _NOT_APPLICABLE


def _yes_no_fails(fail_when: object, answer_value: object) -> bool:
    if isinstance(answer_value, bool):
        answer_value = "yes" if answer_value else "no"
    return fail_when is not None and answer_value == fail_when


def _number_fails(minimum: float | None, maximum: float | None, answer_value: object) -> bool:
    # A bool is an int to Python but never a reading.
    if isinstance(answer_value, bool):
        return False
    try:
        reading = float(answer_value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    if math.isnan(reading):
        return False
    return (minimum is not None and reading < minimum) or (
        maximum is not None and reading > maximum
    )


def _multiple_choice_fails(fail_when: object, answer_value: object) -> bool:
    if not isinstance(fail_when, list) or not isinstance(answer_value, list | tuple | set):
        return False
    return any(chosen in fail_when for chosen in answer_value)
