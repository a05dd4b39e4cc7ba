"""The two forms of the annual statistics return (统计年报), as declarative definitions.

Modelled on the ACFTU 工会统计年报: the grassroots union form (基层工会统计表) and the above-grassroots form
(县以上工会统计表). Each row says how its figure is obtained:

- ``records``: a function of the unit's subtree and the statistics window, over the registry (orgs, members,
  employers);
- ``source``: a computed indicator source registered in ``gonghui.targets.sources`` (any app's: rights,
  programmes, honours, dues, …), summed over the window (or taken at its end for stock sources). A source that is
  not registered (its module not installed yet) makes the row hand-entered (填报) until it is;
- ``manual``: entered by hand (填报), e.g. 职代会 and 厂务公开;
- ``ratio``: a percentage of two other rows of the same form, recomputed from their reported figures.

``concept`` ties rows of both forms that count the same thing: an above-grassroots form takes the net corrections
of its accepted sub-units' returns on the same concept (and, for hand-entered rows, their figures).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from gonghui.targets import sources

NUMBER = "number"
TEXT = "text"
CHOICE = "choice"
RATIO = "ratio"
YES_NO = ("是", "否")
#: units whose figures are whole numbers
WHOLE_UNITS = {"个", "人", "家", "件", "人次", "次", "份", "户", "场"}


@dataclass(frozen=True)
class Window:
    """The statistics window; duck-types ``utilities.periods.Period`` for ``sources.value``."""

    start: datetime.date
    end: datetime.date


@dataclass(frozen=True)
class Field:
    code: str
    label: str
    unit: str = ""
    kind: str = NUMBER
    section: str = ""
    #: records(org, window) → Decimal | str | None
    records: Callable[[Any, Window], Any] | None = None
    source: str = ""
    manual: bool = False
    ratio: tuple[str, str] | None = None
    concept: str = ""
    choices: tuple[str, ...] = ()
    optional: bool = False
    how: str = ""
    indent: int = 0

    @property
    def is_number(self) -> bool:
        return self.kind in (NUMBER, RATIO)

    @property
    def is_whole(self) -> bool:
        return self.unit in WHOLE_UNITS

    def is_manual_now(self) -> bool:
        """Hand-entered: declared so, or its indicator source is not registered (yet)."""
        if self.manual:
            return True
        return bool(self.source) and sources.get(self.source) is None

    def describe(self) -> str:
        if self.how:
            return self.how
        if self.ratio:
            return f"= 代码{self.ratio[0]} ÷ 代码{self.ratio[1]} × 100"
        if self.source:
            source = sources.get(self.source)
            if source is None:
                return f"填报（指标「{self.source}」的业务模块尚未启用）"
            return f"系统计算：指标「{self.source}」{'统计期末存量' if source.stock else '统计期内合计'}"
        if self.manual:
            return "填报"
        return "系统计算"


@dataclass(frozen=True)
class FormDef:
    key: str
    title: str
    table_number: str
    authority: str
    fields: tuple[Field, ...]

    def field(self, code: str) -> Field:
        return self.by_code[code]

    @property
    def by_code(self) -> dict[str, Field]:
        return {field.code: field for field in self.fields}

    @property
    def sections(self) -> list[tuple[str, list[Field]]]:
        result: list[tuple[str, list[Field]]] = []
        for field in self.fields:
            if not result or result[-1][0] != field.section:
                result.append((field.section, []))
            result[-1][1].append(field)
        return result


# --- records functions -----------------------------------------------------------------------------------


def _subtree(prefix: str, org: Any) -> Q:
    return Q(**{f"{prefix}path__subtree": org.path}) if prefix else Q(path__subtree=org.path)


def _members_at_end(org: Any, window: Window, **extra: Any) -> Decimal:
    """Members on the roll at the window's end: joined by then, not left by then."""
    from gonghui.members.models import Member

    queryset = Member._default_manager.filter(_subtree("org__", org), join_date__lte=window.end).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=window.end)
    )
    return Decimal(queryset.filter(**extra).count())


def _migrant_members(org: Any, window: Window) -> Decimal:
    from gonghui.members.models import Member

    queryset = Member._default_manager.filter(_subtree("org__", org), join_date__lte=window.end).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=window.end)
    )
    return Decimal(queryset.filter(Q(is_migrant_worker=True) | Q(employment_category="migrant")).count())


def members(**extra: Any) -> Callable[[Any, Window], Decimal]:
    return lambda org, window: _members_at_end(org, window, **extra)


