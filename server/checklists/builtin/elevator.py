"""Elevator daily check (电梯日常巡查), filled after scanning the elevator's QR label."""

from __future__ import annotations

from server.checklists.builtin.items import (
    BuiltinTemplate,
    free_text,
    number,
    pass_fail_na,
)

_CAR = ("轿厢", "Car")
_RUNNING = ("运行状况", "Running")
_MACHINE_ROOM = ("机房与底坑", "Machine room and pit")
_RECORDS = ("证照与记录", "Certificates and records")

ELEVATOR: BuiltinTemplate = {
    "key": "elevator",
    "name_zh": "电梯日常巡查",
    "name_en": "Elevator daily check",
    "description_zh": ("电梯安全管理员每日巡查；发现影响安全的问题应立即停梯并通知维保单位。"),
    "description_en": (
        "Daily check by the elevator safety officer; take the elevator out of service and "
        "call the maintenance contractor for anything that affects safety."
    ),
    "target_kind": "equipment",
    "equipment_category": "elevator",
    "default_frequency": "every_n_days",
    "interval_days": 1,
    "items": [
        pass_fail_na(
            "certificate_posted_in_date",
            (
                "《特种设备使用标志》张贴于轿厢内显著位置，且在定期检验有效期内",
                "Statutory inspection certificate posted in the car and in date",
            ),
            group=_RECORDS,
            severity="high",
            evidence="photo",
        ),
        pass_fail_na(
            "maintenance_record_current",
            (
                "维保单位按期维护保养（每 15 日至少一次），记录已签字",
                "Maintenance contractor visits on schedule (at least every 15 days), record signed",
            ),
            group=_RECORDS,
        ),
        pass_fail_na(
            "emergency_phone_works",
            ("紧急报警装置（对讲电话）有效，能与值班室通话", "Emergency alarm and phone work"),
            group=_CAR,
            help_text=("按下报警按钮试通话", "Press the alarm button and talk to the duty room"),
            severity="high",
        ),
        pass_fail_na(
            "lighting_and_fan",
            ("轿厢照明、通风风扇正常", "Car lighting and fan work"),
            group=_CAR,
            severity="low",
        ),
        pass_fail_na(
            "buttons_and_displays",
            (
                "按钮、楼层显示和运行方向指示正常",
                "Buttons, floor display and direction arrows work",
            ),
            group=_CAR,
            severity="low",
        ),
        pass_fail_na(
            "notices_posted",
            ("乘梯须知、安全警示标志齐全", "Passenger notice and safety signs posted"),
            group=_CAR,
            severity="low",
        ),
        pass_fail_na(
            "doors_and_sensor",
            (
                "层门、轿门开关顺畅，门保护装置（光幕或安全触板）有效",
                "Landing and car doors open and close smoothly, door sensor (light curtain "
                "or safety edge) works",
            ),
            group=_RUNNING,
            help_text=("用手遮挡光幕，门应立即重新打开", "Block the curtain: the door must reopen"),
            severity="high",
        ),
        pass_fail_na(
            "levelling_accurate",
            ("平层准确，轿厢与层站地坎无明显高差", "Levels accurately, no step at the sill"),
            group=_RUNNING,
            help_text=("病床电梯平层不准易致推床颠簸、绊倒", "A step jolts beds and trips people"),
        ),
        pass_fail_na(
            "smooth_and_quiet",
            ("运行平稳，无异常声响、振动", "Runs smoothly, no unusual noise or vibration"),
            group=_RUNNING,
        ),
        pass_fail_na(
            "machine_room_tidy",
            (
                "机房门锁闭，无杂物堆放，无漏水渗水，照明正常，灭火器在位",
                "Machine room locked, free of clutter and leaks, lit, extinguisher in place",
            ),
            group=_MACHINE_ROOM,
            help_text=("无机房电梯选“不适用”", "Not applicable to machine-room-less elevators"),
        ),
        number(
            "machine_room_temperature_c",
            ("机房温度", "Machine room temperature"),
            unit="°C",
            minimum=5,
            maximum=40,
            group=_MACHINE_ROOM,
            help_text=("应保持在 5–40 ℃", "Keep between 5 and 40 °C"),
        ),
        pass_fail_na(
            "pit_dry_clean",
            ("底坑无积水、无杂物", "Pit dry and free of rubbish"),
            group=_MACHINE_ROOM,
            help_text=("由维保人员在维保时查看", "Checked by the maintenance contractor on visits"),
        ),
        free_text("remarks", ("其他情况", "Other remarks")),
    ],
}
