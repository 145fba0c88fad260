"""The shape of built-in checklist templates and items, and builders that fill every key."""

from __future__ import annotations

from typing import Literal, TypedDict

ItemType = Literal[
    "pass_fail_na", "yes_no", "number", "single_choice", "multiple_choice", "text", "photo"
]
Evidence = Literal["none", "note", "photo", "note_or_photo"]
Severity = Literal["low", "medium", "high", "critical"]
TargetKindName = Literal["location", "fire_extinguisher", "bait_station", "equipment"]
FrequencyName = Literal[
    "working_days", "weekly", "every_n_days", "half_monthly", "monthly", "quarterly", "yearly"
]

# A (Chinese, English) pair: section headings and option labels are written as one.
Bilingual = tuple[str, str]
NO_GROUP: Bilingual = ("", "")


class ChoiceOption(TypedDict):
    """One option of a single or multiple choice item."""

    key: str
    label_zh: str
    label_en: str


class ChecklistItem(TypedDict):
    """One question of a checklist; the keys are the same for every item type."""

    key: str
    group_zh: str
    group_en: str
    label_zh: str
    label_en: str
    help_zh: str
    help_en: str
    type: ItemType
    unit: str | None
    min: float | None
    max: float | None
    options: list[ChoiceOption]
    # 'yes' / 'no' for yes_no, a list of option keys for choices, None otherwise.
    fail_when: str | list[str] | None
    evidence_on_fail: Evidence
    fail_severity: Severity


class BuiltinTemplate(TypedDict):
    """A checklist template shipped with Roundbook and copied into each new site."""

    key: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    target_kind: TargetKindName
    equipment_category: str | None
    default_frequency: FrequencyName
    interval_days: int | None
    items: list[ChecklistItem]


def _item(
    key: str,
    label: Bilingual,
    item_type: ItemType,
    *,
    group: Bilingual,
    help_text: Bilingual,
    evidence: Evidence,
    severity: Severity,
    unit: str | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    options: list[ChoiceOption] | None = None,
    fail_when: str | list[str] | None = None,
) -> ChecklistItem:
    return {
        "key": key,
        "group_zh": group[0],
        "group_en": group[1],
        "label_zh": label[0],
        "label_en": label[1],
        "help_zh": help_text[0],
        "help_en": help_text[1],
        "type": item_type,
        "unit": unit,
        "min": minimum,
        "max": maximum,
        "options": options or [],
        "fail_when": fail_when,
        "evidence_on_fail": evidence,
        "fail_severity": severity,
    }


def pass_fail_na(
    key: str,
    label: Bilingual,
    *,
    group: Bilingual = NO_GROUP,
    help_text: Bilingual = NO_GROUP,
    severity: Severity = "medium",
    evidence: Evidence = "note_or_photo",
) -> ChecklistItem:
    """A 合格 / 不合格 / 不适用 item; 'fail' is the failing answer."""
    return _item(
        key,
        label,
        "pass_fail_na",
        group=group,
        help_text=help_text,
        evidence=evidence,
        severity=severity,
    )


def yes_no(
    key: str,
    label: Bilingual,
    *,
    fail_when: Literal["yes", "no"] | None,
    group: Bilingual = NO_GROUP,
    help_text: Bilingual = NO_GROUP,
    severity: Severity = "medium",
    evidence: Evidence = "note_or_photo",
) -> ChecklistItem:
    """A 是 / 否 item; fail_when names the failing answer, or None if neither fails."""
    return _item(
        key,
        label,
        "yes_no",
        group=group,
        help_text=help_text,
        evidence=evidence if fail_when else "none",
        severity=severity,
        fail_when=fail_when,
    )


def number(
    key: str,
    label: Bilingual,
    *,
    unit: str,
    minimum: float | None,
    maximum: float | None,
    group: Bilingual = NO_GROUP,
    help_text: Bilingual = NO_GROUP,
    severity: Severity = "medium",
    evidence: Evidence = "note",
) -> ChecklistItem:
    """A measured value; a reading outside minimum..maximum fails."""
    return _item(
        key,
        label,
        "number",
        group=group,
        help_text=help_text,
        evidence=evidence,
        severity=severity,
        unit=unit,
        minimum=minimum,
        maximum=maximum,
    )


def option(key: str, label_zh: str, label_en: str) -> ChoiceOption:
    """One choice of a single or multiple choice item."""
    return {"key": key, "label_zh": label_zh, "label_en": label_en}


def choice(
    key: str,
    label: Bilingual,
    *,
    options: list[ChoiceOption],
    fail_when: list[str] | None,
    is_multiple: bool = False,
    group: Bilingual = NO_GROUP,
    help_text: Bilingual = NO_GROUP,
    severity: Severity = "medium",
    evidence: Evidence = "note_or_photo",
) -> ChecklistItem:
    """A single (or multiple) choice item; choosing any key in fail_when fails."""
    return _item(
        key,
        label,
        "multiple_choice" if is_multiple else "single_choice",
        group=group,
        help_text=help_text,
        evidence=evidence if fail_when else "none",
        severity=severity,
        options=options,
        fail_when=fail_when,
    )


def free_text(
    key: str, label: Bilingual, *, group: Bilingual = NO_GROUP, help_text: Bilingual = NO_GROUP
) -> ChecklistItem:
    """A free-text note; never fails."""
    return _item(
        key, label, "text", group=group, help_text=help_text, evidence="none", severity="low"
    )


def photo(
    key: str, label: Bilingual, *, group: Bilingual = NO_GROUP, help_text: Bilingual = NO_GROUP
) -> ChecklistItem:
    """A photo to attach; never fails."""
    return _item(
        key, label, "photo", group=group, help_text=help_text, evidence="none", severity="low"
    )
