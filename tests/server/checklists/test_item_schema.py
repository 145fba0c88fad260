"""The rules a checklist item must follow before a version may hold it."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import pytest

from server.checklists.builtin import BUILTIN_TEMPLATES
from server.checklists.items import ChecklistItemSchema, load_items
from tests.server.checklists.factories import make_item, make_option

VALID_ITEMS = [
    pytest.param(make_item(item_type=item_type), id=item_type)
    for item_type in (
        "pass_fail_na",
        "yes_no",
        "number",
        "single_choice",
        "multiple_choice",
        "text",
        "photo",
    )
] + [
    # Optional fields may be left out; defaults fill them.
    pytest.param(
        {"key": "floor_clean", "label_zh": "地面清洁", "label_en": "Floor clean", "type": "text"},
        id="minimal",
    ),
    pytest.param(make_item(item_type="number", min=None, max=None), id="number_without_bounds"),
    pytest.param(make_item(item_type="number", min=2.0, max=2.0), id="number_min_equals_max"),
    pytest.param(make_item(item_type="number", max=None), id="number_min_only"),
    pytest.param(make_item(item_type="yes_no", fail_when="no"), id="yes_no_fails_on_no"),
    pytest.param(make_item(item_type="yes_no", fail_when=None), id="yes_no_never_fails"),
    pytest.param(make_item(item_type="single_choice", fail_when=None), id="choice_never_fails"),
    pytest.param(
        make_item(group_zh="清洁", group_en="Cleaning", help_zh="提示", help_en="Hint"),
        id="group_and_help_in_both_languages",
    ),
]

INVALID_ITEMS = [
    # Keys and labels
    pytest.param(make_item(key="FloorClean"), "key", id="key_not_snake_case"),
    pytest.param(make_item(key="floor clean"), "key", id="key_with_space"),
    pytest.param(make_item(key=""), "key", id="key_empty"),
    pytest.param(make_item(label_zh=""), "label_zh", id="label_zh_empty"),
    pytest.param(make_item(label_en="   "), "label_en", id="label_en_blank"),
    pytest.param(make_item(group_zh="清洁"), "group_en", id="group_in_chinese_only"),
    pytest.param(make_item(help_en="Hint"), "help_zh", id="help_in_english_only"),
    # Enumerations
    pytest.param(make_item(item_type="slider"), "type", id="unknown_type"),
    pytest.param(make_item(evidence_on_fail="video"), "evidence_on_fail", id="unknown_evidence"),
    pytest.param(make_item(fail_severity="fatal"), "fail_severity", id="unknown_severity"),
    # Numbers
    pytest.param(make_item(item_type="number", unit=None), "unit", id="number_without_unit"),
    pytest.param(make_item(item_type="number", unit=""), "unit", id="number_with_empty_unit"),
    pytest.param(make_item(item_type="number", min=2.0, max=1.0), "max", id="number_min_above_max"),
    pytest.param(make_item(item_type="number", min="low"), "min", id="number_min_not_a_number"),
    pytest.param(make_item(unit="kg"), "unit", id="unit_on_pass_fail"),
    pytest.param(make_item(item_type="text", max=3), "max", id="max_on_text"),
    # Choices
    pytest.param(
        make_item(item_type="single_choice", options=[make_option("all")], fail_when=["all"]),
        "options",
        id="choice_with_one_option",
    ),
    pytest.param(
        make_item(
            item_type="multiple_choice",
            options=[make_option("all"), make_option("all")],
            fail_when=None,
        ),
        "options",
        id="choice_with_duplicate_option_keys",
    ),
    pytest.param(
        make_item(item_type="single_choice", fail_when=["most"]),
        "fail_when",
        id="choice_fails_on_unknown_option",
    ),
    pytest.param(
        make_item(item_type="single_choice", fail_when="all"),
        "fail_when",
        id="choice_fail_when_not_a_list",
    ),
    pytest.param(
        make_item(options=[make_option("a"), make_option("b")]),
        "options",
        id="options_on_pass_fail",
    ),
    # fail_when of other types
    pytest.param(make_item(item_type="yes_no", fail_when="maybe"), "fail_when", id="yes_no_maybe"),
    pytest.param(make_item(item_type="yes_no", fail_when=["yes"]), "fail_when", id="yes_no_list"),
    pytest.param(make_item(fail_when="fail"), "fail_when", id="fail_when_on_pass_fail"),
    pytest.param(make_item(item_type="text", fail_when="x"), "fail_when", id="fail_when_on_text"),
]


@pytest.mark.parametrize("item", VALID_ITEMS)
def test_item_schema_accepts_item_when_it_follows_the_rules(item: dict[str, Any]) -> None:
    loaded = ChecklistItemSchema().load(item)

    assert loaded["key"] == item["key"]


@pytest.mark.parametrize(("item", "field"), INVALID_ITEMS)
def test_item_schema_names_the_field_at_fault_when_item_breaks_a_rule(
    item: dict[str, Any], field: str
) -> None:
    with pytest.raises(ma.ValidationError) as raised:
        ChecklistItemSchema().load(item)

    assert field in raised.value.messages


def test_item_schema_fills_every_agreed_key_when_optional_fields_are_left_out() -> None:
    minimal = {"key": "notes", "label_zh": "备注", "label_en": "Notes", "type": "text"}

    loaded = ChecklistItemSchema().load(minimal)

    assert set(loaded) == set(make_item())


def test_load_items_rejects_the_list_when_two_items_share_a_key() -> None:
    items = [make_item("floor_clean"), make_item("floor_clean", item_type="yes_no")]

    with pytest.raises(ma.ValidationError) as raised:
        load_items(items)

    assert "floor_clean" in raised.value.messages["items"][0]


def test_load_items_names_the_item_and_field_when_one_item_is_invalid() -> None:
    items = [make_item("floor_clean"), make_item("pressure", item_type="number", unit=None)]

    with pytest.raises(ma.ValidationError) as raised:
        load_items(items)

    assert set(raised.value.messages) == {"items.1.unit"}


def test_load_items_rejects_the_list_when_it_is_empty() -> None:
    with pytest.raises(ma.ValidationError) as raised:
        load_items([])

    assert "items" in raised.value.messages


@pytest.mark.parametrize("template", BUILTIN_TEMPLATES, ids=lambda template: template["key"])
def test_load_items_accepts_the_items_unchanged_when_template_is_built_in(
    template: dict[str, Any],
) -> None:
    loaded = load_items(template["items"])

    assert loaded == template["items"]
