"""The demo city (load_demo): reproducible, idempotent, a correct tree, valid codes, working logins."""

import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from stdnum.cn import uscc as stdnum_uscc

from gonghui.accounts.models import User
from gonghui.orgs.demo import (
    CITY_CODE,
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    PARK_CODE,
    build_spec,
    load_demo,
)
from gonghui.orgs.models import UNION_TYPES, Employer, Organization, OrgType, check_placement
from gonghui.utilities.validators import validate_region_code, validate_uscc

pytestmark = pytest.mark.django_db

SMALL = 0.2


def counts():
    return (Organization.objects.count(), Employer.objects.count(), User.objects.count())


def assert_tree_is_sound():
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    nodes = {org.path: org for org in Organization.objects.all()}
    for org in nodes.values():
        parent = nodes.get(org.path[: -Organization.steplen]) if org.depth > 1 else None
        check_placement(org.org_type, org.level, parent)  # raises on a misplaced node
        org.full_clean(exclude=["path", "depth", "numchild"])


@pytest.fixture
def demo():
    return load_demo(scale=SMALL)


def test_default_scale_is_a_few_hundred_unions_fast_and_idempotent():
    started = time.monotonic()
    first = load_demo()
    assert time.monotonic() - started < 20
    assert 300 <= Organization.objects.count() <= 420
    assert first.orgs_created == Organization.objects.count()
    assert first.employers_created == Employer.objects.count() > 300
    assert first.users_created == len(DEMO_ACCOUNTS)
    before = counts()

    second = load_demo()

    assert counts() == before
    assert (second.orgs_created, second.employers_created, second.users_created, second.users_updated) == (0, 0, 0, 0)
    assert second.orgs_existing == before[0]
    assert_tree_is_sound()
    by_type = {t: Organization.objects.filter(org_type=t).count() for t in OrgType.values}
    assert by_type[OrgType.FEDERATION] == 7
    assert by_type[OrgType.ONLINE_HOME] == 6
    assert by_type[OrgType.GRASSROOTS] >= 200
    assert by_type[OrgType.JOINT] >= 6
    assert by_type[OrgType.GROUP] >= 5


def test_the_city_has_its_real_counties_towns_and_park(demo):
    city = Organization.objects.get(code=CITY_CODE)
    assert (city.name, city.org_type, city.level, city.region_code, city.depth) == (
        "常州市总工会",
        OrgType.FEDERATION,
        "city",
        "320400",
        1,
    )
    counties = {o.name: o for o in Organization.objects.get_children(city).filter(org_type=OrgType.FEDERATION)}
    assert {name: o.region_code for name, o in counties.items()} == {
        "天宁区总工会": "320402",
        "钟楼区总工会": "320404",
        "新北区总工会": "320411",
        "武进区总工会": "320412",
        "金坛区总工会": "320413",
        "溧阳市总工会": "320481",
    }
    assert all(o.level == "county" for o in counties.values())
    park = Organization.objects.get(code=PARK_CODE)
    assert (park.name, park.org_type, park.region_code, Organization.objects.get_parent(park).pk) == (
        "常州经开区工会",
        OrgType.PARK,
        "320400",
        city.pk,
    )
    assert Organization.objects.get_children(park).filter(org_type=OrgType.GRASSROOTS).exists()
    wujin = counties["武进区总工会"]
    assert wujin.code == "GH320412"
    towns = list(Organization.objects.get_children(wujin).filter(org_type__in=[OrgType.TOWN, OrgType.PARK]))
    assert len(towns) == 14
    assert towns[0].name == "湖塘镇工会" and towns[0].code == "GH320412-01"
    assert Organization.objects.get(code="GH320412-03").name == "洛阳镇工会"
    assert {t.region_code for t in towns} == {"320412"}
    assert "茶山街道工会" in {o.name for o in Organization.objects.get_children(counties["天宁区总工会"])}
    for county in counties.values():
        homes = Organization.objects.get_children(county).filter(org_type=OrgType.ONLINE_HOME)
        assert homes.count() == 1
        for child in Organization.objects.get_descendants(county):
            assert child.region_code == county.region_code, child


