"""Fire patrol (防火巡查): the daily and night patrol of a fire-safety key unit.

The items follow article 25 of Ministry of Public Security Order 61
(《机关、团体、企业、事业单位消防安全管理规定》), plus the re-check of hazards found last time.
"""

from __future__ import annotations

from server.checklists.builtin.items import (
    BuiltinTemplate,
    choice,
    free_text,
    option,
    pass_fail_na,
)

_FIRE_AND_POWER = ("用火用电", "Use of fire and electricity")
_EVACUATION = ("安全疏散", "Evacuation")
_FACILITIES = ("消防设施", "Fire equipment")
_FOLLOW_UP = ("隐患整改", "Hazard follow-up")

FIRE_PATROL: BuiltinTemplate = {
    "key": "fire_patrol",
    "name_zh": "防火巡查",
    "name_en": "Fire patrol",
    "description_zh": (
        "医院为消防安全重点单位，每日进行防火巡查，并加强夜间巡查（公安部令第 61 号）；"
        "每季度至少开展一次全面防火检查。"
    ),
    "description_en": (
        "Hospitals are fire-safety key units: patrol daily and strengthen night patrols "
        "(Ministry of Public Security Order 61); a full fire check at least quarterly."
    ),
    "target_kind": "location",
    "equipment_category": None,
    "default_frequency": "every_n_days",
    "interval_days": 1,
    "items": [
        choice(
            "patrol_shift",
            ("巡查时段", "Patrol shift"),
            options=[
                option("day", "日间", "Day"),
                option("night", "夜间", "Night"),
            ],
            fail_when=None,
        ),
        pass_fail_na(
            "no_illegal_fire_use",
            ("无违章用火、吸烟现象", "No illegal use of fire or smoking"),
            group=_FIRE_AND_POWER,
            severity="high",
        ),
        pass_fail_na(
            "no_illegal_electricity_use",
            (
                "无私拉乱接电线、违规使用大功率电器，无电动车在室内充电",
                "No improvised wiring, banned high-power appliances or e-bikes charging indoors",
            ),
            group=_FIRE_AND_POWER,
            severity="high",
        ),
        pass_fail_na(
            "evacuation_routes_clear",
            (
                "安全出口、疏散通道畅通，无锁闭、堵塞",
                "Exits and evacuation routes clear, not locked or blocked",
            ),
            group=_EVACUATION,
            severity="high",
        ),
        pass_fail_na(
            "exit_signs_working",
            ("安全疏散指示标志完好有效", "Exit signs in place and lit"),
            group=_EVACUATION,
        ),
        pass_fail_na(
            "emergency_lighting_working",
            ("应急照明完好有效", "Emergency lighting works"),
            group=_EVACUATION,
        ),
        pass_fail_na(
            "fire_doors_closed",
            (
                "常闭式防火门处于关闭状态，闭门器完好",
                "Normally closed fire doors shut, door closers working",
            ),
            group=_EVACUATION,
        ),
        pass_fail_na(
            "fire_shutters_clear",
            ("防火卷帘下无堆放物品", "Nothing stored under fire shutters"),
            group=_EVACUATION,
        ),
        pass_fail_na(
            "extinguishers_in_date",
            (
                "灭火器在位、压力正常、在有效期内",
                "Extinguishers in place, pressure normal, in date",
            ),
            group=_FACILITIES,
        ),
        pass_fail_na(
            "hydrants_complete",
            (
                "消火栓箱完好，水带、水枪齐全，箱前无遮挡",
                "Hydrant cabinets intact with hose and nozzle, nothing in front",
            ),
            group=_FACILITIES,
        ),
        pass_fail_na(
            "fire_signs_in_place",
            ("消防安全标志在位、完整", "Fire-safety signs in place and complete"),
            group=_FACILITIES,
            severity="low",
        ),
        pass_fail_na(
            "key_posts_staffed",
            (
                "消防控制室等重点部位人员在岗在位",
                "Fire control room and other key posts staffed",
            ),
            group=_FACILITIES,
            help_text=(
                "消防控制室实行 24 小时双人值班",
                "The fire control room is staffed by two, 24 h",
            ),
            severity="high",
        ),
        pass_fail_na(
            "previous_hazards_fixed",
            ("上次巡查发现的火灾隐患已整改", "Hazards found last time put right"),
            group=_FOLLOW_UP,
            help_text=("上次无隐患时选“不适用”", "Not applicable if none was found last time"),
            severity="high",
        ),
        free_text("remarks", ("其他情况", "Other remarks")),
    ],
}
