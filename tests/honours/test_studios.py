"""Innovation studios: naming with leader and team from the registry, achievements, yearly review, revocation;
innovation_studios agreeing with a naive count; pages and API scoped to the subtree."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonghui.core.context import actor
from gonghui.honours import selectors_studios as selectors
from gonghui.honours import services_studios as services
from gonghui.honours.models import InnovationStudio, StudioStatus
from gonghui.orgs.models import Organization
from gonghui.targets import figures, sources
from gonghui.utilities.periods import Period
from tests.honours.helpers import D, admin_of
from tests.members.helpers import add_member

pytestmark = pytest.mark.django_db


NAMED_ON = D(2026, 3, 1)


def make_studio(world, union, *, name, serial, named_on=NAMED_ON, team=(), user=None, **overrides):
    user = user or admin_of(world, union)
    leader = add_member(world, union, name=f"{name[:2]}领办人", serial=serial)
    data = {
        "org": union,
        "name": name,
        "kind": "model_worker",
        "level": "city",
        "employer": None,
        "leader": leader,
        "members": list(team),
        "field": "数控加工",
        "named_on": named_on,
        "named_by": "常州市总工会",
        **overrides,
    }
    with actor(user):
        return services.studio_create(user=user, data=data)


def test_team_comes_from_the_studios_unit(world):
    stranger = add_member(world, world.tianning_union, name="天宁人", serial=801)
    with pytest.raises(ValidationError, match="不在您的数据权限范围内"):
        make_studio(world, world.wujin_union, name="甲工作室", serial=802, team=[stranger])
    mate = add_member(world, world.wujin_union, name="队员", serial=803)
    studio = make_studio(world, world.wujin_union, name="甲工作室", serial=804, team=[mate])
    assert list(studio.members.all()) == [mate]
    with pytest.raises(ValidationError, match="已有名为"):
        make_studio(world, world.wujin_union, name="甲工作室", serial=805)


def test_achievements_review_and_revocation(world):
    studio = make_studio(world, world.wujin_union, name="乙工作室", serial=811)
    user = world.wujin_admin
    with actor(user):
        with pytest.raises(ValidationError, match="专利号"):
            services.achievement_add(
                user=user, studio=studio, data={"kind": "patent", "title": "夹具", "achieved_on": D(2026, 5, 1)}
            )
        with pytest.raises(ValidationError, match="创效金额"):
            services.achievement_add(
                user=user, studio=studio, data={"kind": "saving", "title": "节能", "achieved_on": D(2026, 5, 1)}
            )
        services.achievement_add(
            user=user,
            studio=studio,
            data={"kind": "patent", "title": "快换夹具", "achieved_on": D(2026, 5, 1), "reference": "ZL2026100001"},
        )
        services.achievement_add(
            user=user,
            studio=studio,
            data={"kind": "saving", "title": "刀具修磨", "achieved_on": D(2026, 6, 1), "amount": Decimal("125000")},
        )
        services.review_record(
            user=user,
            studio=studio,
            data={"year": 2026, "rating": "excellent", "reviewed_on": D(2026, 11, 1), "reviewer": "武进区总工会"},
        )
        with pytest.raises(ValidationError, match="不能重复录入"):
            services.review_record(
                user=user,
                studio=studio,
                data={"year": 2026, "rating": "qualified", "reviewed_on": D(2026, 11, 2), "reviewer": "x"},
            )
    summary = selectors.with_achievements(InnovationStudio.objects.filter(pk=studio.pk)).get()
    assert (summary.patent_count, summary.award_count, summary.savings) == (1, 0, Decimal("125000"))
    with actor(world.chair), pytest.raises(PermissionDenied):
        services.studio_revoke(user=world.chair, studio=studio, revoked_on=D(2026, 12, 1), reason="停产")
    with actor(user):
        with pytest.raises(ValidationError, match="不能删除"):
            services.studio_delete(user=user, studio=studio)
        studio = services.studio_revoke(user=user, studio=studio, revoked_on=D(2026, 12, 1), reason="企业停产")
    assert studio.status == StudioStatus.REVOKED


def test_savings_are_not_multiplied_by_the_team(world):
    team = [add_member(world, world.wujin_union, name=f"成员{i}", serial=820 + i) for i in range(3)]
    studio = make_studio(world, world.wujin_union, name="丙工作室", serial=830, team=team)
    with actor(world.wujin_admin):
        services.achievement_add(
            user=world.wujin_admin,
            studio=studio,
            data={"kind": "saving", "title": "x", "achieved_on": D(2026, 6, 1), "amount": Decimal("100")},
        )
    summary = selectors.with_achievements(InnovationStudio.objects.filter(pk=studio.pk)).get()
    assert summary.savings == Decimal("100") and summary.team_size == 3


@pytest.fixture
def studios(world):
    make_studio(world, world.wujin_union, name="武进工作室", serial=841, named_on=D(2026, 4, 2))
    make_studio(world, world.tianning_union, name="天宁工作室", serial=842, named_on=D(2026, 8, 9))
    revoked = make_studio(world, world.tianning_union, name="已摘牌", serial=843, named_on=D(2026, 5, 5))
    with actor(world.tianning_admin):
        services.studio_revoke(user=world.tianning_admin, studio=revoked, revoked_on=D(2026, 9, 1), reason="停产")
    make_studio(world, world.wujin_union, name="去年工作室", serial=844, named_on=D(2025, 6, 1))
    return world


@pytest.mark.parametrize(
    "period", [Period.quarter_of(2026, 2), Period.quarter_of(2026, 3), Period.year_of(2026)], ids=str
)
def test_innovation_studios_agree_with_a_naive_count(studios, period):
    units = list(Organization.objects.order_by("path"))
    figures.refresh(2026)
    live = sources.values_by_unit("innovation_studios", units, period)
    rolled = figures.values(["innovation_studios"], units, period)
    for unit in units:
        expected = sum(
            1
            for s in InnovationStudio.objects.all()
            if s.status == "active" and period.start <= s.named_on <= period.end and s.org.path.startswith(unit.path)
        )
        assert live[unit.pk] == expected == rolled[("innovation_studios", unit.pk)], unit.name


def test_pages_are_scoped(client, studios):
    client.force_login(studios.wujin_admin)
    body = client.get(reverse("honours:studio_list")).content.decode()
    assert "武进工作室" in body and "天宁工作室" not in body
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(client.get(reverse("honours:studio_list") + "?export=xlsx").content))
        .get_sheet_by_index(0)
        .to_python()
    )
    cells = {str(c) for row in rows for c in row}
    assert "武进工作室" in cells and "天宁工作室" not in cells
    own = InnovationStudio.objects.get(name="武进工作室")
    assert client.get(own.get_absolute_url()).status_code == 200
    other = InnovationStudio.objects.get(name="天宁工作室")
    for url in (
        reverse("honours:studio_detail", args=[other.pk]),
        reverse("honours:studio_edit", args=[other.pk]),
        reverse("honours:studio_delete", args=[other.pk]),
        reverse("api:get_studio", args=[other.pk]),
    ):
        assert client.get(url).status_code == 404, url
    for step in ("achievement", "review", "revoke"):
        assert client.post(reverse("honours:studio_step", args=[other.pk, step]), {}).status_code == 404
    names = {row["name"] for row in client.get(reverse("api:list_studios")).json()["items"]}
    assert names == {"武进工作室", "去年工作室"}


def test_studio_form_takes_the_team_line_by_line(client, world):
    leader = add_member(world, world.wujin_union, name="领办", serial=851)
    mate = add_member(world, world.wujin_union, name="成员甲", serial=852)
    client.force_login(world.wujin_admin)
    data = {
        "name": "新工作室",
        "kind": "worker",
        "level": "county",
        "org": world.wujin_union.pk,
        "employer": "",
        "leader": leader.member_card_number,
        "member_terms": f"{mate.member_card_number}\n不存在的人",
        "field": "电气",
        "named_on": "2026-06-01",
        "named_by": "武进区总工会",
    }
    response = client.post(reverse("honours:studio_add"), data)
    assert "第 2 行「不存在的人」" in response.content.decode()
    data["member_terms"] = mate.member_card_number
    assert client.post(reverse("honours:studio_add"), data).status_code == 302
    studio = InnovationStudio.objects.get(name="新工作室")
    assert list(studio.members.all()) == [mate]
    response = client.post(
        reverse("honours:studio_step", args=[studio.pk, "achievement"]),
        {"kind": "award", "title": "全国职工优秀技术创新成果", "achieved_on": "2026-07-01", "reference": "三等奖"},
    )
    assert response.status_code == 302
    assert datetime.date(2026, 7, 1) == studio.achievements.get().achieved_on