def test_everything_is_marked_as_demo(demo):
    assert not Organization.objects.filter(is_demo=False).exists()
    assert not Employer.objects.filter(is_demo=False).exists()
    assert set(User.objects.values_list("username", flat=True)) == {a.username for a in DEMO_ACCOUNTS}
    assert all(u.is_demo and not u.must_change_password for u in User.objects.all())


def test_region_codes_and_credit_codes_are_valid(demo):
    for region in Organization.objects.values_list("region_code", flat=True).distinct():
        validate_region_code(region)
    for region in Employer.objects.values_list("region_code", flat=True).distinct():
        validate_region_code(region)
    usccs = list(Employer.objects.values_list("uscc", flat=True))
    assert len(usccs) == len(set(usccs))
    for uscc in usccs:
        validate_uscc(uscc)
        stdnum_uscc.validate(uscc)  # an independent oracle


def test_employers_are_plausible(demo):
    employers = list(Employer.objects.select_related("org", "union"))
    assert employers
    for employer in employers:
        employer.full_clean()
        assert 0 <= employer.women_count <= employer.staff_count
        if employer.union is not None:
            assert employer.union.org_type in UNION_TYPES
            assert employer.org_id == employer.union_id
        else:
            assert employer.org.org_type in (OrgType.TOWN, OrgType.PARK)
    assert any(e.is_platform for e in employers)
    leads = [e for e in employers if e.union is None]  # no union yet: leads for establishment work
    assert leads and any(e.staff_count >= 25 for e in leads)
    for union in Organization.objects.filter(org_type__in=UNION_TYPES):
        assert 1 <= union.employers.count() <= 5, union


def test_the_spec_is_reproducible():
    first, second = build_spec(scale=SMALL), build_spec(scale=SMALL)
    assert first == second
    assert build_spec(scale=SMALL, seed=7) != first
    codes = [org.code for org in build_spec().orgs]
    assert len(codes) == len(set(codes))
    # A smaller demo is part of the larger one: the same units under the same codes.
    small = {org.code: org.name for org in first.orgs}
    large = {org.code: org.name for org in build_spec().orgs}
    assert all(large[code] == name for code, name in small.items())


def test_second_run_changes_nothing(demo):
    snapshot = sorted(Organization.objects.values_list("code", "path", "numchild", "name", "updated_at"))
    users = sorted(User.objects.values_list("username", "password", "org_id"))
    assert load_demo(scale=SMALL).orgs_created == 0
    assert sorted(Organization.objects.values_list("code", "path", "numchild", "name", "updated_at")) == snapshot
    assert sorted(User.objects.values_list("username", "password", "org_id")) == users


def test_missing_units_are_added_back_in_place_of_nothing_else(demo):
    # A node without employers: a union group, or an online home if the small demo has no group.
    group = Organization.objects.filter(org_type__in=[OrgType.GROUP, OrgType.ONLINE_HOME]).order_by("-org_type").first()
    code, parent = group.code, Organization.objects.get_parent(group)
    group.delete()
    before = Organization.objects.count()

    result = load_demo(scale=SMALL)

    assert result.orgs_created == 1 and Organization.objects.count() == before + 1
    restored = Organization.objects.get(code=code)
    assert Organization.objects.get_parent(restored).pk == parent.pk
    assert_tree_is_sound()


def test_demo_goes_beside_an_existing_tree():
    other = Organization.objects.add_root(
        instance=Organization(
            name="南京市总工会", code="NJ3201", org_type=OrgType.FEDERATION, level="city", region_code="320100"
        )
    )
    load_demo(scale=SMALL)
    city = Organization.objects.get(code=CITY_CODE)
    assert city.depth == 1 and city.path > other.path
    other.refresh_from_db()
    assert other.numchild == 0
    assert_tree_is_sound()