def _employers(org: Any) -> Any:
    from gonghui.orgs.models import Employer

    return Employer._default_manager.filter(_subtree("org__", org))


def _own_employers(org: Any) -> Any:
    from gonghui.orgs.models import Employer

    return Employer._default_manager.filter(union_id=org.pk)


def staff_total(field: str, *, own: bool) -> Callable[[Any, Window], Decimal]:
    def compute(org: Any, window: Window) -> Decimal:
        queryset = _own_employers(org) if own else _employers(org)
        return Decimal(queryset.aggregate(total=Sum(field))["total"] or 0)

    return compute


def employers_in_band(low: int, high: int | None, *, unionised: bool = False) -> Callable[[Any, Window], Decimal]:
    def compute(org: Any, window: Window) -> Decimal:
        queryset = _employers(org).filter(staff_count__gte=low)
        if high is not None:
            queryset = queryset.filter(staff_count__lte=high)
        if unionised:
            queryset = queryset.filter(union__isnull=False).filter(
                Q(union__founded_on__isnull=True) | Q(union__founded_on__lte=window.end)
            )
        return Decimal(queryset.count())

    return compute


def unions_of(*types: str) -> Callable[[Any, Window], Decimal]:
    """Unions of the given types in the subtree (the unit itself excluded) existing at the window's end."""

    def compute(org: Any, window: Window) -> Decimal:
        from gonghui.orgs.models import Organization

        queryset = (
            Organization._default_manager.filter(path__subtree=org.path, org_type__in=types)
            .exclude(pk=org.pk)
            .filter(Q(founded_on__isnull=True) | Q(founded_on__lte=window.end))
            .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=window.end))
        )
        return Decimal(queryset.aggregate(n=Count("pk"))["n"])

    return compute


def _employer_attr(attr: str) -> Callable[[Any, Window], str]:
    def compute(org: Any, window: Window) -> str:
        employers = list(_own_employers(org).order_by("-staff_count", "pk")[:2])
        if not employers:
            return ""
        first = employers[0]
        display = getattr(first, f"get_{attr}_display", None)
        value = display() if display else getattr(first, attr)
        return f"{value}（等{_own_employers(org).count()}家）" if len(employers) > 1 and attr == "uscc" else value

    return compute


def _org_attr(attr: str) -> Callable[[Any, Window], str]:
    def compute(org: Any, window: Window) -> str:
        value = getattr(org, attr)
        if isinstance(value, datetime.date):
            return value.isoformat()
        return str(value or "")

    return compute


def _own_employer_count(org: Any, window: Window) -> Decimal:
    return Decimal(_own_employers(org).count())


# --- the grassroots form ---------------------------------------------------------------------------------

BASIC, STAFF, MEMBERSHIP, COMMITTEE, FUNDS, DEMOCRACY = (
    "一、单位基本情况",
    "二、职工情况",
    "三、会员情况",
    "四、工会组织",
    "五、工会经费",
    "六、民主管理",
)

