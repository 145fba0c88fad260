"""Power distribution room patrol (配电室巡视), filled after scanning the room's QR label."""

from __future__ import annotations

from server.checklists.builtin.items import (
    BuiltinTemplate,
    free_text,
    number,
    pass_fail_na,
    photo,
)

_ENVIRONMENT = ("环境", "Environment")
_EQUIPMENT = ("设备运行", "Equipment")
_SAFETY = ("安全防护", "Safety")
_RECORDS = ("记录", "Records")

POWER_DISTRIBUTION_ROOM: BuiltinTemplate = {
    "key": "power_distribution_room",
    "name_zh": "配电室巡视检查",
    "name_en": "Power distribution room check",
    "description_zh": "值班电工每日巡视，记录温湿度及主要仪表读数，发现异常及时处理并上报。",
    "description_en": (
        "Daily patrol by the duty electrician: record temperature, humidity and the main "
        "meter readings; deal with and report anything abnormal."
    ),
    "target_kind": "equipment",
    "equipment_category": "power_distribution",
    "default_frequency": "every_n_days",
    "interval_days": 1,
    "items": [
        number(
            "room_temperature_c",
            ("室内温度", "Room temperature"),
            unit="°C",
            minimum=5,
            maximum=35,
            group=_ENVIRONMENT,
            help_text=("应在 5–35 ℃", "Keep between 5 and 35 °C"),
        ),
        number(
            "relative_humidity_pct",
            ("相对湿度", "Relative humidity"),
            unit="%",
            minimum=None,
            maximum=75,
            group=_ENVIRONMENT,
            help_text=(
                "不宜超过 75%，潮湿时开启除湿机",
                "At most 75%; run the dehumidifier if damp",
            ),
        ),
        pass_fail_na(
            "no_water_ingress",
            ("无渗漏水，电缆沟无积水", "No water ingress, cable trenches dry"),
            group=_ENVIRONMENT,
            severity="high",
            evidence="photo",
        ),
        pass_fail_na(
            "rodent_barrier_fitted",
            (
                "门口挡鼠板安装到位，通风口、孔洞防小动物封堵完好",
                "Rodent barrier boards at the doors, vents and cable holes sealed "
                "against small animals",
            ),
            group=_ENVIRONMENT,
        ),
        pass_fail_na(
            "room_tidy",
            ("室内整洁，无杂物堆放，通道畅通", "Room tidy, no stored clutter, aisles clear"),
            group=_ENVIRONMENT,
            severity="low",
        ),
        number(
            "busbar_voltage_v",
            ("低压母线电压", "Low-voltage busbar voltage"),
            unit="V",
            minimum=354,
            maximum=406,
            group=_EQUIPMENT,
            help_text=(
                "380 V 系统允许偏差 ±7%（GB/T 12325）",
                "380 V systems: within ±7% (GB/T 12325)",
            ),
            severity="high",
        ),
        pass_fail_na(
            "meters_and_indicators_normal",
            (
                "开关柜仪表指示在正常范围，指示灯与开关位置一致",
                "Switchboard meters in range, indicator lamps match switch positions",
            ),
            group=_EQUIPMENT,
        ),
        pass_fail_na(
            "no_abnormal_noise_smell",
            (
                "变压器、开关柜无异常声响、异味、过热",
                "Transformers and switchboards without unusual noise, smell or heat",
            ),
            group=_EQUIPMENT,
            severity="high",
        ),
        pass_fail_na(
            "insulating_mats_and_tools",
            (
                "绝缘垫铺设完好，绝缘手套、绝缘靴在检验有效期内",
                "Insulating mats in place, insulating gloves and boots within test date",
            ),
            group=_SAFETY,
        ),
        pass_fail_na(
            "extinguisher_present",
            (
                "灭火器在位、有效（二氧化碳或干粉）",
                "Extinguisher (CO2 or dry powder) in place and in date",
            ),
            group=_SAFETY,
        ),
        pass_fail_na(
            "emergency_lighting",
            ("应急照明正常", "Emergency lighting works"),
            group=_SAFETY,
        ),
        pass_fail_na(
            "signs_and_diagram",
            (
                "安全警示标识、一次系统模拟图齐全",
                "Warning signs and single-line diagram posted",
            ),
            group=_SAFETY,
            severity="low",
        ),
        pass_fail_na(
            "duty_log_complete",
            ("值班运行记录填写完整", "Duty log complete"),
            group=_RECORDS,
            severity="low",
        ),
        photo(
            "switchboard_photo",
            ("主进线柜仪表照片", "Photo of the main incoming panel meters"),
            group=_RECORDS,
        ),
        free_text("remarks", ("其他情况", "Other remarks")),
    ],
}
