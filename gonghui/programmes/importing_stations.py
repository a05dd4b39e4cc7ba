"""Import stations (工会驿站) from a spreadsheet on the generic pipeline: one station a row.

A row names its owning union by the union's code (单位代码); the union must be in the user's scope. A station is
known by its owning union and name: a row naming a station the union already has updates it (non-empty cells
only) or, when nothing differs, is skipped, so re-importing a file changes nothing. Every write goes through
the station services (validation, WGS-84 copy, next inspection date, change log, scope check after write).
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied

from gonghui.orgs.models import Organization
from gonghui.programmes import imports_common, services_stations
from gonghui.programmes.common import owning_union
from gonghui.programmes.models.stations import (
    FACILITIES,
    BuildKind,
    CoordSystem,
    HostType,
    StarRating,
    Station,
    StationStatus,
    facility_codes,
)
from gonghui.utilities.importing import CellError, Column, ImportPipeline, ImportReport

ORG_LABEL = "所属工会代码"
NAME_LABEL = "驿站名称"


def _choices(choices, aliases: dict[str, str], label: str):
    by_text = {text: value for value, text in choices}
    by_text.update({value: value for value, _text in choices})
    by_text.update(aliases)
    options = "、".join(text for _value, text in choices)

    def parse(value):
        text = str(value).strip()
        found = by_text.get(text) or by_text.get(text.upper()) or by_text.get(text.lower())
        if found is None:
            raise CellError(None, f"“{text}”不是有效的{label}，可选：{options}。", "invalid_choice")
        return found

    return parse


COORD_ALIASES = {
    "WGS84": "wgs84", "WGS-84": "wgs84", "GPS": "wgs84", "天地图": "wgs84", "CGCS2000": "wgs84",
    "GCJ02": "gcj02", "GCJ-02": "gcj02", "高德": "gcj02", "腾讯": "gcj02", "高德地图": "gcj02", "腾讯地图": "gcj02",
    "火星坐标": "gcj02", "BD09": "bd09", "BD-09": "bd09", "百度": "bd09", "百度地图": "bd09",
}  # fmt: skip
COORD_TEXTS = [text for _value, text in CoordSystem.choices]
HOST_ALIASES = {"企业": HostType.EMPLOYER, "街道": HostType.STREET_OFFICE, "社区": HostType.STREET_OFFICE,
                "银行": HostType.BANK, "商户": HostType.SHOP, "门店": HostType.SHOP, "公共场所": HostType.PUBLIC_VENUE,
                "加油站": HostType.PUBLIC_VENUE, "工会": HostType.UNION}  # fmt: skip
STAR_ALIASES = {
    **{str(value): value for value, _text in StarRating.choices},
    **{"★" * value: value for value in range(1, 6)},
    **{f"{value}星": value for value in range(1, 6)},
    "无": 0,
    "": 0,
}
STATUS_ALIASES = {"运营中": StationStatus.OPERATING, "正常": StationStatus.OPERATING, "已撤销": StationStatus.REVOKED}
FACILITY_BY_TEXT = {**{label: code for code, label in FACILITIES}, **{code: code for code, _label in FACILITIES},
                    "空调": "climate", "饮用水": "water", "厕所": "toilet", "药箱": "first_aid", "座椅": "seats",
                    "WIFI": "wifi", "wifi": "wifi", "Wi-Fi": "wifi", "阅读": "reading", "书报": "reading",
                    "工具": "repair", "充电桩": "charging", "手机充电": "charging"}  # fmt: skip
_SPLIT = re.compile(r"[、,，;；/\s]+")


def _org_code(value: str) -> str:
    return value.strip().upper()


def _facilities(value: str) -> list[str]:
    codes = []
    for part in _SPLIT.split(str(value)):
        if not part:
            continue
        code = FACILITY_BY_TEXT.get(part)
        if code is None:
            options = "、".join(label for _code, label in FACILITIES)
            raise CellError(None, f"“{part}”不是系统中的服务设施，可选：{options}；多项用顿号分隔。", "invalid_choice")
        if code not in codes:
            codes.append(code)
    return codes


def _degrees(low: float, high: float, label: str):
    def parse(value):
        if not isinstance(value, int | float):
            raise CellError(None, f"“{label}”应为数字，如 31.778700。", "number_invalid")
        if not low <= value <= high:
            raise CellError(None, f"“{label}”{value} 不在 {low} 到 {high} 之间，请检查是否把经度和纬度填反了。")
        return Decimal(str(value))

    return parse


COLUMNS = [
    Column("org_code", ORG_LABEL, synonyms=("单位代码", "工会代码", "所属工会编码"), required=True, kind="code",
           parse=_org_code, example="GH320412001", note="所属工会在系统中的单位代码，见组织机构页面"),
    Column("name", NAME_LABEL, synonyms=("站点名称", "名称"), required=True, width=30, example="湖塘爱心驿站"),
    Column("host_type", "依托单位类型", synonyms=("依托类型",), required=True,
           parse=_choices(HostType.choices, HOST_ALIASES, "依托单位类型")),
    Column("host_name", "依托单位", synonyms=("依托单位名称", "承建单位"), required=True, width=24,
           example="工商银行湖塘支行"),
    Column("address", "地址", synonyms=("详细地址", "驿站地址"), required=True, width=36),
    Column("region_code", "行政区划代码", synonyms=("区划代码",), required=True, kind="code", example="320412"),
    Column("lat", "纬度", synonyms=("纬度(lat)",), required=True, kind="number", parse=_degrees(-90, 90, "纬度"),
           example="31.720300"),
    Column("lng", "经度", synonyms=("经度(lng)",), required=True, kind="number", parse=_degrees(-180, 180, "经度"),
           example="119.970300"),
    Column("coord_system", "坐标系", synonyms=("坐标类型", "地图"), required=True,
           parse=_choices(CoordSystem.choices, COORD_ALIASES, "坐标系"), note="经纬度取自哪种地图"),
    Column("opening_hours", "开放时间", synonyms=("服务时间",), required=True, example="每天 8:00-20:00"),
    Column("service_phone", "服务电话", synonyms=("联系电话",), kind="phone"),
    Column("facilities", "服务设施", synonyms=("设施",), parse=_facilities, width=30,
           note="多项用顿号分隔，如 饮水、充电、卫生间", example="饮水、充电、微波炉"),
    Column("star_rating", "星级", parse=_choices(StarRating.choices, STAR_ALIASES, "星级")),
    Column("star_rated_on", "评星日期", kind="date"),
    Column("star_grounds", "评星依据", width=24),
    Column("status", "状态", synonyms=("运营状态",), required=True,
           parse=_choices(StationStatus.choices, STATUS_ALIASES, "状态")),
    Column("build_kind", "建设类型", parse=_choices(BuildKind.choices, {}, "建设类型")),
    Column("built_on", "建成(提升)日期", synonyms=("建成日期", "提升日期", "建成时间"), kind="date",
           example="2026-03-15"),
    Column("remark", "备注"),
]  # fmt: skip
LABELS = {column.key: column.label for column in COLUMNS} | {"org": ORG_LABEL, "facilities": "服务设施"}
TEMPLATE_CHOICES = {
    "host_type": [text for _value, text in HostType.choices],
    "coord_system": COORD_TEXTS,
    "star_rating": [text for _value, text in StarRating.choices],
    "status": [text for _value, text in StationStatus.choices],
    "build_kind": [text for _value, text in BuildKind.choices],
}
TEMPLATE_NOTES = (
    "每个驿站一行；带 * 的列必须填写。",
    "所属工会代码填工会在系统中的单位代码；只能导入到您管理范围内的工会。",
    "经纬度填小数度数（如 31.720300），并选择取自哪种地图的坐标系："
    "高德、腾讯为 GCJ-02，百度为 BD-09，GPS、天地图为 WGS-84。",
    "服务设施多项用顿号分隔；评了星级的驿站须填写评星日期和评星依据。",
    "运营或暂停的驿站须填写建成(提升)日期。",
    "同一工会下同名的驿站视为同一个：再次导入会更新原记录，空白的格不会清除已有内容。",
)
#: fields compared when a row names an existing station
COMPARED = (*services_stations.STATION_FIELDS, "facilities")


def pipeline() -> ImportPipeline:
    return ImportPipeline(
        COLUMNS,
        duplicate_key=lambda values: (values["org_code"], values["name"]),
        duplicate_column=NAME_LABEL,
        duplicate_message="与第 {first_row} 行是同一工会的同名驿站，请删除重复的行。",
        batch_size=500,
    )


def import_stations(*, user, file, mode: str = "all-or-nothing") -> ImportReport:
    """Import ``file`` as ``user``; each station is filed under the union its row names."""
    unions: dict[str, Organization | None] = {}

    def union(code: str) -> Organization:
        if code not in unions:
            unions[code] = Organization.objects.restrict(user, "view").filter(code=code).first()
        org = unions[code]
        if org is None:
            raise CellError(ORG_LABEL, f"单位代码 {code} 不存在或不在您的管理范围内，请核对。", "org_unknown")
        try:
            return owning_union(user, org, "驿站")
        except PermissionDenied as error:
            raise CellError(ORG_LABEL, str(error), "org_scope") from None

    def apply_one(values: dict) -> str:
        org = union(values.pop("org_code"))
        data = {key: value for key, value in values.items() if value is not None and value != ""}
        existing = Station.objects.restrict(user, "change").filter(org=org, name=data["name"]).first()
        if existing is None:
            if Station.objects.filter(org=org, name=data["name"]).exists():
                raise CellError(NAME_LABEL, f"「{org}」已有驿站「{data['name']}」，您无权修改它。", "not_allowed")
            data.setdefault("facilities", [])
            services_stations.station_create(user=user, data={**data, "org": org})
            return "imported"
        if _same(existing, data):
            return "skipped"
        services_stations.station_update(user=user, station=existing, data=data)
        return "updated"

    return imports_common.run(pipeline(), file, mode=mode, apply_batch=imports_common.apply_each(apply_one, LABELS))


def _same(station: Station, data: dict) -> bool:
    for key, value in data.items():
        if key == "facilities":
            if sorted(value) != sorted(facility_codes(station.facilities)):
                return False
        elif key in ("lat", "lng"):
            if Decimal(value).quantize(Decimal("0.000001")) != getattr(station, key):
                return False
        elif getattr(station, key) != value:
            return False
    return True