GRASSROOTS_FORM = FormDef(
    key="grassroots",
    title="基层工会统计表",
    table_number="工统基1表",
    authority="中华全国总工会",
    fields=(
        Field("01", "工会名称", kind=TEXT, section=BASIC, records=_org_attr("name"), how="工会组织登记"),
        Field("02", "组织编码", kind=TEXT, section=BASIC, records=_org_attr("code"), how="工会组织登记"),
        Field("03", "统一社会信用代码", kind=TEXT, section=BASIC, records=_employer_attr("uscc"), how="用人单位登记"),
        Field("04", "经济类型", kind=TEXT, section=BASIC, records=_employer_attr("ownership"), how="用人单位登记"),
        Field("05", "行业门类", kind=TEXT, section=BASIC, records=_employer_attr("industry"), how="用人单位登记"),
        Field("06", "行政区划代码", kind=TEXT, section=BASIC, records=_org_attr("region_code"), how="工会组织登记"),
        Field("07", "建会时间", kind=TEXT, section=BASIC, records=_org_attr("founded_on"), how="工会组织登记"),
        Field(
            "08",
            "覆盖用人单位数",
            "家",
            section=BASIC,
            records=_own_employer_count,
            concept="employers_covered",
            how="所属本工会的用人单位",
        ),
        Field(
            "10",
            "职工人数",
            "人",
            section=STAFF,
            records=staff_total("staff_count", own=True),
            concept="staff",
            how="所属用人单位登记的职工人数之和",
        ),
        Field(
            "11",
            "其中：女职工",
            "人",
            section=STAFF,
            records=staff_total("women_count", own=True),
            concept="staff_women",
            indent=1,
            how="所属用人单位登记的女职工人数之和",
        ),
        Field("12", "农民工", "人", section=STAFF, manual=True, concept="staff_migrant", indent=1),
        Field("13", "新就业形态劳动者", "人", section=STAFF, manual=True, concept="staff_new_employment", indent=1),
        Field(
            "20",
            "会员人数",
            "人",
            section=MEMBERSHIP,
            records=members(),
            concept="members",
            how="统计期末在册会员（会员名册）",
        ),
        Field(
            "21",
            "其中：女会员",
            "人",
            section=MEMBERSHIP,
            records=members(gender="female"),
            concept="members_women",
            indent=1,
            how="统计期末在册女会员",
        ),
        Field(
            "22",
            "农民工会员",
            "人",
            section=MEMBERSHIP,
            records=_migrant_members,
            concept="members_migrant",
            indent=1,
            how="统计期末在册、标记为农民工的会员",
        ),
        Field(
            "23",
            "新就业形态劳动者会员",
            "人",
            section=MEMBERSHIP,
            records=members(employment_category="new_employment"),
            concept="members_new_employment",
            indent=1,
            how="统计期末在册、人员类别为新就业形态的会员",
        ),
        Field(
            "24",
            "其中：快递员",
            "人",
            section=MEMBERSHIP,
            records=members(new_employment_type="courier"),
            concept="members_courier",
            indent=2,
            how="新就业形态类型为快递员",
        ),
        Field(
            "25",
            "外卖配送员",
            "人",
            section=MEMBERSHIP,
            records=members(new_employment_type="delivery_rider"),
            concept="members_rider",
            indent=2,
            how="新就业形态类型为外卖配送员",
        ),
        Field(
            "26",
            "网约车司机",
            "人",
            section=MEMBERSHIP,
            records=members(new_employment_type="ride_hailing_driver"),
            concept="members_driver",
            indent=2,
            how="新就业形态类型为网约车司机",
        ),
        Field(
            "27",
            "货车司机",
            "人",
            section=MEMBERSHIP,
            records=members(new_employment_type="truck_driver"),
            concept="members_truck",
            indent=2,
            how="新就业形态类型为货车司机",
        ),
        Field(
            "28", "本年新发展会员", "人", section=MEMBERSHIP, source="members_recruited", concept="members_recruited"
        ),
        Field("29", "会员入会率", "%", kind=RATIO, section=MEMBERSHIP, ratio=("20", "10")),
        Field("30", "工会主席", kind=TEXT, section=COMMITTEE, records=_org_attr("chair_name"), how="工会组织登记"),
        Field(
            "31", "本届任期届满时间", kind=TEXT, section=COMMITTEE, records=_org_attr("term_end"), how="工会组织登记"
        ),
        Field("32", "工会委员会委员", "人", section=COMMITTEE, manual=True, concept="committee_members"),
        Field("33", "其中：女委员", "人", section=COMMITTEE, manual=True, concept="committee_women", indent=1),
        Field("34", "专职工会干部", "人", section=COMMITTEE, manual=True, concept="full_time_cadres", optional=True),
        Field(
            "40", "工会经费收入", "元", section=FUNDS, source="dues_collected", concept="dues_collected", optional=True
        ),
        Field("41", "工会经费支出", "元", section=FUNDS, manual=True, concept="dues_spent", optional=True),
        Field("50", "是否建立职工代表大会制度", kind=CHOICE, section=DEMOCRACY, manual=True, choices=YES_NO),
        Field("51", "本年召开职工代表大会", "次", section=DEMOCRACY, manual=True, concept="congress_sessions"),
        Field("52", "是否实行厂务公开", kind=CHOICE, section=DEMOCRACY, manual=True, choices=YES_NO),
        Field(
            "53",
            "本年签订集体合同",
            "份",
            section=DEMOCRACY,
            source="collective_contracts",
            concept="collective_contracts",
        ),
    ),
)

# --- the above-grassroots form ---------------------------------------------------------------------------

ORGS, MEMBERS, COVERAGE, POSITIONS, ASSISTANCE, RIGHTS, ABOVE_FUNDS = (
    "一、工会组织",
    "二、会员",
    "三、职工与建会率",
    "四、服务阵地",
    "五、帮扶服务",
    "六、维权服务",
    "七、工会经费",
)

