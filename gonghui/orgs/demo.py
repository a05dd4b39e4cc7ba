"""演示数据: a demo city modelled on Changzhou, reproducible and idempotent.

``build_spec()`` describes the whole demo (organisations, employers) in memory
from a fixed seed; ``load_demo()`` writes whatever of it is missing. Objects
are looked up by their natural keys (``Organization.code``, ``Employer.uscc``,
``User.username``), so a second run creates nothing and changes nothing.

Each unit draws from its own random generator seeded with ``seed`` and its
code, so a unit looks the same at every ``scale``: a smaller demo is a prefix
of the larger one.

Writes are bulk inserts with tree paths computed here (treebeard's
``add_child`` costs several queries per node); every node is checked with
``check_placement`` and ``full_clean`` first, and ``numchild`` is kept exact.
Bulk inserts send no signals, so demo data does not flood the change log.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from faker import Faker

from gonghui.core.locks import tree_lock
from gonghui.orgs.models import (
    Employer,
    FederationLevel,
    Industry,
    Organization,
    OrgStatus,
    OrgType,
    Ownership,
    check_placement,
)
from gonghui.utilities.validators import USCC_ALPHABET, uscc_check_char

DEMO_PASSWORD = "Demo@2026gh"
DEFAULT_SEED = 2026
CITY_CODE = "GH320400"
CITY_REGION = "320400"
PARK_CODE = "GH320400-01"

# (region code, name, short name, towns/streets in official order)
COUNTIES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "320402",
        "天宁区总工会",
        "天宁区总",
        ("天宁街道", "雕庄街道", "青龙街道", "红梅街道", "兰陵街道", "茶山街道", "郑陆镇"),
    ),
    (
        "320404",
        "钟楼区总工会",
        "钟楼区总",
        ("五星街道", "永红街道", "北港街道", "西林街道", "南大街街道", "荷花池街道", "新闸街道", "邹区镇"),
    ),
    (
        "320411",
        "新北区总工会",
        "新北区总",
        (
            "河海街道",
            "三井街道",
            "龙虎塘街道",
            "春江镇",
            "孟河镇",
            "新桥街道",
            "薛家镇",
            "罗溪镇",
            "西夏墅镇",
            "奔牛镇",
        ),
    ),
    (
        "320412",
        "武进区总工会",
        "武进区总",
        (
            "湖塘镇",
            "牛塘镇",
            "洛阳镇",
            "遥观镇",
            "横林镇",
            "横山桥镇",
            "雪堰镇",
            "前黄镇",
            "礼嘉镇",
            "嘉泽镇",
            "湟里镇",
            "南夏墅街道",
            "西湖街道",
            "高新区",
        ),
    ),
    (
        "320413",
        "金坛区总工会",
        "金坛区总",
        ("金城镇", "儒林镇", "直溪镇", "朱林镇", "薛埠镇", "指前镇", "东城街道", "西城街道"),
    ),
    (
        "320481",
        "溧阳市总工会",
        "溧阳市总",
        (
            "溧城街道",
            "埭头镇",
            "上黄镇",
            "戴埠镇",
            "天目湖镇",
            "别桥镇",
            "上兴镇",
            "竹箦镇",
            "南渡镇",
            "社渚镇",
            "昆仑街道",
            "古县街道",
        ),
    ),
)
# Names of towns that are development zones: their union is a park union (园区工会).
PARK_TOWNS = {"高新区": "武进国家高新区工会"}

# Industry → the words a company of that industry has in its name.
INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    Industry.C: (
        "机械制造",
        "精密机械",
        "电子科技",
        "新材料科技",
        "纺织",
        "服饰",
        "化工",
        "电机",
        "汽车零部件",
        "光伏科技",
        "轨道交通设备",
        "五金制品",
        "医疗器械",
        "塑业",
        "电气",
        "食品",
    ),
    Industry.E: ("建设工程", "建筑安装工程", "装饰工程"),
    Industry.F: ("商贸", "供应链管理", "电子商务"),
    Industry.G: ("物流", "运输", "仓储服务"),
    Industry.H: ("餐饮管理", "酒店管理"),
    Industry.K: ("物业管理", "置业"),
    Industry.L: ("人力资源", "企业管理咨询", "劳务派遣"),
    Industry.M: ("检测技术", "环境科技", "工程设计"),
    Industry.N: ("环卫服务", "园林绿化"),
    Industry.O: ("家政服务", "汽车维修"),
}
# Weighted choice of industry for ordinary firms (manufacturing dominates in Changzhou).
INDUSTRY_WEIGHTS = (
    (Industry.C, 55),
    (Industry.E, 6),
    (Industry.F, 8),
    (Industry.G, 5),
    (Industry.H, 4),
    (Industry.I, 6),
    (Industry.K, 3),
    (Industry.L, 4),
    (Industry.M, 4),
    (Industry.N, 2),
    (Industry.O, 3),
)
OWNERSHIP_WEIGHTS = (
    (Ownership.PRIVATE, 70),
    (Ownership.FOREIGN, 8),
    (Ownership.HK_MACAO_TW, 6),
    (Ownership.STATE, 6),
    (Ownership.COLLECTIVE, 4),
    (Ownership.PUBLIC_INSTITUTION, 3),
    (Ownership.SOCIAL_ORG, 3),
)
LEGAL_FORMS = ("有限公司", "有限公司", "有限公司", "股份有限公司", "集团有限公司")
PLATFORM_KINDS = (("快递", "网点", Industry.G), ("即时配送", "站点", Industry.L), ("货运", "服务站", Industry.G))
WORKSHOP_GROUPS = ("一车间工会", "二车间工会", "总装车间工会", "技术中心工会小组", "销售部工会小组", "后勤工会小组")
PUBLIC_INSTITUTIONS = {
    Industry.P: ("中心小学", "实验学校", "初级中学", "中心幼儿园"),
    Industry.Q: ("社区卫生服务中心", "人民医院"),
    Industry.N: ("水利管理服务站", "环境卫生管理所"),
    Industry.R: ("文化体育服务中心", "图书馆"),
}
SOCIAL_ORGS = (("社会工作服务中心", Industry.Q), ("养老服务中心", Industry.Q), ("职业培训学校", Industry.P))
OFFICE_GROUPS = ("第一工会小组", "第二工会小组", "第三工会小组")
SHORT_CITY = "常州"
TRADE_NAME_CHARS = (
    "恒华泰宏盛兴达鑫隆源瑞丰祥安康裕凯博远通宇创新天中东亚金银振嘉豪信诚德润佳美力航腾飞阳光明立合邦誉今精锐科"
)


@dataclass
class OrgSpec:
    code: str
    name: str
    org_type: str
    region_code: str
    parent_code: str | None
    level: str = ""
    short_name: str = ""
    founded_on: datetime.date | None = None
    chair_name: str = ""
    term_end: datetime.date | None = None
    contact_person: str = ""
    contact_phone: str = ""
    address: str = ""


@dataclass
class EmployerSpec:
    uscc: str
    name: str
    ownership: str
    industry: str
    staff_count: int
    women_count: int
    region_code: str
    owner_code: str  # the responsible unit (``Employer.org``)
    union_code: str | None  # None: a firm without a union, a lead for establishment work
    address: str = ""
    is_platform: bool = False


@dataclass
class DemoSpec:
    orgs: list[OrgSpec] = field(default_factory=list)  # parents before children
    employers: list[EmployerSpec] = field(default_factory=list)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role_code: str
    org_code: str
    display_name: str


@dataclass
class DemoLogin:
    username: str
    role: str
    unit: str
    password: str  # DEMO_PASSWORD, or a note that the existing password was kept


@dataclass
class DemoResult:
    orgs_created: int = 0
    orgs_existing: int = 0
    employers_created: int = 0
    employers_existing: int = 0
    users_created: int = 0
    users_updated: int = 0
    passwords_reset: int = 0
    announcements_created: int = 0
    skipped_users: list[str] = field(default_factory=list)
    logins: list[DemoLogin] = field(default_factory=list)


class _Draw:
    """Deterministic random data for one unit: its own ``random.Random`` and a reseeded Faker.

    The Faker instance is shared (creating one is slow) and reseeded by each new draw, so a
    unit finishes with its draw before the next unit's draw is made.
    """

    _faker: Faker | None = None

    def __init__(self, seed: int, key: str):
        self.rng = random.Random(f"{seed}:{key}")
        if _Draw._faker is None:
            _Draw._faker = Faker("zh_CN")
        self.fake = _Draw._faker
        self.fake.seed_instance(f"{seed}:{key}:faker")

    def weighted(self, pairs: Iterable[tuple[str, int]]) -> str:
        items = list(pairs)
        return self.rng.choices([item for item, _ in items], weights=[w for _, w in items])[0]

    def date(self, start_year: int, end_year: int) -> datetime.date:
        start = datetime.date(start_year, 1, 1).toordinal()
        end = datetime.date(end_year, 12, 28).toordinal()
        return datetime.date.fromordinal(self.rng.randint(start, end))

    def person(self) -> str:
        return self.fake.name()

    def landline(self) -> str:
        return f"0519-{self.rng.randint(8100, 8899)}{self.rng.randint(0, 9999):04d}"

    def trade_name(self) -> str:
        """A two-character 字号: one of Faker's company prefixes, or two auspicious characters."""
        if self.rng.random() < 0.3:
            while True:
                candidate = self.fake.company_prefix()
                if len(candidate) == 2 and all("\u4e00" <= ch <= "\u9fff" for ch in candidate):
                    return candidate
        first, second = self.rng.sample(TRADE_NAME_CHARS, 2)
        return first + second

    def street_address(self, county: str, town: str) -> str:
        return f"江苏省常州市{county}{town}{self.fake.street_name()}{self.rng.randint(1, 388)}号"


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _brand(name: str) -> str:
    """The name without its legal form: 常州恒达机械股份有限公司 → 常州恒达机械."""
    for suffix in ("集团有限公司", "股份有限公司", "有限公司"):
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return name


