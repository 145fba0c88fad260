"""AED and emergency cart check (抢救车及 AED 检查): 急救物品、药品完好率 100%."""

from __future__ import annotations

from server.checklists.builtin.items import (
    BuiltinTemplate,
    free_text,
    pass_fail_na,
)

_CART = ("抢救车", "Emergency cart")
_AED = ("AED / 除颤仪", "AED / defibrillator")
_RECORDS = ("管理", "Management")

AED_EMERGENCY_CART: BuiltinTemplate = {
    "key": "aed_emergency_cart",
    "name_zh": "抢救车及 AED 检查",
    "name_en": "Emergency cart and AED check",
    "description_zh": (
        "急救物品、药品完好率须达 100%：每件物品在位、封存、在有效期内；"
        "AED 自检正常、电池和电极片在有效期内。"
    ),
    "description_en": (
        "Emergency items and drugs must be 100% ready: every item present, sealed and in "
        "date; the AED self-test passes and its battery and pads are in date."
    ),
    "target_kind": "equipment",
    "equipment_category": "aed_emergency_cart",
    "default_frequency": "every_n_days",
    "interval_days": 1,
    "items": [
        pass_fail_na(
            "cart_sealed",
            ("抢救车一次性封条完好，封存登记清楚", "Cart seal intact and logged"),
            group=_CART,
            help_text=(
                "封条破损或开启后须重新清点、补齐并封存",
                "After a broken seal or use: count, restock and reseal",
            ),
            severity="high",
            evidence="photo",
        ),
        pass_fail_na(
            "items_match_list",
            (
                "药品、物品与基数卡相符，定位放置，数量齐全",
                "Drugs and items match the inventory card, each in its place",
            ),
            group=_CART,
            severity="critical",
        ),
        pass_fail_na(
            "items_in_date",
            ("药品、物品均在有效期内，无过期", "Every drug and item in date"),
            group=_CART,
            severity="critical",
        ),
        pass_fail_na(
            "near_expiry_flagged",
            ("近效期药品、物品已标识并及时更换", "Items near expiry flagged and replaced"),
            group=_CART,
            help_text=("有效期不足 3 个月为近效期", "Near expiry: less than three months left"),
            severity="low",
        ),
        pass_fail_na(
            "devices_working",
            (
                "简易呼吸器、吸引器、喉镜等器械性能良好",
                "Bag-valve mask, suction unit, laryngoscope and other devices work",
            ),
            group=_CART,
            severity="high",
        ),
        pass_fail_na(
            "aed_self_test_ok",
            ("AED 自检状态指示正常", "AED self-test indicator shows ready"),
            group=_AED,
            help_text=("状态窗显示绿色或“√”", "Status window green or showing a tick"),
            severity="critical",
            evidence="photo",
        ),
        pass_fail_na(
            "battery_in_date",
            ("电池电量充足，在有效期内", "Battery charged and in date"),
            group=_AED,
            severity="high",
        ),
        pass_fail_na(
            "pads_in_date",
            ("电极片包装完好，在有效期内", "Pads sealed and in date"),
            group=_AED,
            help_text=("儿科区域须备儿童电极片", "Paediatric areas keep child pads too"),
            severity="high",
        ),
        pass_fail_na(
            "defibrillator_charged",
            (
                "除颤仪处于充电备用状态，导电糊、记录纸齐全",
                "Defibrillator on charge and ready, gel and paper stocked",
            ),
            group=_AED,
            help_text=("仅配 AED 时选“不适用”", "Not applicable where only an AED is kept"),
            severity="high",
        ),
        pass_fail_na(
            "clean_and_placed",
            (
                "车体清洁，放置位置固定、取用通道畅通",
                "Cart clean, kept in its fixed place with a clear path",
            ),
            group=_RECORDS,
            severity="low",
        ),
        pass_fail_na(
            "check_log_signed",
            ("交接班清点及检查登记本已签字", "Handover count and check log signed"),
            group=_RECORDS,
            severity="low",
        ),
        free_text("remarks", ("其他情况", "Other remarks")),
    ],
}
