"""Fire-extinguisher check (灭火器检查): the 19 items of GB 50444-2008 appendix C, table C.

Configuration (配置检查) has 11 items and appearance (外观检查) 8. GB 50444 asks for the check
monthly, and every half month in boiler rooms, basements and crowded public places; some of its
mandatory clauses were superseded by GB 55036-2022, the items themselves were not.
"""

from __future__ import annotations

from server.checklists.builtin.items import BuiltinTemplate, pass_fail_na

_CONFIGURATION = ("配置检查", "Configuration")
_APPEARANCE = ("外观检查", "Appearance")

_CONFIGURATION_ITEMS = [
    pass_fail_na(
        "at_set_point",
        ("灭火器放置在配置图表规定的设置点位置", "At its set point on the layout plan"),
        group=_CONFIGURATION,
    ),
    pass_fail_na(
        "mounting_sound",
        (
            "落地、托架、挂钩等设置方式符合设计要求，挂钩、托架无松动、脱落、断裂和明显变形",
            "Mounted as designed (floor, bracket, hook); bracket or hook not loose, detached, "
            "broken or bent",
        ),
        group=_CONFIGURATION,
    ),
    pass_fail_na(
        "nameplate_out_valve_up",
        ("铭牌朝外，器头向上", "Nameplate facing out, valve head up"),
        group=_CONFIGURATION,
        severity="low",
    ),
    pass_fail_na(
        "type_rating_number_as_designed",
        (
            "类型、规格、灭火级别和配置数量符合配置设计要求",
            "Type, size, rating and number as designed",
        ),
        group=_CONFIGURATION,
    ),
    pass_fail_na(
        "area_use_unchanged",
        (
            "配置场所的使用性质（可燃物种类、物态等）未发生变化",
            "Use of the area (kind and state of combustibles) unchanged",
        ),
        group=_CONFIGURATION,
        help_text=(
            "场所用途改变的，须重新核定灭火器配置",
            "If the use changed, the extinguisher provision must be reassessed",
        ),
    ),
    pass_fail_na(
        "not_due_for_service",
        ("未达到送修条件和维修期限", "Not due for service"),
        group=_CONFIGURATION,
        help_text=(
            "干粉、二氧化碳、洁净气体出厂满 5 年首次维修，以后每满 2 年；"
            "水基型出厂满 3 年首次维修，以后每满 1 年",
            "Dry powder, CO2 and clean agent: first service 5 years after manufacture, then "
            "every 2 years; water-based: 3 years, then every year",
        ),
    ),
    pass_fail_na(
        "not_due_for_scrap",
        ("未达到报废条件和报废期限", "Not due for scrap"),
        group=_CONFIGURATION,
        help_text=(
            "报废期限：干粉、洁净气体 10 年，二氧化碳 12 年，水基型 6 年",
            "Scrap after 10 years for dry powder and clean agent, 12 for CO2, 6 for water-based",
        ),
        severity="high",
    ),
    pass_fail_na(
        "outdoor_protected",
        ("室外灭火器有防雨、防晒等保护措施", "Outdoor unit protected from rain and sun"),
        group=_CONFIGURATION,
        help_text=("室内灭火器选“不适用”", "Not applicable indoors"),
        severity="low",
    ),
    pass_fail_na(
        "unobstructed",
        (
            "周围无障碍物、遮挡、拴系等影响取用的现象",
            "Nothing blocking, hiding or tying it down",
        ),
        group=_CONFIGURATION,
    ),
    pass_fail_na(
        "cabinet_dry_clean",
        ("灭火器箱未上锁，箱内干燥、清洁", "Cabinet not locked, dry and clean inside"),
        group=_CONFIGURATION,
        help_text=("无灭火器箱时选“不适用”", "Not applicable without a cabinet"),
        severity="low",
    ),
    pass_fail_na(
        "special_protection_intact",
        ("特殊场所中灭火器的保护措施完好", "Protection in special places intact"),
        group=_CONFIGURATION,
        help_text=("无特殊保护要求时选“不适用”", "Not applicable where none is required"),
    ),
]

_APPEARANCE_ITEMS = [
    pass_fail_na(
        "nameplate_legible",
        ("铭牌无残缺，清晰明了", "Nameplate intact and legible"),
        group=_APPEARANCE,
        severity="low",
    ),
    pass_fail_na(
        "markings_complete",
        (
            "灭火剂、驱动气体、充装压力、总质量、灭火级别、制造厂名、生产或维修日期等标志"
            "及操作说明齐全",
            "Markings (agent, propellant, fill pressure, mass, rating, maker, date of "
            "manufacture or service) and instructions complete",
        ),
        group=_APPEARANCE,
        severity="low",
    ),
    pass_fail_na(
        "seal_and_pin_intact",
        ("铅封、销闩等保险装置未损坏或遗失", "Seal and safety pin intact"),
        group=_APPEARANCE,
        severity="high",
        evidence="photo",
    ),
    pass_fail_na(
        "body_sound",
        (
            "筒体无明显损伤、缺陷、锈蚀（特别是筒底和焊缝）、泄漏",
            "Body free of dents, defects, corrosion (base and welds) and leaks",
        ),
        group=_APPEARANCE,
        severity="high",
        evidence="photo",
    ),
    pass_fail_na(
        "hose_nozzle_clear",
        ("喷射软管完好，无明显龟裂，喷嘴不堵塞", "Hose intact without cracks, nozzle clear"),
        group=_APPEARANCE,
    ),
    pass_fail_na(
        "pressure_in_green_zone",
        (
            "驱动气体压力在工作压力范围内（压力表指针在绿区）",
            "Propellant pressure in the working range (gauge in the green zone)",
        ),
        group=_APPEARANCE,
        help_text=(
            "贮压式看压力指示器是否在绿区；二氧化碳和储气瓶式灭火器用称重法检查",
            "Stored-pressure units: gauge in the green zone; CO2 and cartridge units: weigh them",
        ),
        severity="high",
        evidence="photo",
    ),
    pass_fail_na(
        "parts_complete",
        ("零部件齐全，无松动、脱落或损伤", "Parts complete, none loose, missing or damaged"),
        group=_APPEARANCE,
    ),
    pass_fail_na(
        "not_discharged",
        ("未开启、未喷射过", "Not opened or discharged"),
        group=_APPEARANCE,
        severity="high",
    ),
]

FIRE_EXTINGUISHER: BuiltinTemplate = {
    "key": "fire_extinguisher",
    "name_zh": "灭火器检查",
    "name_en": "Fire-extinguisher check",
    "description_zh": (
        "按 GB 50444 附录 C 每月检查一次；锅炉房、地下室及人员密集的公共场所每半月检查一次。"
    ),
    "description_en": (
        "The GB 50444 appendix C check, monthly; every half month in boiler rooms, basements "
        "and crowded public areas."
    ),
    "target_kind": "fire_extinguisher",
    "equipment_category": None,
    "default_frequency": "monthly",
    "interval_days": None,
    "items": _CONFIGURATION_ITEMS + _APPEARANCE_ITEMS,
}
