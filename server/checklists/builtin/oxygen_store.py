"""Oxygen cylinder store check (氧气瓶库巡查)."""

from __future__ import annotations

from server.checklists.builtin.items import (
    BuiltinTemplate,
    free_text,
    number,
    pass_fail_na,
)

_CYLINDERS = ("气瓶", "Cylinders")
_STORE = ("库房安全", "Store safety")
_RECORDS = ("管理记录", "Records")

OXYGEN_STORE: BuiltinTemplate = {
    "key": "oxygen_store",
    "name_zh": "氧气瓶库巡查",
    "name_en": "Oxygen cylinder store check",
    "description_zh": "专人管理，每日巡查气瓶存放、库房防火防油及出入库登记。",
    "description_en": (
        "Kept by a named person; checked daily for cylinder storage, fire and oil hazards "
        "and the issue log."
    ),
    "target_kind": "equipment",
    "equipment_category": "oxygen_store",
    "default_frequency": "every_n_days",
    "interval_days": 1,
    "items": [
        pass_fail_na(
            "cylinders_upright_secured",
            ("气瓶直立存放，有防倾倒链条或支架固定", "Cylinders upright and chained or racked"),
            group=_CYLINDERS,
            severity="high",
        ),
        pass_fail_na(
            "full_empty_separated",
            (
                "满瓶、空瓶分区存放，并有“满瓶”“空瓶”标识",
                "Full and empty cylinders kept apart and labelled",
            ),
            group=_CYLINDERS,
        ),
        pass_fail_na(
            "caps_and_rings_fitted",
            ("瓶帽、防震圈齐全，瓶阀无泄漏", "Caps and rings fitted, valves not leaking"),
            group=_CYLINDERS,
            severity="high",
        ),
        pass_fail_na(
            "cylinders_in_test_date",
            ("气瓶在定期检验有效期内", "Cylinders within their periodic test date"),
            group=_CYLINDERS,
        ),
        pass_fail_na(
            "no_oil_or_grease",
            (
                "气瓶、瓶阀及搬运工具无油脂，操作人员手套无油污",
                "No oil or grease on cylinders, valves, trolleys or gloves",
            ),
            group=_STORE,
            help_text=(
                "油脂遇高压氧气可引起燃烧爆炸",
                "Oil and grease can ignite in high-pressure oxygen",
            ),
            severity="high",
        ),
        pass_fail_na(
            "no_ignition_sources",
            (
                "库内及周边无明火、无易燃物品，严禁烟火",
                "No naked flames or flammables in or near the store",
            ),
            group=_STORE,
            severity="critical",
        ),
        pass_fail_na(
            "ventilated",
            ("库房通风良好，避免阳光直射", "Store ventilated, out of direct sun"),
            group=_STORE,
        ),
        number(
            "store_temperature_c",
            ("库房温度", "Store temperature"),
            unit="°C",
            minimum=None,
            maximum=30,
            group=_STORE,
            help_text=(
                "压缩气体库温不宜超过 30 ℃（GB 15603）",
                "Compressed-gas stores should stay at or below 30 °C (GB 15603)",
            ),
        ),
        pass_fail_na(
            "signage_posted",
            ("“严禁烟火”等安全警示标识齐全", "Warning signs (no smoking, no naked flames) posted"),
            group=_STORE,
            severity="low",
        ),
        pass_fail_na(
            "extinguisher_present",
            ("灭火器在位、有效", "Fire extinguisher in place and in date"),
            group=_STORE,
        ),
        pass_fail_na(
            "door_locked",
            ("库门上锁，非工作人员不得入内", "Door locked, no entry for unauthorised people"),
            group=_STORE,
            severity="low",
        ),
        number(
            "full_cylinders_count",
            ("满瓶数量", "Full cylinders in stock"),
            unit="瓶",
            minimum=5,
            maximum=None,
            group=_RECORDS,
            help_text=(
                "低于安全库存时通知供应商补货（下限按本院用量设定）",
                "Below the safety stock, order more (set the minimum to the hospital's use)",
            ),
            severity="medium",
        ),
        pass_fail_na(
            "log_matches_stock",
            (
                "出入库登记完整，台帐数量与实物相符",
                "Issue log complete, ledger count matches the cylinders",
            ),
            group=_RECORDS,
            severity="low",
        ),
        free_text("remarks", ("其他情况", "Other remarks")),
    ],
}
