"""Checklist items: the schema of one item, and checks of an inspector's answers against them.

An item is a plain dict stored in a version's ``items`` JSON (the same shape as the built-in
templates in ``server.checklists.builtin``). A published version never changes, so answers
synced months later are still checked against the items the inspector actually saw.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import marshmallow as ma
from marshmallow import validate

from server.checklists.builtin import is_failing_answer

ITEM_TYPES = (
    "pass_fail_na",
    "yes_no",
    "number",
    "single_choice",
    "multiple_choice",
    "text",
    "photo",
)
CHOICE_TYPES = frozenset({"single_choice", "multiple_choice"})
EVIDENCE_KINDS = ("none", "note", "photo", "note_or_photo")
SEVERITIES = ("low", "medium", "high", "critical")
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
MAX_ITEMS = 200
MAX_TEXT_ANSWER_CHARS = 5000
# Values that mean "not applicable" for every item type (see is_failing_answer).
NOT_APPLICABLE = (None, "na")
ANSWER_FIELDS = frozenset({"value", "note", "photo_sha256s"})
# What AnswerChecker.check finds for an item the answers leave out (None is "not applicable").
_UNANSWERED = object()


def _snake_case_key() -> ma.fields.String:
    return ma.fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=64),
            validate.Regexp(SNAKE_CASE, error="Use snake_case: lower-case letters, digits, _."),
        ],
    )


def _label() -> ma.fields.String:
    return ma.fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=500),
            validate.Regexp(r"\S", error="Write a label, not just spaces."),
        ],
    )


def _optional_text(max_length: int) -> ma.fields.String:
    return ma.fields.String(load_default="", validate=validate.Length(max=max_length))


class ChoiceOptionSchema(ma.Schema):
    """One option of a single or multiple choice item."""

    key = _snake_case_key()
    label_zh = _label()
    label_en = _label()


class ChecklistItemSchema(ma.Schema):
    """One question of a checklist, with what makes an answer a fail."""

    key = _snake_case_key()
    group_zh = _optional_text(200)
    group_en = _optional_text(200)
    label_zh = _label()
    label_en = _label()
    help_zh = _optional_text(2000)
    help_en = _optional_text(2000)
    type = ma.fields.String(required=True, validate=validate.OneOf(ITEM_TYPES))
    unit = ma.fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=32)
    )
    min = ma.fields.Float(load_default=None, allow_none=True, allow_nan=False)
    max = ma.fields.Float(load_default=None, allow_none=True, allow_nan=False)
    options = ma.fields.List(
        ma.fields.Nested(ChoiceOptionSchema), load_default=list, validate=validate.Length(max=50)
    )
    fail_when = ma.fields.Raw(
        load_default=None,
        allow_none=True,
        metadata={"description": "yes_no: 'yes' or 'no'; choices: option keys; else null"},
    )
    evidence_on_fail = ma.fields.String(
        load_default="note_or_photo", validate=validate.OneOf(EVIDENCE_KINDS)
    )
    fail_severity = ma.fields.String(load_default="medium", validate=validate.OneOf(SEVERITIES))

    @ma.validates_schema
    def _fields_fit_the_type(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors = {
            **_bilingual_pair_errors(data, "group"),
            **_bilingual_pair_errors(data, "help"),
            **_number_errors(data),
            **_options_errors(data),
            **_fail_when_errors(data),
        }
        if errors:
            raise ma.ValidationError(errors)


def _bilingual_pair_errors(item: Mapping[str, Any], name: str) -> dict[str, list[str]]:
    # Chinese first, but never one language only: the back office switches languages.
    if bool(item.get(f"{name}_zh")) == bool(item.get(f"{name}_en")):
        return {}
    missing = f"{name}_en" if item.get(f"{name}_zh") else f"{name}_zh"
    return {missing: [f"Give {name} in both languages or in neither."]}


def _number_errors(item: Mapping[str, Any]) -> dict[str, list[str]]:
    if item["type"] != "number":
        return {
            name: ["Only number items have a unit, min or max."]
            for name in ("unit", "min", "max")
            if item.get(name) is not None
        }
    if not item.get("unit"):
        return {"unit": ["A number item needs a unit (for example MPa, kg, °C)."]}
    minimum, maximum = item.get("min"), item.get("max")
    if minimum is not None and maximum is not None and minimum > maximum:
        return {"max": ["max must not be below min."]}
    return {}


def _options_errors(item: Mapping[str, Any]) -> dict[str, list[str]]:
    options = item.get("options") or []
    if item["type"] not in CHOICE_TYPES:
        return {"options": ["Only choice items have options."]} if options else {}
    keys = [option["key"] for option in options]
    if len(keys) < 2:
        return {"options": ["A choice item needs at least two options."]}
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        return {"options": [f"Option keys must be unique: {', '.join(duplicates)}."]}
    return {}


def _fail_when_errors(item: Mapping[str, Any]) -> dict[str, list[str]]:
    fail_when, item_type = item.get("fail_when"), item["type"]
    if fail_when is None:
        return {}
    if item_type == "yes_no":
        ok = fail_when in ("yes", "no")
        return {} if ok else {"fail_when": ["Use 'yes', 'no' or null for a yes/no item."]}
    if item_type in CHOICE_TYPES:
        return _choice_fail_when_errors(fail_when, item.get("options") or [])
    return {"fail_when": [f"A {item_type} item takes no fail_when."]}


def _choice_fail_when_errors(fail_when: Any, options: Sequence[Any]) -> dict[str, list[str]]:
    if not isinstance(fail_when, list) or not all(isinstance(key, str) for key in fail_when):
        return {"fail_when": ["Use a list of option keys, or null."]}
    unknown = sorted(set(fail_when) - {option["key"] for option in options})
    if unknown:
        return {"fail_when": [f"Not an option of this item: {', '.join(unknown)}."]}
    return {}


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Nested marshmallow messages as {"items.2.unit": [...]}, so a form can point at the field."""
    if isinstance(messages, list) and all(isinstance(message, str) for message in messages):
        return {prefix or "_schema": messages}
    if not isinstance(messages, Mapping):
        return {prefix or "_schema": [str(messages)]}
    flat: dict[str, list[str]] = {}
    for name, inner in messages.items():
        flat.update(flatten_messages(inner, f"{prefix}.{name}" if prefix else str(name)))
    return flat


