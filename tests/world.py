"""A small union tree with users in two subtrees, for scope tests (as healthchecks' alice and bob).

常州市总工会 (city)
├── 武进区总工会 (county) ── 湖塘镇工会 (town) ── 武进甲公司工会 (grassroots)
└── 天宁区总工会 (county) ── 茶山街道工会 (town) ── 天宁乙公司工会 (grassroots)
"""

from __future__ import annotations

from types import SimpleNamespace

from gonghui.accounts.models import Role, User
from gonghui.orgs.models import Employer, FederationLevel, Organization, OrgType
from gonghui.utilities.validators import uscc_check_char

PASSWORD = "Test@pass2026"


def make_uscc(serial: int) -> str:
    body = f"91320412MA{serial:07d}"
    return body + uscc_check_char(body)


def add_org(parent, name, org_type, region_code, code, level=""):
    org = Organization(name=name, org_type=org_type, level=level, region_code=region_code, code=code)
    if parent is None:
        return Organization.objects.add_root(instance=org)
    return Organization.objects.add_child(parent, instance=org)


def make_user(username: str, org, *role_codes: str, **extra) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, org=org, must_change_password=False, **extra)
    if role_codes:
        user.roles.set(Role.objects.filter(code__in=role_codes))
    return user


def make_employer(org, serial: int, union=None, **extra) -> Employer:
    return Employer.objects.create(
        name=extra.pop("name", f"测试单位{serial}"),
        uscc=make_uscc(serial),
        ownership="private",
        industry="C",
        staff_count=extra.pop("staff_count", 120),
        women_count=extra.pop("women_count", 40),
        region_code=org.region_code,
        org=union or org,
        union=union,
        **extra,
    )


def build_world() -> SimpleNamespace:
    city = add_org(None, "常州市总工会", OrgType.FEDERATION, "320400", "T3204", FederationLevel.CITY)
    wujin = add_org(city, "武进区总工会", OrgType.FEDERATION, "320412", "T320412", FederationLevel.COUNTY)
    hutang = add_org(wujin, "湖塘镇工会", OrgType.TOWN, "320412", "T320412001")
    add_org(hutang, "武进甲公司工会", OrgType.GRASSROOTS, "320412", "T320412001001")
    tianning = add_org(city, "天宁区总工会", OrgType.FEDERATION, "320402", "T320402", FederationLevel.COUNTY)
    chashan = add_org(tianning, "茶山街道工会", OrgType.TOWN, "320402", "T320402001")
    add_org(chashan, "天宁乙公司工会", OrgType.GRASSROOTS, "320402", "T320402001001")
    orgs = {o.code: Organization.objects.get(pk=o.pk) for o in Organization.objects.all()}
    world = SimpleNamespace(
        city=orgs["T3204"],
        wujin=orgs["T320412"],
        hutang=orgs["T320412001"],
        wujin_union=orgs["T320412001001"],
        tianning=orgs["T320402"],
        chashan=orgs["T320402001"],
        tianning_union=orgs["T320402001001"],
    )
    world.city_admin = make_user("city_admin", world.city, "union_admin")
    world.wujin_admin = make_user("wujin_admin", world.wujin, "union_admin")
    world.tianning_admin = make_user("tianning_admin", world.tianning, "union_admin")
    world.chair = make_user("chair", world.wujin_union, "grassroots_chair")
    world.sysadmin = make_user("sysadmin", world.city, "sysadmin")
    world.secadmin = make_user("secadmin", world.city, "secadmin")
    world.auditor = make_user("auditor", world.city, "auditor")
    world.nobody = make_user("nobody", world.wujin)
    world.wujin_employer = make_employer(world.hutang, 1, union=world.wujin_union, name="武进甲公司")
    world.tianning_employer = make_employer(world.chashan, 2, union=world.tianning_union, name="天宁乙公司")
    return world