def _gb11714_check(body: str) -> str:
    """Check character of a nine-character organisation code (GB 11714)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum((int(ch) if ch.isdigit() else ord(ch) - 55) * w for ch, w in zip(body, weights, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(draw: _Draw, region_code: str, ownership: str) -> str:
    """A valid GB 32100 code: registration authority, category, region, organisation code, check."""
    prefix = {
        Ownership.PUBLIC_INSTITUTION: "12",  # 机构编制: 事业单位
        Ownership.SOCIAL_ORG: "52",  # 民政: 民办非企业单位
    }.get(ownership, "91")  # 工商: 企业
    letters = [ch for ch in USCC_ALPHABET if ch.isdigit() or ch in "ABCDEFGHJKLMNPQRTUWXY"]
    body = "MA" + "".join(draw.rng.choice(letters) for _ in range(6))
    first17 = prefix + region_code + body + _gb11714_check(body)
    return first17 + uscc_check_char(first17)


class _SpecBuilder:
    def __init__(self, *, scale: float, seed: int):
        self.scale = scale
        self.seed = seed
        self.spec = DemoSpec()
        self.used_names: set[str] = set()
        self.used_uscc: set[str] = set()

    def count(self, base: int, minimum: int = 0) -> int:
        return max(minimum, round(base * self.scale))

    # --- organisations ----------------------------------------------------------------------------

    def add_org(self, **kwargs) -> OrgSpec:
        org = OrgSpec(**kwargs)
        self.spec.orgs.append(org)
        return org

    def union_details(self, draw: _Draw, *, founded_from: int, county: str, town: str) -> dict:
        founded = draw.date(founded_from, 2023)
        # Terms run five years; the last election fell some time since founding, so a few are overdue.
        last_election = max(founded, draw.date(2019, 2025))
        term_end = _add_years(last_election, 5) - datetime.timedelta(days=1)
        if draw.rng.random() < 0.08:
            term_end = draw.date(2024, 2025)  # 换届 overdue: a lead for re-election work
            term_end = max(term_end, founded)
        chair = draw.person()
        return {
            "founded_on": founded,
            "chair_name": chair,
            "term_end": term_end,
            "contact_person": chair if draw.rng.random() < 0.3 else draw.person(),
            "contact_phone": draw.landline(),
            "address": draw.street_address(county, town),
        }

    # --- employers --------------------------------------------------------------------------------

    def unique_name(self, draw: _Draw, make) -> str:
        for _ in range(50):
            name = make()
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        raise RuntimeError("could not draw a unique demo employer name")  # pragma: no cover

    def company_name(self, draw: _Draw, places: dict, industry: str, ownership: str) -> str:
        county_short = places["county_short"]

        def make() -> str:
            trade = draw.trade_name()
            if ownership == Ownership.PUBLIC_INSTITUTION:
                kind = draw.rng.choice(PUBLIC_INSTITUTIONS.get(industry, ("综合服务中心",)))
                county = places["county"] if places["county"].endswith("市") else f"常州市{places['county']}"
                if draw.rng.random() < 0.7:
                    return f"{county}{places['town']}{kind}"
                return f"{county}{trade}{kind}"
            if ownership == Ownership.SOCIAL_ORG:
                kinds = [kind for kind, kind_industry in SOCIAL_ORGS if kind_industry == industry] or ["服务中心"]
                return f"常州市{trade}{draw.rng.choice(kinds)}"
            if industry == Industry.I:
                return f"常州{draw.fake.company()}"
            words = draw.rng.choice(INDUSTRY_WORDS.get(industry, INDUSTRY_WORDS[Industry.C]))
            form = draw.rng.choice(LEGAL_FORMS)
            if ownership in (Ownership.FOREIGN, Ownership.HK_MACAO_TW):
                return f"{trade}（常州）{words}有限公司"
            if ownership == Ownership.STATE:
                return f"常州{trade}{words}集团有限公司"
            place = draw.rng.choice((SHORT_CITY, SHORT_CITY, "江苏", county_short))
            return f"{place}{trade}{words}{form}"

        return self.unique_name(draw, make)

    def add_employer(
        self,
        draw: _Draw,
        *,
        region_code: str,
        owner_code: str,
        union_code: str | None,
        county: str,
        county_short: str,
        town: str,
        staff_band: tuple[int, int],
        ownership: str | None = None,
        industry: str | None = None,
        name: str | None = None,
        is_platform: bool = False,
    ) -> EmployerSpec:
        ownership = ownership or draw.weighted(OWNERSHIP_WEIGHTS)
        if ownership == Ownership.PUBLIC_INSTITUTION:
            industry = industry or draw.rng.choice((Industry.P, Industry.Q, Industry.N, Industry.R))
        elif ownership == Ownership.SOCIAL_ORG:
            industry = industry or draw.rng.choice(SOCIAL_ORGS)[1]
        industry = industry or draw.weighted(INDUSTRY_WEIGHTS)
        places = {"county": county, "county_short": county_short, "town": town}
        name = name or self.company_name(draw, places, industry, ownership)
        staff = draw.rng.randint(*staff_band)
        if is_platform:
            women_share = 0.15  # couriers and riders are mostly men
        elif any(word in name for word in ("纺织", "服饰", "医疗器械", "食品")) or industry in "HPQ":
            women_share = 0.55
        else:
            women_share = 0.35
        women = min(staff, max(0, round(staff * draw.rng.uniform(women_share - 0.2, women_share + 0.15))))
        while True:
            uscc = make_uscc(draw, region_code, ownership)
            if uscc not in self.used_uscc:
                self.used_uscc.add(uscc)
                break
        employer = EmployerSpec(
            uscc=uscc,
            name=name,
            ownership=ownership,
            industry=industry,
            staff_count=staff,
            women_count=women,
            region_code=region_code,
            owner_code=owner_code,
            union_code=union_code,
            address=draw.street_address(county, town),
            is_platform=is_platform,
        )
        self.spec.employers.append(employer)
        return employer

    # --- the tree ---------------------------------------------------------------------------------

    def build(self) -> DemoSpec:
        draw = _Draw(self.seed, CITY_CODE)
        self.add_org(
            code=CITY_CODE,
            name="常州市总工会",
            short_name="市总工会",
            org_type=OrgType.FEDERATION,
            level=FederationLevel.CITY,
            region_code=CITY_REGION,
            parent_code=None,
            founded_on=datetime.date(1949, 10, 1),
            chair_name=draw.person(),
            term_end=datetime.date(2026, 12, 31),
            contact_person=draw.person(),
            contact_phone="0519-85681234",
            address="江苏省常州市新北区龙锦路1259号",
        )
        for region, name, short, towns in COUNTIES:
            self.build_county(region, name, short, towns)
        self.build_park()
        return self.spec

    def build_county(self, region: str, name: str, short: str, towns: tuple[str, ...]) -> None:
        code = f"GH{region}"
        county = name.removesuffix("总工会")
        county_short = county.removesuffix("区").removesuffix("市")
        draw = _Draw(self.seed, code)
        self.add_org(
            code=code,
            name=name,
            short_name=short,
            org_type=OrgType.FEDERATION,
            level=FederationLevel.COUNTY,
            region_code=region,
            parent_code=CITY_CODE,
            founded_on=draw.date(1950, 1958),
            chair_name=draw.person(),
            term_end=datetime.date(2027, draw.rng.randint(1, 12), 28),
            contact_person=draw.person(),
            contact_phone=draw.landline(),
            address=draw.street_address(county, ""),
        )
        for index, town in enumerate(towns, start=1):
            self.build_town(f"{code}-{index:02d}", town, code, region, county, county_short, first=index == 1)
        draw = _Draw(self.seed, f"{code}-W")
        self.add_org(
            code=f"{code}-W",
            name=f"{county}网上会员之家",
            short_name=f"{county_short}网上之家",
            org_type=OrgType.ONLINE_HOME,
            region_code=region,
            parent_code=code,
            founded_on=draw.date(2019, 2021),
            contact_person=draw.person(),
            contact_phone=draw.landline(),
        )

    def build_town(
        self, code: str, town: str, parent_code: str, region: str, county: str, county_short: str, *, first: bool
    ) -> None:
        draw = _Draw(self.seed, code)
        is_park = town in PARK_TOWNS
        self.add_org(
            code=code,
            name=PARK_TOWNS.get(town, f"{town}工会"),
            short_name=town,
            org_type=OrgType.PARK if is_park else OrgType.TOWN,
            region_code=region,
            parent_code=parent_code,
            **self.union_details(draw, founded_from=1985, county=county, town=town),
        )
        places = {"county": county, "county_short": county_short, "town": town, "region_code": region}
        for number in range(1, self.count(draw.rng.randint(2, 6), minimum=1) + 1):
            self.build_grassroots(f"{code}-{number:03d}", code, places)
        joints = draw.rng.random() < 0.35
        if first or (joints and self.scale >= 0.5):
            self.build_joint(f"{code}-L01", code, places, platform=first)
        for number in range(1, self.count(draw.rng.randint(1, 3), minimum=1 if first else 0) + 1):
            lead = _Draw(self.seed, f"{code}-lead-{number}")
            self.add_employer(
                lead, owner_code=code, union_code=None, staff_band=(10, 180), **places
            )  # 未建会: the town is responsible

    def build_grassroots(self, code: str, parent_code: str, places: dict) -> None:
        draw = _Draw(self.seed, code)
        band = draw.weighted((((25, 99), 40), ((100, 299), 30), ((300, 999), 20), ((1000, 4500), 10)))
        platform = draw.rng.random() < 0.06
        if platform:
            band = (20, 150)
        employer = self.add_employer(
            draw,
            owner_code=code,
            union_code=code,
            staff_band=band,
            **places,
            **(self.platform_firm(draw, places) if platform else {}),
        )
        self.add_org(
            code=code,
            name=f"{employer.name}工会委员会",
            org_type=OrgType.GRASSROOTS,
            region_code=places["region_code"],
            parent_code=parent_code,
            **self.union_details(draw, founded_from=1995, county=places["county"], town=places["town"]),
        )
        if not platform and employer.ownership in (Ownership.PRIVATE, Ownership.STATE) and draw.rng.random() < 0.2:
            # A group company: subsidiaries in the same union.
            base = _brand(employer.name)
            for suffix in ("销售", "进出口", "物业服务")[: draw.rng.randint(1, 3)]:
                self.add_employer(
                    draw,
                    owner_code=code,
                    union_code=code,
                    staff_band=(8, 60),
                    ownership=employer.ownership,
                    industry=Industry.F if suffix != "物业服务" else Industry.K,
                    name=self.unique_name(draw, lambda b=base, s=suffix: f"{b}{s}有限公司"),
                    **places,
                )
        if employer.staff_count >= 1000 and draw.rng.random() < 0.6:
            names = WORKSHOP_GROUPS if employer.industry == Industry.C else OFFICE_GROUPS
            picked = set(draw.rng.sample(names, draw.rng.randint(2, 3)))
            for number, group in enumerate([name for name in names if name in picked], start=1):
                self.add_org(
                    code=f"{code}-{number:02d}",
                    name=f"{_brand(employer.name)}{group}",
                    short_name=group,
                    org_type=OrgType.GROUP,
                    region_code=places["region_code"],
                    parent_code=code,
                    founded_on=draw.date(2010, 2023),
                    chair_name=draw.person(),
                )

    def platform_firm(self, draw: _Draw, places: dict) -> dict:
        kind, unit, industry = draw.rng.choice(PLATFORM_KINDS)
        town = places["town"]

        def make() -> str:
            return f"常州{draw.trade_name()}{kind}服务有限公司{places['county_short']}{town}{unit}"

        name = self.unique_name(draw, make)
        return {"name": name, "industry": industry, "ownership": Ownership.PRIVATE, "is_platform": True}

    def build_joint(self, code: str, parent_code: str, places: dict, *, platform: bool) -> None:
        draw = _Draw(self.seed, code)
        town = places["town"]
        name = f"{town}新就业形态联合工会" if platform else f"{town}小微企业联合工会委员会"
        self.add_org(
            code=code,
            name=name,
            org_type=OrgType.JOINT,
            region_code=places["region_code"],
            parent_code=parent_code,
            **self.union_details(draw, founded_from=2012, county=places["county"], town=town),
        )
        extra = {} if platform else {"ownership": Ownership.PRIVATE}
        for _ in range(draw.rng.randint(3, 5)):
            firm = self.platform_firm(draw, places) if platform else extra
            band = (8, 80) if platform else (3, 24)
            self.add_employer(draw, owner_code=code, union_code=code, staff_band=band, **firm, **places)

    def build_park(self) -> None:
        draw = _Draw(self.seed, PARK_CODE)
        self.add_org(
            code=PARK_CODE,
            name="常州经开区工会",
            short_name="经开区工会",
            org_type=OrgType.PARK,
            region_code=CITY_REGION,
            parent_code=CITY_CODE,
            **self.union_details(draw, founded_from=2015, county="", town="经开区"),
        )
        places = {"county": "", "county_short": "经开区", "town": "经开区", "region_code": CITY_REGION}
        for number in range(1, self.count(6, minimum=1) + 1):
            self.build_grassroots(f"{PARK_CODE}-{number:03d}", PARK_CODE, places)


def build_spec(*, scale: float = 1.0, seed: int = DEFAULT_SEED) -> DemoSpec:
    """The whole demo, in memory. Same ``scale`` and ``seed``, same result."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    return _SpecBuilder(scale=scale, seed=seed).build()


