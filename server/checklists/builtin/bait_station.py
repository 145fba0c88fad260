"""Rodent bait-station check (灭鼠毒饵站检查): one numbered, QR-labelled station at a time."""

from __future__ import annotations

from server.checklists.builtin.items import (
    BuiltinTemplate,
    choice,
    free_text,
    number,
    option,
    pass_fail_na,
    yes_no,
)

_STATION = ("毒饵站", "Station")
_BAIT = ("毒饵", "Bait")
_SIGNS = ("鼠迹", "Rodent signs")
_SURROUNDINGS = ("周边环境", "Surroundings")

BAIT_STATION: BuiltinTemplate = {
    "key": "bait_station",
    "name_zh": "灭鼠毒饵站检查",
    "name_en": "Rodent bait-station check",
    "description_zh": (
        "逐个检查编号毒饵站。首次投放 15–20 克，前三四次每两天检查一次，"
        "“吃多少补多少，吃光加倍”；之后每周一次，持续一个月，再改为每两周一次。"
        "无法到达的毒饵站应登记原因，不得漏查。"
    ),
    "description_en": (
        "Check each numbered station. Lay 15-20 g at first and check every two days for the "
        "first three or four visits (replace what was eaten, double it if all was taken), "
        "then weekly for a month, then every two weeks. Record an unreachable station with a "
        "reason rather than skipping it."
    ),
    "target_kind": "bait_station",
    "equipment_category": None,
    "default_frequency": "weekly",
    "interval_days": None,
    "items": [
        pass_fail_na(
            "station_present",
            ("毒饵站在位", "Station present"),
            group=_STATION,
            help_text=("与台帐及布点图位置一致", "Where the ledger and the map say it is"),
            severity="high",
            evidence="photo",
        ),
        pass_fail_na(
            "station_intact",
            ("毒饵站完好无破损，编号清晰", "Station intact, number legible"),
            group=_STATION,
        ),
        pass_fail_na(
            "station_secured",
            ("毒饵站固定牢固、已上锁", "Station secured and locked"),
            group=_STATION,
            help_text=(
                "防止儿童、宠物接触毒饵",
                "So that children and pets cannot reach the bait",
            ),
        ),
        choice(
            "bait_taken",
            ("毒饵取食情况", "Bait taken"),
            options=[
                option("none", "未取食", "None"),
                option("some", "少量取食", "Some"),
                option("most", "大部分取食", "Most"),
                option("all", "全部取食", "All"),
            ],
            fail_when=None,
            group=_BAIT,
            help_text=(
                "取食本身不算不合格，用于统计鼠情",
                "Bait taken is not a fail by itself; it measures rodent activity",
            ),
        ),
        yes_no(
            "bait_replaced",
            ("已补充或更换毒饵", "Bait replaced or topped up"),
            fail_when=None,
            group=_BAIT,
            help_text=(
                "吃多少补多少，吃光加倍",
                "Replace what was eaten; double it if all was taken",
            ),
        ),
        number(
            "bait_added_g",
            ("本次投放毒饵量", "Bait added this visit"),
            unit="g",
            minimum=0,
            maximum=40,
            group=_BAIT,
            help_text=(
                "首次投放 15–20 克；全部取食时加倍，单站不超过 40 克",
                "15-20 g at first; double it after all was taken, at most 40 g per station",
            ),
            severity="low",
        ),
        yes_no(
            "bait_mouldy",
            ("毒饵霉变", "Bait mouldy"),
            fail_when="yes",
            group=_BAIT,
            help_text=("霉变毒饵应立即更换", "Replace mouldy bait at once"),
            severity="low",
        ),
        yes_no(
            "bait_outside_station",
            ("站外散落毒饵", "Bait outside the station"),
            fail_when="yes",
            group=_BAIT,
            help_text=(
                "毒饵只能投放在毒饵站内，发现散落立即清除",
                "Bait belongs inside the station only; remove any found outside",
            ),
            severity="high",
            evidence="photo",
        ),
        yes_no(
            "droppings_or_gnaw_marks",
            ("发现鼠粪或咬痕", "Droppings or gnaw marks found"),
            fail_when="yes",
            group=_SIGNS,
            evidence="photo",
        ),
        yes_no(
            "dead_rodent_found",
            ("发现死鼠", "Dead rodent found"),
            fail_when="yes",
            group=_SIGNS,
            help_text=("死鼠须装袋无害化处理", "Bag the carcass for safe disposal"),
            evidence="photo",
        ),
        yes_no(
            "rat_holes_found",
            ("发现鼠洞", "Rat holes found"),
            fail_when="yes",
            group=_SIGNS,
            evidence="photo",
        ),
        yes_no(
            "rat_holes_sealed",
            ("鼠洞已堵塞", "Rat holes sealed"),
            fail_when="no",
            group=_SIGNS,
            help_text=("未发现鼠洞时无需填写", "Leave blank if no hole was found"),
            evidence="photo",
        ),
        choice(
            "surroundings_problems",
            ("毒饵站周边卫生", "Sanitation around the station"),
            options=[
                option("none", "整洁，无问题", "Clean, no problem"),
                option("rubbish", "垃圾堆积", "Rubbish piled up"),
                option("standing_water", "积水", "Standing water"),
                option("food_residue", "食物残渣", "Food scraps"),
                option("clutter", "杂物堆放", "Clutter"),
            ],
            fail_when=["rubbish", "standing_water", "food_residue", "clutter"],
            is_multiple=True,
            group=_SURROUNDINGS,
            help_text=(
                "断绝鼠粮、清除鼠窝是灭鼠的基础",
                "Removing food and harbourage is the basis of rodent control",
            ),
            severity="low",
        ),
        free_text("remarks", ("其他情况", "Other remarks")),
    ],
}
