"""Ward round (病房巡查): the daily walk of each ward by the rotating section chiefs."""

from __future__ import annotations

from server.checklists.builtin.items import (
    BuiltinTemplate,
    choice,
    free_text,
    option,
    pass_fail_na,
)

_HYGIENE = ("病房环境卫生", "Ward hygiene")
_SAFETY = ("安全管理", "Safety")
_PATIENTS = ("病员管理", "Patients")
_CLEANING = ("保洁质量", "Cleaning quality")

WARD_ROUND: BuiltinTemplate = {
    "key": "ward_round",
    "name_zh": "病房巡查",
    "name_en": "Ward round",
    "description_zh": (
        "行政科室负责人轮流于工作日逐个病区巡查；各科室每月自查一次，"
        "安全生产领导小组每季度检查一次。不合格项须填写说明或拍照。"
    ),
    "description_en": (
        "Walked ward by ward on working days by rotating section chiefs; each department "
        "self-inspects monthly and the safety leadership group inspects quarterly. "
        "A failed item needs a note or a photo."
    ),
    "target_kind": "location",
    "equipment_category": None,
    "default_frequency": "working_days",
    "interval_days": None,
    "items": [
        pass_fail_na(
            "walls_free_of_dust",
            ("四壁无尘", "Walls free of dust"),
            group=_HYGIENE,
            help_text=("墙面、墙角、踢脚线无积灰", "Walls, corners and skirting free of dust"),
            severity="low",
        ),
        pass_fail_na(
            "windows_surfaces_clean",
            ("窗明几净", "Windows and surfaces clean"),
            group=_HYGIENE,
            help_text=(
                "玻璃、窗台、床头柜、桌面洁净",
                "Glass, sills, bedside lockers and tables clean",
            ),
            severity="low",
        ),
        pass_fail_na(
            "floor_clean",
            ("地面无痰迹、污物", "Floor free of spit and dirt"),
            group=_HYGIENE,
            severity="low",
        ),
        pass_fail_na(
            "walls_free_of_nails_wires_notes",
            ("不乱钉钉子、不乱拉线、不乱贴纸条", "No nails, stray wires or notes on walls"),
            group=_HYGIENE,
            severity="low",
        ),
        pass_fail_na(
            "ward_ventilated",
            ("空气流通", "Ward ventilated"),
            group=_HYGIENE,
            help_text=("定时开窗通风，室内无异味", "Windows opened on schedule, no stale smell"),
            severity="low",
        ),
        pass_fail_na(
            "bedpans_washed",
            ("便器随时洗刷", "Bedpans and urinals washed"),
            group=_HYGIENE,
            severity="low",
        ),
        pass_fail_na(
            "waste_dealt_with",
            ("痰盂、废物桶和垃圾及时处理", "Spittoons, waste bins and rubbish dealt with"),
            group=_HYGIENE,
            help_text=("垃圾不超过容器的四分之三", "Bins emptied before three-quarters full"),
            severity="low",
        ),
        pass_fail_na(
            "toilet_clean",
            ("厕所清洁无臭气", "Toilet clean and odour-free"),
            group=_HYGIENE,
            severity="low",
        ),
        pass_fail_na(
            "no_cobwebs",
            ("门窗无蛛网、积尘", "Doors and windows free of cobwebs and dust"),
            group=_HYGIENE,
            severity="low",
        ),
        pass_fail_na(
            "smoke_free",
            (
                "诊疗区域严禁抽烟，控烟标识张贴规范",
                "No smoking in clinical rooms, smoke-free signs posted",
            ),
            group=_SAFETY,
            help_text=("检查有无烟头、烟味", "Look for cigarette ends and smell of smoke"),
        ),
        pass_fail_na(
            "medical_waste_sorted",
            ("医疗废物分类收集、包装封口规范", "Medical waste sorted and sealed"),
            group=_SAFETY,
            help_text=(
                "黄色袋装感染性废物，利器入利器盒，不超过四分之三满，标签齐全",
                "Infectious waste in yellow bags, sharps in sharps boxes, under three-quarters "
                "full, labelled",
            ),
            severity="high",
        ),
        pass_fail_na(
            "safety_exits_clear",
            ("安全出口标识清晰、通道畅通", "Safety-exit signs visible and exits unobstructed"),
            group=_SAFETY,
            help_text=(
                "疏散通道无杂物堆放，安全出口未上锁",
                "No clutter on routes, exits not locked",
            ),
            severity="high",
        ),
        pass_fail_na(
            "damaged_equipment_reported",
            ("设备设施损坏及时报告报修", "Damaged equipment reported for repair"),
            group=_SAFETY,
            help_text=(
                "门窗、水电、呼叫器、床单元等损坏已报修",
                "Broken doors, windows, plumbing, lights, call bells or beds reported",
            ),
        ),
        pass_fail_na(
            "patients_hygiene_linen",
            ("病员清洁、被服及时更换", "Patients' personal hygiene and linen changed"),
            group=_PATIENTS,
            severity="low",
        ),
        choice(
            "cleaning_issues_found",
            ("发现的保洁问题", "Cleaning problems found"),
            options=[
                option("none", "无", "None"),
                option("dust", "积尘", "Dust"),
                option("grime", "污垢", "Grime"),
                option("paper", "纸屑", "Paper scraps"),
                option("clutter", "杂物乱放", "Clutter"),
                option("stains", "污渍", "Stains"),
            ],
            fail_when=None,
            is_multiple=True,
            group=_CLEANING,
            help_text=(
                "记录问题类型；是否扣分按下一项的严重程度判定",
                "Record what was found; the severity below decides whether points are deducted",
            ),
        ),
        choice(
            "cleaning_severity",
            ("保洁问题严重程度", "Severity of cleaning problems"),
            options=[
                option("none", "无问题", "No problem"),
                option(
                    "minor",
                    "轻微（个别点位，当场可纠正）",
                    "Minor (isolated, put right on the spot)",
                ),
                option("moderate", "一般（多处存在）", "Moderate (in several places)"),
                option(
                    "serious", "严重（普遍存在或反复出现）", "Serious (widespread or recurring)"
                ),
            ],
            fail_when=["moderate", "serious"],
            group=_CLEANING,
            help_text=(
                "一般及以上计入责任科室或保洁公司考核扣分",
                "Moderate or worse counts against the department's or contractor's score",
            ),
        ),
        free_text("remarks", ("其他情况", "Other remarks")),
    ],
}