class ChecklistItemsSchema(ma.Schema):
    """A version's list of items: each item valid, and item keys unique within the version."""

    items = ma.fields.List(
        ma.fields.Nested(ChecklistItemSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_ITEMS),
    )

    @ma.validates_schema
    def _item_keys_are_unique(self, data: dict[str, Any], **kwargs: Any) -> None:
        keys = [item["key"] for item in data.get("items") or []]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            # Answers are keyed by item key: two items with one key could not both be answered.
            raise ma.ValidationError(
                f"Item keys must be unique in a version: {', '.join(duplicates)}.", "items"
            )

    def handle_error(self, error: ma.ValidationError, data: Any, **kwargs: Any) -> None:
        """Name the item field at fault as ``items.<index>.<field>``."""
        raise ma.ValidationError(flatten_messages(error.messages)) from error


def load_items(items: Any) -> list[dict[str, Any]]:
    """Validate and normalise a list of items (every key filled); raises ValidationError."""
    loaded: dict[str, Any] = ChecklistItemsSchema().load({"items": items})
    return list(loaded["items"])


# ---------------------------------------------------------------------------------------------
# Answers


@dataclass(frozen=True)
class AnswerCheck:
    """Submitted answers checked against a version's items, in one pass over them."""

    errors: dict[str, list[str]]  # {item_key: [errors]}; empty when the answers are acceptable
    failing_keys: list[str]  # the items whose answer is a fail, in checklist order
    # The photos the acceptable answers name (lower-case SHA-256s, checked), in item order.
    photo_sha256s: list[str] = field(default_factory=list)


