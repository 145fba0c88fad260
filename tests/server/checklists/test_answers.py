"""Checking an inspector's answers against a version's items, and the inspection's result."""

from __future__ import annotations

from typing import Any

import pytest

from server.checklists.items import (
    AnswerChecker,
    check_answers,
    failing_item_keys,
    inspection_result,
    validate_answers,
)
from tests.server.checklists.factories import make_item

PHOTO = "a" * 64

ITEMS = [
    make_item("floor_clean"),  # pass_fail_na, a fail needs a note or a photo
    make_item("exit_blocked", item_type="yes_no", fail_when="yes", evidence_on_fail="photo"),
    make_item("pressure", item_type="number", unit="MPa", min=1.0, max=1.4),  # fail needs a note
    make_item("bait_taken", item_type="single_choice", fail_when=["all"]),
    make_item("signs", item_type="multiple_choice", fail_when=["all"], evidence_on_fail="none"),
    make_item("remarks", item_type="text"),
    make_item("overview", item_type="photo"),
]


def answer(value: Any, note: str | None = None, photos: list[str] | None = None) -> dict:
    return {"value": value, "note": note, "photo_sha256s": photos or []}


def passing_answers(**overrides: Any) -> dict[str, Any]:
    answers = {
        "floor_clean": answer("pass"),
        "exit_blocked": answer("no"),
        "pressure": answer(1.2),
        "bait_taken": answer("some"),
        "signs": answer(["none"]),
    }
    answers.update(overrides)
    return answers


ACCEPTED = [
    pytest.param(passing_answers(), "passed", id="all_pass"),
    pytest.param(passing_answers(floor_clean=answer("na")), "passed", id="pass_fail_na"),
    pytest.param(passing_answers(pressure=answer(None)), "passed", id="number_not_applicable"),
    pytest.param(passing_answers(exit_blocked=answer(False)), "passed", id="yes_no_as_bool"),
    pytest.param(passing_answers(pressure=answer(1)), "passed", id="number_as_int"),
    pytest.param(
        passing_answers(remarks=answer("走廊堆放杂物"), overview=answer(None, photos=[PHOTO])),
        "passed",
        id="text_and_photo_answered",
    ),
    # Fails with the evidence the item asks for
    pytest.param(
        passing_answers(floor_clean=answer("fail", note="地面有痰迹")), "failed", id="fail_note"
    ),
    pytest.param(
        passing_answers(floor_clean=answer("fail", photos=[PHOTO])), "failed", id="fail_photo"
    ),
    pytest.param(
        passing_answers(exit_blocked=answer("yes", photos=[PHOTO])), "failed", id="yes_no_fails"
    ),
    pytest.param(
        passing_answers(pressure=answer(0.6, note="压力不足")), "failed", id="number_below_min"
    ),
    pytest.param(
        passing_answers(pressure=answer(9.5, note="超压")), "failed", id="number_out_of_range"
    ),
    pytest.param(
        passing_answers(bait_taken=answer("all", note="全部取食")), "failed", id="choice_fails"
    ),
    # evidence_on_fail 'none': a fail needs nothing more
    pytest.param(passing_answers(signs=answer(["none", "all"])), "failed", id="multi_no_evidence"),
]

