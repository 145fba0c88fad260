"""The demo hospital as plain data, generated deterministically from a reference date.

Dates (extinguisher manufacture and service, statutory inspections) are placed relative to the
reference date, so that whenever the demo is seeded some extinguishers are due for service or
overdue, exactly one is past its scrap date and one elevator is overdue for inspection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Printed by the README and `roundbook setup`: it is a demo login, not a secret.
DEMO_PASSWORD = "roundbook-demo"

# GB 50444-2008 §5.3 and §5.4: years from manufacture to first service, between later
# services, and to scrap, per extinguishing agent.
_FIRST_SERVICE_YEARS = {"dry_powder": 5, "co2": 5, "clean_agent": 5, "water_based": 3}
_SERVICE_EVERY_YEARS = {"dry_powder": 2, "co2": 2, "clean_agent": 2, "water_based": 1}
_SCRAP_YEARS = {"dry_powder": 10, "co2": 12, "clean_agent": 10, "water_based": 6}


@dataclass(frozen=True)
class DemoSite:
    """The hospital itself."""

    code: str
    name_zh: str
    name_en: str
    timezone: str


@dataclass(frozen=True)
class DemoDepartment:
    """A department (科室) or contractor."""

    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class DemoFloor:
    """A floor; a negative level is a basement."""

    level: int
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class DemoBuilding:
    """A building and its floors, lowest first."""

    code: str
    name_zh: str
    name_en: str
    floors: tuple[DemoFloor, ...]


@dataclass(frozen=True)
class DemoLocation:
    """A ward, room, plant room or outdoor area, on one floor of one building."""

    code: str
    name_zh: str
    name_en: str
    building_code: str
    floor_level: int
    kind: str
    department_code: str


@dataclass(frozen=True)
class DemoExtinguisher:
    """A fire extinguisher; manufactured_on and last_serviced_on follow GB 50444."""

    code: str
    name_zh: str
    name_en: str
    location_code: str
    agent: str
    capacity_kg: float
    manufactured_on: dt.date
    last_serviced_on: dt.date | None


@dataclass(frozen=True)
class DemoBaitStation:
    """A numbered rodent bait station."""

    number: int
    code: str
    name_zh: str
    name_en: str
    location_code: str
    bait_type: str


@dataclass(frozen=True)
class DemoEquipment:
    """A QR-tagged piece of equipment with its own checklist."""

    code: str
    name_zh: str
    name_en: str
    category: str
    location_code: str
    model: str
    serial_number: str
    statutory_inspection_due_on: dt.date | None
    responsible_username: str


@dataclass(frozen=True)
class DemoUser:
    """A demo login; role 'super_admin' means User.is_super_admin and no site membership."""

    username: str
    display_name_zh: str
    display_name_en: str
    role: str
    department_code: str

    @property
    def is_super_admin(self) -> bool:
        """The super admin manages every site rather than holding a role on one."""
        return self.role == "super_admin"


@dataclass(frozen=True)
class DemoHospital:
    """Everything the demo seeds into one site."""

    reference_date: dt.date
    site: DemoSite
    departments: tuple[DemoDepartment, ...]
    buildings: tuple[DemoBuilding, ...]
    locations: tuple[DemoLocation, ...]
    extinguishers: tuple[DemoExtinguisher, ...]
    bait_stations: tuple[DemoBaitStation, ...]
    equipment: tuple[DemoEquipment, ...]
    users: tuple[DemoUser, ...]


SITE = DemoSite("DEMO", "示范人民医院", "Demo People's Hospital", "Asia/Shanghai")

DEPARTMENTS = (
    DemoDepartment("ZWK", "总务科", "General Affairs"),
    DemoDepartment("BWK", "保卫科", "Security"),
    DemoDepartment("SBK", "设备科", "Equipment"),
    DemoDepartment("YGK", "院感科", "Infection Control"),
    DemoDepartment("MZB", "门诊部", "Outpatient Department"),
    DemoDepartment("NK", "内科", "Internal Medicine"),
    DemoDepartment("WK", "外科", "Surgery"),
    DemoDepartment("EK", "儿科", "Paediatrics"),
    DemoDepartment("FCK", "妇产科", "Obstetrics and Gynaecology"),
    DemoDepartment("FSK", "放射科", "Radiology"),
    DemoDepartment("CSK", "超声科", "Ultrasound"),
    DemoDepartment("BJGS", "后勤保洁公司", "Cleaning contractor"),
    DemoDepartment("YHSW", "有害生物防制公司", "Pest-control contractor"),
)

_CHINESE_NUMERALS = "一二三四五六七八九十"


def _floor(level: int) -> DemoFloor:
    if level < 0:
        return DemoFloor(level, f"地下{_CHINESE_NUMERALS[-level - 1]}层", f"Basement {-level}")
    return DemoFloor(level, f"{_CHINESE_NUMERALS[level - 1]}层", f"Floor {level}")


BUILDINGS = (
    DemoBuilding(
        "MZ",
        "门诊医技楼",
        "Outpatient and Diagnostics Building",
        tuple(map(_floor, (-1, 1, 2, 3, 4))),
    ),
    DemoBuilding(
        "ZY", "住院楼", "Inpatient Building", tuple(map(_floor, (-1, 1, 2, 3, 4, 5, 6, 7)))
    ),
)


def _ward(floor_level: int, wing: str, name_zh: str, name_en: str, department: str) -> DemoLocation:
    return DemoLocation(
        f"ZY-{floor_level}-{wing}", name_zh, name_en, "ZY", floor_level, "ward", department
    )


WARDS = (
    _ward(2, "E", "儿科一病区", "Paediatrics Ward 1", "EK"),
    _ward(2, "W", "儿科二病区", "Paediatrics Ward 2", "EK"),
    _ward(3, "E", "内科一病区", "Internal Medicine Ward 1", "NK"),
    _ward(3, "W", "内科二病区", "Internal Medicine Ward 2", "NK"),
    _ward(4, "E", "内科三病区", "Internal Medicine Ward 3", "NK"),
    _ward(4, "W", "内科四病区", "Internal Medicine Ward 4", "NK"),
    _ward(5, "E", "外科一病区", "Surgery Ward 1", "WK"),
    _ward(5, "W", "外科二病区", "Surgery Ward 2", "WK"),
    _ward(6, "E", "外科三病区", "Surgery Ward 3", "WK"),
    _ward(6, "W", "外科四病区", "Surgery Ward 4", "WK"),
    _ward(7, "E", "妇科病区", "Gynaecology Ward", "FCK"),
    _ward(7, "W", "产科病区", "Obstetrics Ward", "FCK"),
)

OTHER_LOCATIONS = (
    DemoLocation("MZ-B1-CAR", "地下停车场", "Basement car park", "MZ", -1, "public_area", "ZWK"),
    DemoLocation(
        "MZ-B1-PDR",
        "门诊医技楼配电室",
        "Outpatient Building power distribution room",
        "MZ",
        -1,
        "plant_room",
        "ZWK",
    ),
    DemoLocation("MZ-B1-BOILER", "锅炉房", "Boiler room", "MZ", -1, "boiler_room", "ZWK"),
    DemoLocation("MZ-1-HALL", "门诊大厅", "Outpatient hall", "MZ", 1, "public_area", "MZB"),
    DemoLocation("MZ-1-LIFT", "门诊电梯厅", "Outpatient lift lobby", "MZ", 1, "public_area", "MZB"),
    DemoLocation("MZ-1-RAD", "放射科", "Radiology", "MZ", 1, "room", "FSK"),
    DemoLocation("MZ-1-FCC", "消防控制室", "Fire control room", "MZ", 1, "room", "BWK"),
    DemoLocation("MZ-2-US", "超声科", "Ultrasound", "MZ", 2, "room", "CSK"),
    DemoLocation("MZ-3-CLINIC", "门诊诊区", "Outpatient clinics", "MZ", 3, "public_area", "MZB"),
    DemoLocation("MZ-4-OFFICE", "行政办公区", "Administration offices", "MZ", 4, "room", "ZWK"),
    DemoLocation(
        "ZY-B1-COR", "住院楼地下通道", "Inpatient basement corridor", "ZY", -1, "corridor", "ZWK"
    ),
    DemoLocation(
        "ZY-B1-PDR",
        "住院楼配电室",
        "Inpatient Building power distribution room",
        "ZY",
        -1,
        "plant_room",
        "ZWK",
    ),
    DemoLocation("ZY-B1-PUMP", "水泵房", "Water pump room", "ZY", -1, "plant_room", "ZWK"),
    DemoLocation("ZY-B1-KITCHEN", "营养食堂厨房", "Kitchen", "ZY", -1, "kitchen", "ZWK"),
    DemoLocation("ZY-B1-EQSTORE", "设备库房", "Equipment store", "ZY", -1, "store", "SBK"),
    DemoLocation("ZY-1-HALL", "住院部大厅", "Admissions hall", "ZY", 1, "public_area", "ZWK"),
    DemoLocation(
        "ZY-1-LIFT", "住院楼电梯厅", "Inpatient lift lobby", "ZY", 1, "public_area", "ZWK"
    ),
    DemoLocation("ZY-1-O2", "氧气瓶库", "Oxygen cylinder store", "ZY", 1, "store", "SBK"),
    DemoLocation("ZY-1-MW", "医疗废物暂存间", "Medical-waste room", "ZY", 1, "store", "YGK"),
    DemoLocation("ZY-1-RUB", "生活垃圾暂存点", "Temporary rubbish store", "ZY", 1, "store", "BJGS"),
    DemoLocation(
        "ZY-1-RUBCH",
        "住院楼北侧垃圾通道",
        "Rubbish channel north of the Inpatient Building",
        "ZY",
        1,
        "outdoor",
        "BJGS",
    ),
)

LOCATIONS = WARDS + OTHER_LOCATIONS

USERS = (
    DemoUser("admin", "系统管理员", "System Administrator", "super_admin", "ZWK"),
    DemoUser("siteadmin", "刘敏", "Liu Min", "site_admin", "ZWK"),
    DemoUser("inspector", "陈静", "Chen Jing", "inspector", "YGK"),
    DemoUser("crew", "李强", "Li Qiang", "maintenance", "ZWK"),
    DemoUser("reviewer", "赵丽", "Zhao Li", "reviewer", "BWK"),
)

# Extinguishers per location: (location, agent, capacity in kg, how many). 60 in all.
_EXTINGUISHER_PLAN = tuple((ward.code, "dry_powder", 4.0, 2) for ward in WARDS) + (
    ("MZ-B1-CAR", "dry_powder", 4.0, 4),
    ("MZ-B1-PDR", "co2", 5.0, 2),
    ("MZ-B1-BOILER", "dry_powder", 8.0, 2),
    ("MZ-1-HALL", "water_based", 6.0, 2),
    ("MZ-1-HALL", "dry_powder", 4.0, 1),
    ("MZ-1-LIFT", "dry_powder", 4.0, 1),
    ("MZ-1-RAD", "clean_agent", 4.0, 2),
    ("MZ-1-FCC", "co2", 3.0, 1),
    ("MZ-2-US", "dry_powder", 4.0, 2),
    ("MZ-3-CLINIC", "water_based", 6.0, 2),
    ("MZ-4-OFFICE", "dry_powder", 4.0, 2),
    ("ZY-B1-COR", "dry_powder", 4.0, 2),
    ("ZY-B1-PDR", "co2", 5.0, 2),
    ("ZY-B1-PUMP", "dry_powder", 4.0, 1),
    ("ZY-B1-KITCHEN", "water_based", 6.0, 1),
    ("ZY-B1-KITCHEN", "dry_powder", 4.0, 1),
    ("ZY-B1-EQSTORE", "dry_powder", 4.0, 1),
    ("ZY-1-HALL", "water_based", 6.0, 2),
    ("ZY-1-LIFT", "dry_powder", 4.0, 1),
    ("ZY-1-O2", "dry_powder", 4.0, 1),
    ("ZY-1-MW", "dry_powder", 4.0, 1),
    ("ZY-1-RUB", "dry_powder", 4.0, 1),
    ("ZY-1-RUBCH", "dry_powder", 4.0, 1),
)

_AGENT_NAMES = {
    "dry_powder": ("干粉灭火器", "dry-powder extinguisher"),
    "co2": ("二氧化碳灭火器", "CO2 extinguisher"),
    "water_based": ("水基型灭火器", "water-based extinguisher"),
    "clean_agent": ("洁净气体灭火器", "clean-agent extinguisher"),
}

# Extinguishers (by position in the plan) whose next service is due soon or overdue:
# position -> (which scheduled service, 1 = first; days from the reference date to it).
# A negative number of days means the service was missed.
_SERVICE_DUE = {4: (1, 12), 15: (2, 24), 27: (1, 6), 36: (1, -20), 44: (2, -55), 52: (1, -90)}
# The one extinguisher kept 40 days past its scrap date.
_PAST_SCRAP_POSITION = 9
_PAST_SCRAP_DAYS = 40

# Bait stations per location, at the key places of DOMAIN §2. 40 in all.
_BAIT_STATION_PLAN = (
    ("ZY-B1-KITCHEN", 6),
    ("ZY-1-RUBCH", 6),
    ("ZY-1-RUB", 4),
    ("ZY-1-MW", 4),
    ("MZ-1-RAD", 3),
    ("MZ-2-US", 3),
    ("MZ-4-OFFICE", 3),
    ("ZY-1-HALL", 2),
    ("ZY-B1-COR", 3),
    ("MZ-B1-CAR", 4),
    ("MZ-B1-BOILER", 2),
)
_BAIT_WAX_BLOCK = "溴敌隆蜡块 bromadiolone wax block"
# No poison where food is prepared: the kitchen's stations hold glue boards.
_BAIT_GLUE_BOARD = "粘鼠板 glue board"

# Equipment: (code, name zh, name en, category, location, model, serial number,
# days from the reference date to the statutory inspection or None).
_EQUIPMENT_PLAN: tuple[tuple[str, str, str, str, str, str, str, int | None], ...] = (
    ("LIFT-01", "住院楼1号病床电梯", "Inpatient bed lift 1", "elevator", "ZY-1-LIFT",
     "TKB1600/1.75-JXW", "DT3201-2016-0417", -12),
    ("LIFT-02", "住院楼2号病床电梯", "Inpatient bed lift 2", "elevator", "ZY-1-LIFT",
     "TKB1600/1.75-JXW", "DT3201-2016-0418", 9),
    ("LIFT-03", "住院楼3号病床电梯", "Inpatient bed lift 3", "elevator", "ZY-1-LIFT",
     "TKB1600/1.75-JXW", "DT3201-2016-0419", 24),
    ("LIFT-04", "住院楼4号病床电梯", "Inpatient bed lift 4", "elevator", "ZY-1-LIFT",
     "TKB1600/1.75-JXW", "DT3201-2016-0420", 75),
    ("LIFT-05", "住院楼5号污物电梯", "Inpatient soiled-goods lift", "elevator", "ZY-1-LIFT",
     "THJ1000/0.5", "DT3201-2016-0421", 130),
    ("LIFT-06", "门诊1号客梯", "Outpatient passenger lift 1", "elevator", "MZ-1-LIFT",
     "TKJ1000/1.75-JXW", "DT3201-2018-1102", 190),
    ("LIFT-07", "门诊2号客梯", "Outpatient passenger lift 2", "elevator", "MZ-1-LIFT",
     "TKJ1000/1.75-JXW", "DT3201-2018-1103", 250),
    ("LIFT-08", "门诊3号客梯", "Outpatient passenger lift 3", "elevator", "MZ-1-LIFT",
     "TKJ1000/1.75-JXW", "DT3201-2018-1104", 310),
    ("O2-01", "氧气瓶库", "Oxygen cylinder store", "oxygen_store", "ZY-1-O2",
     "30 x 40 L cylinder bays", "YQK-01", None),
    ("PDR-01", "门诊医技楼低压配电柜", "Outpatient Building LV switchboard",
     "power_distribution", "MZ-B1-PDR", "GCK-0.4kV", "PD-MZ-2016-01", None),
    ("PDR-02", "住院楼低压配电柜", "Inpatient Building LV switchboard",
     "power_distribution", "ZY-B1-PDR", "MNS-0.4kV", "PD-ZY-2016-01", None),
    ("AED-01", "门诊大厅 AED", "Outpatient hall AED", "aed_emergency_cart", "MZ-1-HALL",
     "AED-3100", "AED20210561", None),
    ("AED-02", "住院部大厅 AED", "Admissions hall AED", "aed_emergency_cart", "ZY-1-HALL",
     "AED-3100", "AED20210562", None),
    ("CART-01", "放射科抢救车", "Radiology emergency cart", "aed_emergency_cart", "MZ-1-RAD",
     "QJC-680", "QJC-2020-031", None),
    ("CART-02", "儿科一病区抢救车", "Paediatrics Ward 1 emergency cart", "aed_emergency_cart",
     "ZY-2-E", "QJC-680", "QJC-2020-032", None),
    ("CART-03", "内科一病区抢救车", "Internal Medicine Ward 1 emergency cart",
     "aed_emergency_cart", "ZY-3-E", "QJC-680", "QJC-2020-033", None),
    ("CART-04", "内科三病区抢救车", "Internal Medicine Ward 3 emergency cart",
     "aed_emergency_cart", "ZY-4-E", "QJC-680", "QJC-2020-034", None),
    ("CART-05", "外科一病区抢救车", "Surgery Ward 1 emergency cart", "aed_emergency_cart",
     "ZY-5-E", "QJC-680", "QJC-2020-035", None),
    ("CART-06", "外科三病区抢救车", "Surgery Ward 3 emergency cart", "aed_emergency_cart",
     "ZY-6-E", "QJC-680", "QJC-2020-036", None),
    ("CART-07", "产科病区抢救车", "Obstetrics Ward emergency cart", "aed_emergency_cart",
     "ZY-7-W", "QJC-680", "QJC-2020-037", None),
    ("BOIL-01", "1号燃气蒸汽锅炉", "Gas-fired steam boiler 1", "boiler", "MZ-B1-BOILER",
     "WNS2-1.25-Q", "GL-2015-0088", 40),
    ("BOIL-02", "2号燃气蒸汽锅炉", "Gas-fired steam boiler 2", "boiler", "MZ-B1-BOILER",
     "WNS2-1.25-Q", "GL-2015-0089", 160),
    ("PV-01", "分汽缸", "Steam header", "pressure_vessel", "MZ-B1-BOILER",
     "DN400-1.25MPa", "RQ-2015-0301", 95),
    ("PV-02", "容积式热水换热器", "Storage water heater (heat exchanger)", "pressure_vessel",
     "MZ-B1-BOILER", "RV-04-1.0/1.0", "RQ-2015-0302", 400),
    ("PV-03", "医用空气储气罐", "Medical air receiver", "pressure_vessel", "ZY-B1-PUMP",
     "C-1.0/0.8", "RQ-2017-0115", 700),
    ("PUMP-01", "生活供水泵组", "Domestic water booster set", "water_pump", "ZY-B1-PUMP",
     "CDLF32-60", "WP-2016-0201", None),
    ("PUMP-02", "消火栓泵", "Fire hydrant pump", "water_pump", "ZY-B1-PUMP",
     "XBD8.0/30-125", "WP-2016-0202", None),
    ("PUMP-03", "自动喷淋泵", "Sprinkler pump", "water_pump", "ZY-B1-PUMP",
     "XBD8.0/25-100", "WP-2016-0203", None),
    ("GAS-01", "燃气调压柜", "Gas pressure regulating cabinet", "gas", "MZ-B1-BOILER",
     "RX200/0.4", "RQ-TY-2015-01", None),
    ("GAS-02", "厨房可燃气体报警及切断装置", "Kitchen gas detector and shut-off valve", "gas",
     "ZY-B1-KITCHEN", "GQ-ES-2000", "BJ-2019-0623", None),
)  # fmt: skip


def demo_hospital(reference_date: dt.date) -> DemoHospital:
    """The demo hospital as of reference_date; the same date always gives the same data."""
    return DemoHospital(
        reference_date=reference_date,
        site=SITE,
        departments=DEPARTMENTS,
        buildings=BUILDINGS,
        locations=LOCATIONS,
        extinguishers=_extinguishers(reference_date),
        bait_stations=_bait_stations(),
        equipment=_equipment(reference_date),
        users=USERS,
    )


def _extinguishers(reference_date: dt.date) -> tuple[DemoExtinguisher, ...]:
    units: list[DemoExtinguisher] = []
    for location_code, agent, capacity_kg in _expand(_EXTINGUISHER_PLAN):
        position = len(units)
        manufactured_on, last_serviced_on = _extinguisher_dates(agent, position, reference_date)
        name_zh, name_en = _AGENT_NAMES[agent]
        units.append(
            DemoExtinguisher(
                code=f"MHQ-{position + 1:03d}",
                name_zh=f"{capacity_kg:g} kg {name_zh}",
                name_en=f"{capacity_kg:g} kg {name_en}",
                location_code=location_code,
                agent=agent,
                capacity_kg=capacity_kg,
                manufactured_on=manufactured_on,
                last_serviced_on=last_serviced_on,
            )
        )
    return tuple(units)


def _expand(plan: tuple[tuple[str, str, float, int], ...]) -> list[tuple[str, str, float]]:
    return [(location, agent, kg) for location, agent, kg, count in plan for _ in range(count)]


def _extinguisher_dates(
    agent: str, position: int, reference_date: dt.date
) -> tuple[dt.date, dt.date | None]:
    """Manufacture and last service dates; every service up to the reference date was done
    on time, except in the _SERVICE_DUE cases with a negative number of days."""
    if position == _PAST_SCRAP_POSITION:
        scrap_on = reference_date - dt.timedelta(days=_PAST_SCRAP_DAYS)
        manufactured_on = _add_years(scrap_on, -_SCRAP_YEARS[agent])
        done = [day for day in _service_dates(agent, manufactured_on) if day <= reference_date]
        return manufactured_on, done[-1] if done else None
    if position in _SERVICE_DUE:
        service_number, days_to_due = _SERVICE_DUE[position]
    else:
        # Healthy: alternate first and second service, due 90 days to a year or more ahead.
        service_number = 1 + position % 2
        span_days = 365 * (
            _FIRST_SERVICE_YEARS[agent] if service_number == 1 else _SERVICE_EVERY_YEARS[agent]
        )
        days_to_due = 90 + (position * 97) % (span_days - 120)
    due_on = reference_date + dt.timedelta(days=days_to_due)
    manufactured_on = _add_years(due_on, -_years_to_service(agent, service_number))
    last_serviced_on = (
        _add_years(manufactured_on, _years_to_service(agent, service_number - 1))
        if service_number > 1
        else None
    )
    return manufactured_on, last_serviced_on


def _years_to_service(agent: str, service_number: int) -> int:
    """Years from manufacture to the n-th scheduled service (GB 50444)."""
    return _FIRST_SERVICE_YEARS[agent] + (service_number - 1) * _SERVICE_EVERY_YEARS[agent]


def _service_dates(agent: str, manufactured_on: dt.date) -> list[dt.date]:
    """Every scheduled service before the scrap date."""
    dates: list[dt.date] = []
    service_number = 1
    while _years_to_service(agent, service_number) < _SCRAP_YEARS[agent]:
        dates.append(_add_years(manufactured_on, _years_to_service(agent, service_number)))
        service_number += 1
    return dates


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def _bait_stations() -> tuple[DemoBaitStation, ...]:
    locations = [code for code, count in _BAIT_STATION_PLAN for _ in range(count)]
    return tuple(
        DemoBaitStation(
            number=number,
            code=f"SB-{number:03d}",
            name_zh=f"{number}号毒饵站",
            name_en=f"Bait station {number}",
            location_code=location_code,
            bait_type=_BAIT_GLUE_BOARD if location_code == "ZY-B1-KITCHEN" else _BAIT_WAX_BLOCK,
        )
        for number, location_code in enumerate(locations, start=1)
    )


def _equipment(reference_date: dt.date) -> tuple[DemoEquipment, ...]:
    return tuple(
        DemoEquipment(
            code=code,
            name_zh=name_zh,
            name_en=name_en,
            category=category,
            location_code=location_code,
            model=model,
            serial_number=serial_number,
            statutory_inspection_due_on=(
                None if days_to_due is None else reference_date + dt.timedelta(days=days_to_due)
            ),
            responsible_username="crew",
        )
        for (
            code,
            name_zh,
            name_en,
            category,
            location_code,
            model,
            serial_number,
            days_to_due,
        ) in _EQUIPMENT_PLAN
    )
