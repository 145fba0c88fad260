"""Specification of the built-in checklist templates and of is_failing_answer."""

from __future__ import annotations

import re

import pytest

from server.checklists.builtin import BUILTIN_TEMPLATES, find_builtin_template, is_failing_answer

ITEM_KEYS = {
    "key",
    "group_zh",
    "group_en",
    "label_zh",
    "label_en",
    "help_zh",
    "help_en",
    "type",
    "unit",
    "min",
    "max",
    "options",
    "fail_when",
    "evidence_on_fail",
    "fail_severity",
}
ITEM_TYPES = {
    "pass_fail_na",
    "yes_no",
    "number",
    "single_choice",
    "multiple_choice",
    "text",
    "photo",
}
TARGET_KINDS = {"location", "fire_extinguisher", "bait_station", "equipment"}
EQUIPMENT_CATEGORIES = {"elevator", "oxygen_store", "power_distribution", "aed_emergency_cart"}
FREQUENCIES = {
    "working_days",
    "weekly",
    "every_n_days",
    "half_monthly",
    "monthly",
    "quarterly",
    "yearly",
}
EXPECTED_TEMPLATE_KEYS = {
    "ward_round",
    "fire_patrol",
    "fire_extinguisher",
    "bait_station",
    "elevator",
    "oxygen_store",
    "power_distribution_room",
    "aed_emergency_cart",
}
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
HAN = re.compile(r"[\u4e00-\u9fff]")

ALL_ITEMS = [
    pytest.param(template, item, id=f"{template['key']}.{item['key']}")
    for template in BUILTIN_TEMPLATES
    for item in template["items"]
]
TEMPLATES = [pytest.param(template, id=template["key"]) for template in BUILTIN_TEMPLATES]


def items_of(key):
    template = find_builtin_template(key)
    assert template is not None
    return template["items"]


def test_builtin_templates_cover_every_domain_checklist_when_listed():
    keys = [template["key"] for template in BUILTIN_TEMPLATES]

    assert set(keys) == EXPECTED_TEMPLATE_KEYS
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("template", TEMPLATES)
def test_template_has_names_and_descriptions_in_both_languages_when_built_in(template):
    for field in ("name_zh", "name_en", "description_zh", "description_en"):
        assert template[field].strip(), field
    assert HAN.search(template["name_zh"])
    assert not HAN.search(template["name_en"] + template["description_en"])


@pytest.mark.parametrize("template", TEMPLATES)
def test_template_targets_a_known_kind_and_frequency_when_built_in(template):
    assert template["target_kind"] in TARGET_KINDS
    assert template["default_frequency"] in FREQUENCIES
    if template["default_frequency"] == "every_n_days":
        assert isinstance(template["interval_days"], int)
        assert template["interval_days"] >= 1
    else:
        assert template["interval_days"] is None


@pytest.mark.parametrize("template", TEMPLATES)
def test_template_names_an_equipment_category_only_when_it_targets_equipment(template):
    if template["target_kind"] == "equipment":
        assert template["equipment_category"] in EQUIPMENT_CATEGORIES
    else:
        assert template["equipment_category"] is None


@pytest.mark.parametrize("template", TEMPLATES)
def test_template_item_keys_are_unique_snake_case_when_built_in(template):
    keys = [item["key"] for item in template["items"]]

    assert len(keys) == len(set(keys))
    assert all(SNAKE_CASE.match(key) for key in keys)


@pytest.mark.parametrize(("template", "item"), ALL_ITEMS)
def test_item_has_exactly_the_agreed_keys_when_built_in(template, item):
    assert set(item) == ITEM_KEYS


@pytest.mark.parametrize(("template", "item"), ALL_ITEMS)
def test_item_has_labels_in_both_languages_when_built_in(template, item):
    assert item["label_zh"].strip()
    assert item["label_en"].strip()
    assert HAN.search(item["label_zh"])
    assert not HAN.search(item["label_en"] + item["help_en"] + item["group_en"])
    # A heading or a help text is either given in both languages or in neither.
    assert bool(item["group_zh"]) == bool(item["group_en"])
    assert bool(item["help_zh"]) == bool(item["help_en"])