# --- writing ----------------------------------------------------------------------------------------

DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("city_admin", "union_admin", CITY_CODE, "市总业务管理员"),
    DemoAccount("wujin_admin", "union_admin", "GH320412", "武进区总业务管理员"),
    DemoAccount("chair_demo", "grassroots_chair", "GH320412-01-001", "基层工会主席"),
    DemoAccount("leader", "leader", CITY_CODE, "市总领导"),
    DemoAccount("sysadmin", "sysadmin", CITY_CODE, "系统管理员"),
    DemoAccount("secadmin", "secadmin", CITY_CODE, "安全管理员"),
    DemoAccount("auditor", "auditor", CITY_CODE, "审计管理员"),
)


class DemoConflict(Exception):
    """The database holds real data under a code the demo uses."""


def _write_orgs(specs: list[OrgSpec], result: DemoResult) -> dict[str, Organization]:
    """Insert the missing nodes with computed paths; return every demo node by code."""
    nodes: dict[str, Organization] = {
        org.code: org for org in Organization.objects.filter(code__in=[s.code for s in specs])
    }
    real = sorted(code for code, org in nodes.items() if not org.is_demo)
    if real:
        raise DemoConflict(
            f"组织编码 {'、'.join(real[:5])} 已被正式数据使用，演示数据没有载入。演示数据只能载入空库或演示库。"
        )
    result.orgs_existing = len(nodes)
    last_position: dict[str, int] = {}  # parent path → last child position used
    new_nodes: list[Organization] = []
    new_codes: set[str] = set()
    added_under_existing: Counter[int] = Counter()
    for spec in specs:
        if spec.code in nodes:
            continue
        parent = nodes[spec.parent_code] if spec.parent_code else None
        parent_path = parent.path if parent else ""
        if parent_path not in last_position:
            last = Organization.objects.get_last_child(parent) if parent else Organization.objects.get_last_root_node()
            last_position[parent_path] = Organization._str2int(last.path[-Organization.steplen :]) if last else 0
        last_position[parent_path] += 1
        depth = parent.depth + 1 if parent else 1
        node = Organization(
            path=Organization._get_path(parent_path, depth, last_position[parent_path]),
            depth=depth,
            numchild=0,
            is_demo=True,
            status=OrgStatus.ACTIVE,
            **{name: value for name, value in vars(spec).items() if name != "parent_code"},
        )
        check_placement(node.org_type, node.level, parent)
        node.full_clean(exclude=["path", "depth", "numchild"], validate_unique=False)
        last_position[node.path] = 0
        if parent is not None:
            if parent.code in new_codes:
                parent.numchild += 1
            else:
                added_under_existing[parent.pk] += 1
        nodes[spec.code] = node
        new_codes.add(spec.code)
        new_nodes.append(node)
    Organization.objects.bulk_create(new_nodes, batch_size=500)
    for pk, added in added_under_existing.items():
        Organization.objects.filter(pk=pk).update(numchild=F("numchild") + added)
    if any(node.pk is None for node in new_nodes):  # pragma: no cover - backends without RETURNING
        nodes = {org.code: org for org in Organization.objects.filter(code__in=list(nodes))}
    result.orgs_created = len(new_nodes)
    return nodes