REJECTED = [
    # Fails without the evidence the item asks for
    pytest.param(passing_answers(floor_clean=answer("fail")), "floor_clean", id="fail_no_evidence"),
    pytest.param(
        passing_answers(floor_clean=answer("fail", note="  ")), "floor_clean", id="fail_blank_note"
    ),
    pytest.param(
        passing_answers(exit_blocked=answer("yes", note="堵了")), "exit_blocked", id="needs_photo"
    ),
    pytest.param(
        passing_answers(pressure=answer(2.0, photos=[PHOTO])), "pressure", id="needs_note"
    ),
    # Unknown items and shapes
    pytest.param(passing_answers(ceiling=answer("pass")), "ceiling", id="unknown_item_key"),
    pytest.param(passing_answers(floor_clean="pass"), "floor_clean", id="answer_not_an_object"),
    pytest.param(passing_answers(floor_clean={"note": "x"}), "floor_clean", id="no_value"),
    pytest.param(
        passing_answers(floor_clean={"value": "pass", "score": 3}), "floor_clean", id="extra_field"
    ),
    pytest.param(
        passing_answers(floor_clean=answer("pass", photos=["not-a-hash"])),
        "floor_clean",
        id="bad_photo_digest",
    ),
    pytest.param(
        passing_answers(floor_clean={"value": "pass", "note": 7}), "floor_clean", id="note_number"
    ),
    # Wrong value for the type
    pytest.param(passing_answers(floor_clean=answer("ok")), "floor_clean", id="pass_fail_ok"),
    pytest.param(passing_answers(exit_blocked=answer("maybe")), "exit_blocked", id="yes_no_maybe"),
    pytest.param(passing_answers(pressure=answer("1.2")), "pressure", id="number_as_text"),
    pytest.param(passing_answers(pressure=answer(True)), "pressure", id="number_as_bool"),
    pytest.param(passing_answers(bait_taken=answer("lots")), "bait_taken", id="unknown_option"),
    pytest.param(passing_answers(signs=answer("all")), "signs", id="multiple_not_a_list"),
    pytest.param(passing_answers(signs=answer(["all", "all"])), "signs", id="option_twice"),
    pytest.param(passing_answers(remarks=answer(12)), "remarks", id="text_not_text"),
    pytest.param(passing_answers(overview=answer("photo.jpg")), "overview", id="photo_value"),
    # Missing answers: send 'na' rather than leave an item out
    pytest.param(
        {k: v for k, v in passing_answers().items() if k != "pressure"}, "pressure", id="missing"
    ),
]


@pytest.mark.parametrize(("answers", "result"), ACCEPTED)
def test_validate_answers_accepts_answers_when_they_fit_the_items(
    answers: dict[str, Any], result: str
) -> None:
    errors = validate_answers(ITEMS, answers)

    assert errors == {}


@pytest.mark.parametrize(("answers", "result"), ACCEPTED)
def test_inspection_result_is_failed_when_any_answer_fails_its_item(
    answers: dict[str, Any], result: str
) -> None:
    assert inspection_result(ITEMS, answers) == result


@pytest.mark.parametrize(("answers", "result"), ACCEPTED)
def test_check_answers_names_the_failing_items_in_checklist_order_as_the_result_does(
    answers: dict[str, Any], result: str
) -> None:
    # The sync push reads an inspection's result from this one pass over its answers.
    check = check_answers(ITEMS, answers)

    assert check.errors == {}
    assert check.failing_keys == failing_item_keys(ITEMS, answers)
    assert ("failed" if check.failing_keys else "passed") == result


@pytest.mark.parametrize(("answers", "key"), REJECTED)
def test_validate_answers_names_the_item_at_fault_when_an_answer_breaks_a_rule(
    answers: dict[str, Any], key: str
) -> None:
    errors = validate_answers(ITEMS, answers)

    assert list(errors) == [key]


def test_validate_answers_accepts_a_partial_set_when_missing_answers_are_allowed() -> None:
    answers = {"floor_clean": answer("pass")}

    errors = validate_answers(ITEMS, answers, allow_missing=True)

    assert errors == {}


def test_validate_answers_rejects_the_whole_body_when_answers_are_not_an_object() -> None:
    errors = validate_answers(ITEMS, ["pass"])

    assert list(errors) == ["answers"]


def test_one_checker_judges_every_set_of_answers_as_a_fresh_check_does() -> None:
    # A sync push checks a whole batch with one checker per version, which remembers its
    # verdict on each bare answer: later inspections must get the same answers, errors
    # included, and a caller changing an answer's errors must not change the next one's.
    checker = AnswerChecker(ITEMS)
    cases = [case.values[0] for case in ACCEPTED + REJECTED]
    batch = cases + [_bare(answers) for answers in cases]

    for answers in batch + batch:
        check = checker.check(answers)
        assert check == check_answers(ITEMS, answers)
        for messages in check.errors.values():
            messages.append("changed by the caller")


def _bare(answers: dict[str, Any]) -> dict[str, Any]:
    # As most phones send most answers: the value alone, with no note and no photos.
    return {
        key: {"value": given["value"]}
        if isinstance(given, dict)
        and "value" in given
        and not given.get("note")
        and not given.get("photo_sha256s")
        else given
        for key, given in answers.items()
    }