def test_all_demo_accounts_log_in_on_the_login_page(demo, client):
    for account in DEMO_ACCOUNTS:
        client.logout()
        page = client.get(reverse("login"))
        assert page.status_code == 200
        response = client.post(reverse("login"), {"username": account.username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, (account.username, response.content.decode()[:500])
        assert response["Location"] == reverse("home")
        assert client.session["_auth_user_id"] == str(User.objects.get(username=account.username).pk)


def test_demo_accounts_have_their_roles_and_units(demo):
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert list(user.roles.values_list("code", flat=True)) == [account.role_code]
        assert user.org.code == account.org_code
    chair = User.objects.get(username="chair_demo")
    assert chair.org.org_type == OrgType.GRASSROOTS and chair.org.code.startswith("GH320412-")


def test_wujin_admin_sees_only_wujin(demo):
    wujin = Organization.objects.get(code="GH320412")
    user = User.objects.get(username="wujin_admin")
    visible = Organization.objects.restrict(user, "view")
    assert visible.count() == Organization.objects.filter(path__startswith=wujin.path).count() > 14
    assert all(code.startswith("GH320412") for code in visible.values_list("code", flat=True))
    assert not visible.filter(name="天宁区总工会").exists()
    employers = Employer.objects.restrict(user, "view")
    assert employers.exists()
    assert set(employers.values_list("region_code", flat=True)) == {"320412"}
    assert (
        Employer.objects.restrict(User.objects.get(username="city_admin"), "view").count() == Employer.objects.count()
    )


def test_passwords_are_kept_unless_reset_is_asked_for(demo):
    user = User.objects.get(username="city_admin")
    user.set_password("Changed@2026xx")
    user.save()

    load_demo(scale=SMALL)
    user.refresh_from_db()
    assert user.check_password("Changed@2026xx")

    result = load_demo(scale=SMALL, reset_passwords=True)
    user.refresh_from_db()
    assert user.check_password(DEMO_PASSWORD)
    assert result.passwords_reset == len(DEMO_ACCOUNTS)


def test_a_real_account_with_a_demo_name_is_left_alone():
    real = User.objects.create_user(username="leader", password="Real@pass2026", is_demo=False)
    result = load_demo(scale=SMALL)
    real.refresh_from_db()
    assert real.check_password("Real@pass2026") and real.org is None and not real.roles.exists()
    assert result.skipped_users == ["leader"]


def test_refuses_to_mix_with_real_data_under_a_demo_code():
    Organization.objects.add_root(
        instance=Organization(
            name="常州市总工会", code=CITY_CODE, org_type=OrgType.FEDERATION, level="city", region_code="320400"
        )
    )
    with pytest.raises(CommandError, match="组织编码 GH320400 已被正式数据使用"):
        call_command("load_demo", "--scale", str(SMALL), stdout=StringIO())
    assert Organization.objects.count() == 1 and not Employer.objects.exists() and not User.objects.exists()


def test_command_prints_banner_and_logins():
    out = StringIO()
    call_command("load_demo", "--scale", str(SMALL), stdout=out)
    text = out.getvalue()
    assert "演示数据" in text
    for account in DEMO_ACCOUNTS:
        assert account.username in text
    assert DEMO_PASSWORD in text and "武进区总工会" in text
    again = StringIO()
    call_command("load_demo", "--scale", str(SMALL), stdout=again)
    assert "新建 0 个" in again.getvalue() and "保留原密码" in again.getvalue()


def test_demo_announcements_reach_their_subtree(db):
    from gonghui.accounts.models import User
    from gonghui.notices.models import Announcement, Message
    from gonghui.orgs.demo import load_demo

    first = load_demo(scale=0.1)
    assert first.announcements_created == 2
    assert load_demo(scale=0.1).announcements_created == 0
    assert Announcement.objects.filter(status="published").count() == 2
    chair = User.objects.get(username="chair_demo")
    titles = set(Message.objects.filter(recipient=chair).values_list("title", flat=True))
    assert len(titles) == 2  # the city's and 武进区's announcements both reach a 武进区 union