def _write_employers(specs: list[EmployerSpec], nodes: dict[str, Organization], result: DemoResult) -> None:
    existing = dict(Employer.objects.filter(uscc__in=[s.uscc for s in specs]).values_list("uscc", "is_demo"))
    real = sorted(uscc for uscc, is_demo in existing.items() if not is_demo)
    if real:
        raise DemoConflict(
            f"统一社会信用代码 {'、'.join(real[:5])} 已被正式数据使用，演示数据没有载入。演示数据只能载入空库或演示库。"
        )
    result.employers_existing = len(existing)
    new: list[Employer] = []
    for spec in specs:
        if spec.uscc in existing:
            continue
        values = {name: value for name, value in vars(spec).items() if name not in ("owner_code", "union_code")}
        employer = Employer(
            org=nodes[spec.owner_code],
            union=nodes[spec.union_code] if spec.union_code else None,
            is_demo=True,
            **values,
        )
        employer.full_clean(exclude=["org", "union", "created_by"], validate_unique=False)
        new.append(employer)
    Employer.objects.bulk_create(new, batch_size=500)
    result.employers_created = len(new)


def _write_users(nodes: dict[str, Organization], *, reset_passwords: bool, result: DemoResult) -> None:
    from gonghui.accounts.models import Role, User
    from gonghui.accounts.roles import sync_builtin_roles

    wanted_roles = {account.role_code for account in DEMO_ACCOUNTS}
    roles = {role.code: role for role in Role.objects.filter(code__in=wanted_roles)}
    if set(roles) != wanted_roles:
        sync_builtin_roles()
        roles = {role.code: role for role in Role.objects.filter(code__in=wanted_roles)}
    for account in DEMO_ACCOUNTS:
        org = nodes.get(account.org_code)
        role = roles[account.role_code]
        user = User.objects.filter(username=account.username).first()
        password_note = DEMO_PASSWORD
        if user is not None and not user.is_demo:
            result.skipped_users.append(account.username)
            continue
        if user is None:
            user = User(
                username=account.username,
                display_name=account.display_name,
                org=org,
                is_demo=True,
                must_change_password=False,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.roles.set([role])
            result.users_created += 1
        else:
            changed = []
            if user.org_id != (org.pk if org else None):
                user.org = org
                changed.append("org")
            if user.must_change_password:
                user.must_change_password = False
                changed.append("must_change_password")
            if changed:
                user.save(update_fields=changed)
            if set(user.roles.values_list("pk", flat=True)) != {role.pk}:
                user.roles.set([role])
                changed.append("roles")
            result.users_updated += bool(changed)
            if reset_passwords:
                user.set_password(DEMO_PASSWORD)
                user.failed_login_count = 0
                user.locked_until = None
                user.save(update_fields=["password", "failed_login_count", "locked_until"])
                result.passwords_reset += 1
            else:
                password_note = "（保留原密码）"
        result.logins.append(DemoLogin(account.username, role.name, org.name if org else "", password_note))


def load_demo(*, scale: float = 1.0, seed: int = DEFAULT_SEED, reset_passwords: bool = False) -> DemoResult:
    """Create whatever part of the demo city is missing. Safe to run any number of times."""
    spec = build_spec(scale=scale, seed=seed)
    result = DemoResult()
    with transaction.atomic():
        tree_lock()
        nodes = _write_orgs(spec.orgs, result)
        _write_employers(spec.employers, nodes, result)
        _write_users(nodes, reset_passwords=reset_passwords, result=result)
        _write_announcements(nodes, result)
    return result


DEMO_ANNOUNCEMENTS = (
    (
        "GH320400",
        "city_admin",
        "关于做好2026年度工会工作目标任务四季度冲刺的通知",
        "各辖市(区)总工会、常州经开区工会：\n\n时间已进入四季度，请对照全年目标任务，逐项梳理完成情况，"
        "查找差距、补齐短板，确保全面完成年度目标任务。请于12月10日前报送四季度工作进展。\n\n常州市总工会",
    ),
    (
        "GH320412",
        "wujin_admin",
        "关于开展新就业形态劳动者集中入会活动的通知",
        "各镇(街道)工会、各基层工会：\n\n请组织快递员、外卖配送员、网约车司机、货车司机等新就业形态劳动者"
        "集中入会，做到应入尽入。\n\n武进区总工会",
    ),
)


def _write_announcements(nodes: dict[str, Organization], result: DemoResult) -> None:
    """A few published announcements, issued through the real services so messages and receipts exist."""
    from gonghui.accounts.models import User
    from gonghui.core.context import actor
    from gonghui.notices.models import Announcement
    from gonghui.notices.services import announcement_create, announcement_publish

    for org_code, username, title, body in DEMO_ANNOUNCEMENTS:
        org = nodes.get(org_code)
        issuer = User.objects.filter(username=username, is_demo=True).first()
        if org is None or issuer is None or Announcement.objects.filter(org=org, title=title).exists():
            continue
        with actor(issuer):
            draft = announcement_create(
                user=issuer, data={"org": org, "title": title, "body": body, "audience_mode": "subtree"}
            )
            announcement_publish(user=issuer, announcement=draft)
        result.announcements_created += 1