def validate_answers(
    items: Sequence[Mapping[str, Any]],
    answers: Any,
    *,
    allow_missing: bool = False,
) -> dict[str, list[str]]:
    """Check submitted answers against a version's items; returns {item_key: [errors]}.

    ``answers`` is ``{item_key: {"value": ..., "note": str | None, "photo_sha256s": [...]}}``.
    A value of None or 'na' means "not applicable" for every item type. Numbers outside the
    item's min..max are accepted (they are a fail, not an error). A failing answer without the
    evidence the item asks for is an error. Every item that can be answered must be present
    (send 'na' rather than leave it out) unless ``allow_missing``; text and photo items are
    always optional. An empty result means the answers are acceptable.
    """
    return check_answers(items, answers, allow_missing=allow_missing).errors


def check_answers(
    items: Sequence[Mapping[str, Any]],
    answers: Any,
    *,
    allow_missing: bool = False,
) -> AnswerCheck:
    """validate_answers, and which items the answers fail (each answer is looked at once)."""
    return AnswerChecker(items).check(answers, allow_missing=allow_missing)


class AnswerChecker:
    """check_answers for one version's items, judging each distinct bare answer only once.

    A sync push checks some 2,000 answers a batch, nearly all a bare value such as
    {"value": "pass"}: its verdict depends only on the item and the value, so one checker
    per version and batch remembers it.
    """

    def __init__(self, items: Sequence[Mapping[str, Any]]) -> None:
        self.item_keys = {item["key"] for item in items}
        # Each item with its key, whether it may be left unanswered, and the verdicts of the
        # bare values seen so far ({value: (messages, fails)}, or _ACCEPTED for an answer
        # that is neither an error nor a fail): no (key, value) tuple to build and hash per
        # answer, and an accepted answer, most of them, costs two lookups.
        self._items: list[tuple[str, Mapping[str, Any], bool, dict[Any, Any]]] = [
            (item["key"], item, item["type"] in ("text", "photo"), {}) for item in items
        ]

    def check(self, answers: Any, *, allow_missing: bool = False) -> AnswerCheck:
        """check_answers of these answers against this checker's items."""
        if not isinstance(answers, Mapping):
            return AnswerCheck({"answers": ["Send an object of answers keyed by item key."]}, [])
        errors = self._unknown_item_errors(answers)
        failing_keys: list[str] = []
        photos: list[str] = []
        for key, item, optional, remembered in self._items:
            answer = answers.get(key, _UNANSWERED)
            if type(answer) is dict and len(answer) == 1:
                value = answer.get("value", _UNANSWERED)
                # A bare value's verdict depends only on the item and the value. Only text,
                # booleans and null are remembered: 1 == True == 1.0 as keys of a dict.
                if value is None or type(value) is str or type(value) is bool:
                    verdict = remembered.get(value)
                    if verdict is None:
                        verdict = remembered[value] = _verdict(_check_answer(item, answer))
                    if verdict is _ACCEPTED:
                        continue
                else:
                    verdict = _check_answer(item, answer)
            elif answer is _UNANSWERED:
                if allow_missing or optional:
                    continue
                verdict = (["Answer this item (or mark it 'na')."], False)
            else:
                # Only such an answer (a note, photos) may name photos: a bare one has none.
                verdict = _check_answer(item, answer)
                if not verdict[0] and isinstance(answer, Mapping):
                    photos.extend(answer.get("photo_sha256s") or ())
            messages, fails = verdict
            if fails:
                failing_keys.append(key)
            if messages:
                errors[key] = list(messages)
        return AnswerCheck(errors, failing_keys, photos)

    def _unknown_item_errors(self, answers: Mapping[str, Any]) -> dict[str, list[str]]:
        if self.item_keys.issuperset(answers):
            return {}
        return {
            str(key): ["This checklist has no such item."]
            for key in answers
            if key not in self.item_keys
        }


# The verdict of an answer that is neither an error nor a fail (AnswerChecker).
_ACCEPTED = ([], False)


def _verdict(verdict: tuple[list[str], bool]) -> tuple[list[str], bool]:
    messages, fails = verdict
    return _ACCEPTED if not messages and not fails else verdict