@pytest.mark.parametrize(("template", "item"), ALL_ITEMS)
def test_item_has_a_known_type_evidence_and_severity_when_built_in(template, item):
    assert item["type"] in ITEM_TYPES
    assert item["evidence_on_fail"] in {"none", "note", "photo", "note_or_photo"}
    assert item["fail_severity"] in {"low", "medium", "high", "critical"}


@pytest.mark.parametrize(("template", "item"), ALL_ITEMS)
def test_item_fields_fit_its_type_when_built_in(template, item):
    item_type = item["type"]

    if item_type == "number":
        assert item["unit"]
        assert item["min"] is not None or item["max"] is not None
        if item["min"] is not None and item["max"] is not None:
            assert item["min"] < item["max"]
    else:
        assert (item["unit"], item["min"], item["max"]) == (None, None, None)
    if item_type in {"single_choice", "multiple_choice"}:
        option_keys = [option["key"] for option in item["options"]]
        assert len(option_keys) >= 2
        assert len(option_keys) == len(set(option_keys))
        assert all(option["label_zh"] and option["label_en"] for option in item["options"])
        assert item["fail_when"] is None or set(item["fail_when"]) <= set(option_keys)
    else:
        assert item["options"] == []
    if item_type == "yes_no":
        assert item["fail_when"] in {"yes", "no", None}
    elif item_type not in {"single_choice", "multiple_choice"}:
        assert item["fail_when"] is None


@pytest.mark.parametrize(("template", "item"), ALL_ITEMS)
def test_item_asks_no_evidence_when_it_cannot_fail(template, item):
    cannot_fail = item["type"] in {"text", "photo"} or (
        item["type"] in {"yes_no", "single_choice", "multiple_choice"} and not item["fail_when"]
    )

    if cannot_fail:
        assert item["evidence_on_fail"] == "none"
    else:
        assert item["evidence_on_fail"] != "none"


def test_ward_round_asks_the_fourteen_domain_items_as_pass_fail_with_evidence_when_built():
    pass_fail = [item for item in items_of("ward_round") if item["type"] == "pass_fail_na"]

    assert len(pass_fail) == 14
    assert {item["evidence_on_fail"] for item in pass_fail} == {"note_or_photo"}


def test_ward_round_grades_cleaning_severity_when_built():
    severity = next(item for item in items_of("ward_round") if item["key"] == "cleaning_severity")

    assert severity["type"] == "single_choice"
    assert is_failing_answer(severity, "serious")
    assert not is_failing_answer(severity, "minor")


def test_fire_extinguisher_template_has_the_19_gb_50444_items_in_two_groups_when_built():
    items = items_of("fire_extinguisher")
    groups = {}
    for item in items:
        groups.setdefault(item["group_zh"], []).append(item)

    assert len(items) == 19
    assert [len(group) for group in groups.values()] == [11, 8]
    assert list(groups) == ["配置检查", "外观检查"]


@pytest.mark.parametrize(
    "item_key", ["pressure_in_green_zone", "seal_and_pin_intact", "not_discharged"]
)
def test_fire_extinguisher_item_is_high_severity_when_it_means_the_unit_may_not_work(item_key):
    item = next(item for item in items_of("fire_extinguisher") if item["key"] == item_key)

    assert item["fail_severity"] in {"high", "critical"}


def test_bait_station_bait_taken_is_never_a_fail_by_itself_when_all_was_eaten():
    bait_taken = next(item for item in items_of("bait_station") if item["key"] == "bait_taken")

    assert [option["key"] for option in bait_taken["options"]] == ["none", "some", "most", "all"]
    assert not is_failing_answer(bait_taken, "all")