ABOVE_FORM = FormDef(
    key="above",
    title="县以上工会统计表",
    table_number="工统综1表",
    authority="中华全国总工会",
    fields=(
        Field(
            "01",
            "基层工会数",
            "个",
            section=ORGS,
            records=unions_of("grassroots", "joint"),
            concept="unions_grassroots",
            how="统计期末存续的基层工会和联合基层工会",
        ),
        Field(
            "02",
            "其中：联合基层工会",
            "个",
            section=ORGS,
            records=unions_of("joint"),
            concept="unions_joint",
            indent=1,
            how="统计期末存续的联合基层工会",
        ),
        Field(
            "03",
            "乡镇(街道)工会",
            "个",
            section=ORGS,
            records=unions_of("town"),
            concept="unions_town",
            how="统计期末存续的乡镇(街道)工会",
        ),
        Field(
            "04",
            "园区工会",
            "个",
            section=ORGS,
            records=unions_of("park"),
            concept="unions_park",
            how="统计期末存续的园区工会",
        ),
        Field(
            "05",
            "区域性/行业性工会联合会",
            "个",
            section=ORGS,
            records=unions_of("alliance"),
            concept="unions_alliance",
            how="统计期末存续的工会联合会",
        ),
        Field("06", "本年新建基层工会", "个", section=ORGS, source="unions_established", concept="unions_established"),
        Field(
            "07",
            "本年新建联合工会/工会联合会",
            "个",
            section=ORGS,
            source="joint_unions_established",
            concept="joint_unions_established",
            indent=1,
        ),
        Field(
            "10",
            "会员总数",
            "人",
            section=MEMBERS,
            records=members(),
            concept="members",
            how="统计期末在册会员（会员名册）",
        ),
        Field(
            "11",
            "其中：女会员",
            "人",
            section=MEMBERS,
            records=members(gender="female"),
            concept="members_women",
            indent=1,
            how="统计期末在册女会员",
        ),
        Field(
            "12",
            "农民工会员",
            "人",
            section=MEMBERS,
            records=_migrant_members,
            concept="members_migrant",
            indent=1,
            how="统计期末在册、标记为农民工的会员",
        ),
        Field(
            "13",
            "新就业形态劳动者会员",
            "人",
            section=MEMBERS,
            records=members(employment_category="new_employment"),
            concept="members_new_employment",
            indent=1,
            how="统计期末在册、人员类别为新就业形态的会员",
        ),
        Field(
            "14",
            "其中：快递员",
            "人",
            section=MEMBERS,
            records=members(new_employment_type="courier"),
            concept="members_courier",
            indent=2,
            how="新就业形态类型为快递员",
        ),
        Field(
            "15",
            "外卖配送员",
            "人",
            section=MEMBERS,
            records=members(new_employment_type="delivery_rider"),
            concept="members_rider",
            indent=2,
            how="新就业形态类型为外卖配送员",
        ),
        Field(
            "16",
            "网约车司机",
            "人",
            section=MEMBERS,
            records=members(new_employment_type="ride_hailing_driver"),
            concept="members_driver",
            indent=2,
            how="新就业形态类型为网约车司机",
        ),
        Field(
            "17",
            "货车司机",
            "人",
            section=MEMBERS,
            records=members(new_employment_type="truck_driver"),
            concept="members_truck",
            indent=2,
            how="新就业形态类型为货车司机",
        ),
        Field("18", "本年新发展会员", "人", section=MEMBERS, source="members_recruited", concept="members_recruited"),
        Field(
            "19",
            "其中：新就业形态劳动者入会",
            "人",
            section=MEMBERS,
            source="new_employment_members",
            concept="new_employment_members",
            indent=1,
        ),
        Field(
            "20",
            "职工人数",
            "人",
            section=COVERAGE,
            records=staff_total("staff_count", own=False),
            concept="staff",
            how="辖区用人单位登记的职工人数之和",
        ),
        Field(
            "21",
            "其中：女职工",
            "人",
            section=COVERAGE,
            records=staff_total("women_count", own=False),
            concept="staff_women",
            indent=1,
            how="辖区用人单位登记的女职工人数之和",
        ),
        Field(
            "22",
            "职工100人以上用人单位",
            "家",
            section=COVERAGE,
            records=employers_in_band(100, None),
            concept="employers_100",
            how="辖区职工人数≥100的用人单位",
        ),
        Field(
            "23",
            "其中：已建会",
            "家",
            section=COVERAGE,
            records=employers_in_band(100, None, unionised=True),
            concept="employers_100_union",
            indent=1,
            how="其中已建立工会（或加入联合工会）的",
        ),
        Field("24", "建会率（100人以上）", "%", kind=RATIO, section=COVERAGE, ratio=("23", "22"), indent=1),
        Field(
            "25",
            "职工25—99人用人单位",
            "家",
            section=COVERAGE,
            records=employers_in_band(25, 99),
            concept="employers_25",
            how="辖区职工人数25—99的用人单位",
        ),
        Field(
            "26",
            "其中：已建会",
            "家",
            section=COVERAGE,
            records=employers_in_band(25, 99, unionised=True),
            concept="employers_25_union",
            indent=1,
            how="其中已建立工会（或加入联合工会）的",
        ),
        Field("27", "建会率（25—99人）", "%", kind=RATIO, section=COVERAGE, ratio=("26", "25"), indent=1),
        Field(
            "30", "本年新建/提升工会驿站", "个", section=POSITIONS, source="stations_built", concept="stations_built"
        ),
        Field(
            "31",
            "本年新建职工服务中心/职工之家",
            "个",
            section=POSITIONS,
            source="service_centers_built",
            concept="service_centers_built",
        ),
        Field(
            "40", "建档困难职工", "户", section=ASSISTANCE, source="hardship_households", concept="hardship_households"
        ),
        Field(
            "41",
            "慰问/帮扶职工",
            "人",
            section=ASSISTANCE,
            source="relief_beneficiaries",
            concept="relief_beneficiaries",
        ),
        Field("42", "慰问/帮扶资金", "元", section=ASSISTANCE, source="relief_amount", concept="relief_amount"),
        Field(
            "43",
            "金秋助学",
            "人",
            section=ASSISTANCE,
            source="student_aid_beneficiaries",
            concept="student_aid_beneficiaries",
        ),
        Field(
            "44",
            "职工互助保障参保",
            "人",
            section=ASSISTANCE,
            source="mutual_aid_enrolled",
            concept="mutual_aid_enrolled",
        ),
        Field("45", "职工体检", "人", section=ASSISTANCE, source="health_checks", concept="health_checks"),
        Field(
            "46",
            "职工(劳模)疗休养",
            "人",
            section=ASSISTANCE,
            source="recuperation_participants",
            concept="recuperation_participants",
        ),
        Field("50", "职工来信来电来访", "件", section=RIGHTS, source="petitions_cases", concept="petitions_cases"),
        Field(
            "51", "来访人次", "人次", section=RIGHTS, source="petitions_persons", concept="petitions_persons", indent=1
        ),
        Field("52", "法律援助/咨询案件", "件", section=RIGHTS, source="legal_aid_cases", concept="legal_aid_cases"),
        Field("53", "集体合同", "份", section=RIGHTS, source="collective_contracts", concept="collective_contracts"),
        Field(
            "54",
            "劳动法律监督委员会",
            "个",
            section=RIGHTS,
            source="legal_supervision_committees",
            concept="legal_supervision_committees",
        ),
        Field(
            "55",
            "集体协商指导员",
            "人",
            section=RIGHTS,
            source="bargaining_instructors",
            concept="bargaining_instructors",
        ),
        Field(
            "60",
            "工会经费收入",
            "元",
            section=ABOVE_FUNDS,
            source="dues_collected",
            concept="dues_collected",
            optional=True,
        ),
        Field("61", "工会经费支出", "元", section=ABOVE_FUNDS, manual=True, concept="dues_spent", optional=True),
    ),
)

FORMS: dict[str, FormDef] = {GRASSROOTS_FORM.key: GRASSROOTS_FORM, ABOVE_FORM.key: ABOVE_FORM}

#: organisation types that file each form (others — online member homes, groups — file none)
GRASSROOTS_FILERS = ("grassroots", "joint")
ABOVE_FILERS = ("federation", "industrial", "town", "park", "alliance")


def form_for_org_type(org_type: str) -> str | None:
    if org_type in GRASSROOTS_FILERS:
        return GRASSROOTS_FORM.key
    if org_type in ABOVE_FILERS:
        return ABOVE_FORM.key
    return None


def records_value(field: Field, org: Any, window: Window) -> Any:
    """The row's figure from the records (None for hand-entered and derived rows)."""
    if field.ratio or field.is_manual_now():
        return None
    if field.records is not None:
        return field.records(org, window)
    return sources.value(field.source, org, window)


def ratio_of(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"))