def _check_answer(item: Mapping[str, Any], answer: Any) -> tuple[list[str], bool]:
    # Called for every answer of every inspection a sync push brings (some 2,000 a batch):
    # the common answer, a bare value without note or photos, takes the shortest way.
    # Returns the answer's errors and whether it is a fail.
    if not isinstance(answer, Mapping):
        return ['Send {"value": ..., "note": ..., "photo_sha256s": [...]}.'], False
    if not ANSWER_FIELDS.issuperset(answer):
        unknown = sorted(map(str, set(answer) - ANSWER_FIELDS))
        return [f"Unknown answer field: {', '.join(unknown)}."], False
    if "value" not in answer:
        return ["The answer has no value."], False
    errors: list[str] = []
    if len(answer) > 1:
        errors = _note_errors(answer.get("note")) + _photo_errors(answer.get("photo_sha256s"))
    value = answer["value"]
    if value not in NOT_APPLICABLE:
        errors += _value_errors(item, value)
    fails = is_failing_answer(item, value)
    if not errors and fails:
        errors = _evidence_errors(item["evidence_on_fail"], answer)
    return errors, fails


def _note_errors(note: Any) -> list[str]:
    if note is None or isinstance(note, str):
        return []
    return ["note must be text or null."]


def _photo_errors(photo_sha256s: Any) -> list[str]:
    if photo_sha256s is None:
        return []
    if not isinstance(photo_sha256s, list) or not all(
        isinstance(digest, str) and SHA256_HEX.match(digest) for digest in photo_sha256s
    ):
        return ["photo_sha256s must be a list of lower-case hex SHA-256 digests."]
    return []


def _value_errors(item: Mapping[str, Any], value: Any) -> list[str]:
    item_type = item["type"]
    if item_type == "pass_fail_na":
        return [] if value in ("pass", "fail") else ["Use 'pass', 'fail' or 'na'."]
    if item_type == "yes_no":
        return [] if value in ("yes", "no") or isinstance(value, bool) else ["Use 'yes' or 'no'."]
    if item_type == "number":
        return [] if _is_reading(value) else ["Send a number."]
    if item_type in CHOICE_TYPES:
        return _choice_value_errors(item, value)
    if item_type == "text":
        if not isinstance(value, str):
            return ["Send text."]
        return [] if len(value) <= MAX_TEXT_ANSWER_CHARS else ["The text is too long."]
    # A photo item's pictures travel in photo_sha256s; its value stays null.
    return ["A photo item takes no value; send the photos in photo_sha256s."]


def _is_reading(value: Any) -> bool:
    # A bool is an int to Python but never a reading.
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _choice_value_errors(item: Mapping[str, Any], value: Any) -> list[str]:
    option_keys = {option["key"] for option in item.get("options") or []}
    if item["type"] == "single_choice":
        return [] if isinstance(value, str) and value in option_keys else ["Choose one option."]
    if not isinstance(value, list) or not all(isinstance(key, str) for key in value):
        return ["Send a list of option keys."]
    unknown = sorted(set(value) - option_keys)
    if unknown:
        return [f"Not an option of this item: {', '.join(unknown)}."]
    if len(value) != len(set(value)):
        return ["An option is chosen twice."]
    return []


def _evidence_errors(evidence_on_fail: str, answer: Mapping[str, Any]) -> list[str]:
    # A fail becomes a finding: the back office must see what was wrong (DOMAIN: a fail needs
    # a note or photo).
    has_note = bool((answer.get("note") or "").strip())
    has_photo = bool(answer.get("photo_sha256s"))
    if evidence_on_fail == "note" and not has_note:
        return ["A fail needs a note saying what is wrong."]
    if evidence_on_fail == "photo" and not has_photo:
        return ["A fail needs a photo."]
    if evidence_on_fail == "note_or_photo" and not (has_note or has_photo):
        return ["A fail needs a note or a photo."]
    return []


def failing_item_keys(items: Sequence[Mapping[str, Any]], answers: Mapping[str, Any]) -> list[str]:
    """Keys of the items whose answer is a fail, in checklist order."""
    return [
        item["key"]
        for item in items
        if isinstance(answer := answers.get(item["key"]), Mapping)
        and is_failing_answer(item, answer.get("value"))
    ]


def inspection_result(
    items: Sequence[Mapping[str, Any]], answers: Mapping[str, Any]
) -> Literal["passed", "failed"]:
    """'failed' when any answer fails its item, else 'passed' (validate the answers first)."""
    return "failed" if failing_item_keys(items, answers) else "passed"