@pytest.mark.parametrize(
    "item_key", ["droppings_or_gnaw_marks", "dead_rodent_found", "rat_holes_found"]
)
def test_bait_station_rodent_sign_fails_when_answered_yes(item_key):
    item = next(item for item in items_of("bait_station") if item["key"] == item_key)

    assert is_failing_answer(item, "yes")
    assert not is_failing_answer(item, "no")


def test_power_distribution_room_temperature_accepts_5_to_35_c_when_built():
    item = next(
        item for item in items_of("power_distribution_room") if item["key"] == "room_temperature_c"
    )

    assert (item["unit"], item["min"], item["max"]) == ("°C", 5, 35)


def make_item(item_type, *, fail_when=None, minimum=None, maximum=None):
    return {"type": item_type, "fail_when": fail_when, "min": minimum, "max": maximum}


PASS_FAIL = make_item("pass_fail_na")
FAILS_ON_YES = make_item("yes_no", fail_when="yes")
FAILS_ON_NO = make_item("yes_no", fail_when="no")
NEVER_FAILS_YES_NO = make_item("yes_no")
RANGE_5_TO_35 = make_item("number", minimum=5, maximum=35)
AT_MOST_75 = make_item("number", maximum=75)
SINGLE = make_item("single_choice", fail_when=["moderate", "serious"])
SINGLE_NEVER_FAILS = make_item("single_choice")
MULTIPLE = make_item("multiple_choice", fail_when=["rubbish", "standing_water"])


@pytest.mark.parametrize(
    ("item", "answer", "expected"),
    [
        # pass / fail / not applicable
        (PASS_FAIL, "fail", True),
        (PASS_FAIL, "pass", False),
        (PASS_FAIL, "na", False),
        (PASS_FAIL, None, False),
        # yes / no: only the answer named by fail_when fails; booleans read as yes / no
        (FAILS_ON_YES, "yes", True),
        (FAILS_ON_YES, "no", False),
        (FAILS_ON_YES, True, True),
        (FAILS_ON_YES, False, False),
        (FAILS_ON_NO, "no", True),
        (FAILS_ON_NO, False, True),
        (FAILS_ON_NO, "yes", False),
        (FAILS_ON_NO, None, False),
        (NEVER_FAILS_YES_NO, "yes", False),
        (NEVER_FAILS_YES_NO, "no", False),
        # numbers: outside min..max fails, the bounds themselves pass
        (RANGE_5_TO_35, 4.9, True),
        (RANGE_5_TO_35, 35.1, True),
        (RANGE_5_TO_35, 5, False),
        (RANGE_5_TO_35, 35, False),
        (RANGE_5_TO_35, 20.5, False),
        (RANGE_5_TO_35, "36", True),
        (RANGE_5_TO_35, None, False),
        (RANGE_5_TO_35, "na", False),
        (AT_MOST_75, -10, False),
        (AT_MOST_75, 80, True),
        # numbers: an answer that is not a reading is for the validator, not a fail
        (RANGE_5_TO_35, "warm", False),
        (RANGE_5_TO_35, True, False),
        (RANGE_5_TO_35, float("nan"), False),
        # single choice: a key listed in fail_when fails
        (SINGLE, "serious", True),
        (SINGLE, "minor", False),
        (SINGLE, None, False),
        (SINGLE_NEVER_FAILS, "all", False),
        # multiple choice: any chosen key listed in fail_when fails
        (MULTIPLE, ["none"], False),
        (MULTIPLE, ["clutter", "standing_water"], True),
        (MULTIPLE, [], False),
        (MULTIPLE, "rubbish", False),
        (MULTIPLE, None, False),
        # text and photo never fail
        (make_item("text"), "fail", False),
        (make_item("photo"), "photo-id", False),
    ],
)
def test_is_failing_answer_follows_the_item_rule_when_answered(item, answer, expected):
    assert is_failing_answer(item, answer) is expected
