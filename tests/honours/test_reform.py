"""产改: pilot enterprises by batch with their 一企一策 checklist and liaison, demonstration sites; the two
computed sources agreeing with a naive count; pages and API scoped to the subtree."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonghui.core.context import actor
from gonghui.honours import services_reform as services
from gonghui.honours.models import DemoSite, MeasureStatus, PilotEnterprise, PilotLiaison, ReformMeasure
from gonghui.orgs.models import Organization
from gonghui.targets import figures, sources
from gonghui.utilities.periods import Period
from tests.honours.helpers import D, admin_of
from tests.world import make_employer

pytestmark = pytest.mark.django_db


DESIGNATED = D(2026, 3, 15)


def make_pilot(world, employer, *, batch=2, designated_on=DESIGNATED, status="piloting"):
    union = employer.union
    user = admin_of(world, union)
    with actor(user):
        return services.pilot_create(
            user=user,
            data={"org": union, "employer": employer, "batch": batch, "designated_on": designated_on, "status": status},
        )


def make_site(world, org, name, named_on, employer=None):
    user = admin_of(world, org)
    with actor(user):
        return services.demo_site_create(
            user=user,
            data={
                "org": org,
                "name": name,
                "level": "county",
                "employer": employer,
                "named_on": named_on,
                "named_by": "区总工会",
            },
        )


def test_pilot_checklist_and_liaison(world):
    pilot = make_pilot(world, world.wujin_employer)
    with pytest.raises(ValidationError, match="已是产改试点企业"):
        make_pilot(world, world.wujin_employer)
    user = world.wujin_admin
    with actor(user):
        measure = services.measure_add(
            user=user, pilot=pilot, data={"title": "建立技能等级自主评价制度", "due_on": D(2026, 12, 31)}
        )
        with pytest.raises(ValidationError, match="完成日期"):
            services.measure_update(user=user, measure=measure, data={"status": MeasureStatus.DONE})
        services.measure_update(
            user=user, measure=measure, data={"status": MeasureStatus.DONE, "done_on": D(2026, 6, 1)}
        )
        liaison = services.liaison_assign(
            user=user, pilot=pilot, data={"staff": world.wujin_admin, "since": D(2026, 4, 1)}
        )
        with pytest.raises(ValidationError, match="已在挂点联系"):
            services.liaison_assign(user=user, pilot=pilot, data={"staff": world.wujin_admin, "since": D(2026, 4, 2)})
        with pytest.raises(ValidationError, match="上级总工会的工作人员"):
            services.liaison_assign(user=user, pilot=pilot, data={"staff": world.chair, "since": D(2026, 4, 2)})
        services.liaison_end(user=user, liaison=liaison)
        with pytest.raises(ValidationError, match="不能删除"):
            services.pilot_delete(user=user, pilot=pilot)
    assert ReformMeasure.objects.get(pk=measure.pk).status == "done"
    assert PilotLiaison.objects.get(pk=liaison.pk).until is not None


def test_other_subtree_cannot_touch_a_pilot(world):
    pilot = make_pilot(world, world.tianning_employer)
    with actor(world.wujin_admin), pytest.raises(PermissionDenied):
        services.measure_add(user=world.wujin_admin, pilot=pilot, data={"title": "x", "due_on": D(2026, 12, 1)})
    assert not ReformMeasure.objects.exists()


@pytest.fixture
def reform(world):
    make_pilot(world, world.wujin_employer, batch=1, designated_on=D(2025, 6, 1))
    make_pilot(world, world.tianning_employer, designated_on=D(2026, 5, 10))
    third = make_employer(world.hutang, 3, union=world.wujin_union, name="武进丙公司")
    make_pilot(world, third, designated_on=D(2026, 8, 1))
    fourth = make_employer(world.chashan, 4, union=world.tianning_union, name="天宁丁公司")
    make_pilot(world, fourth, designated_on=D(2026, 7, 1), status="withdrawn")
    make_site(world, world.wujin_union, "武进甲示范点", D(2026, 4, 20), world.wujin_employer)
    make_site(world, world.tianning_union, "天宁乙示范点", D(2026, 9, 9))
    return world


@pytest.mark.parametrize(
    "period", [Period.quarter_of(2026, 2), Period.quarter_of(2026, 3), Period.year_of(2026)], ids=str
)
def test_reform_sources_agree_with_a_naive_count(reform, period):
    units = list(Organization.objects.order_by("path"))
    figures.refresh(2026)
    for key, rows, date in (
        ("reform_pilot_enterprises", PilotEnterprise.objects.exclude(status="withdrawn"), "designated_on"),
        ("reform_demo_sites", DemoSite.objects.all(), "named_on"),
    ):
        live = sources.values_by_unit(key, units, period)
        rolled = figures.values([key], units, period)
        for unit in units:
            expected = sum(
                1 for r in rows if period.start <= getattr(r, date) <= period.end and r.org.path.startswith(unit.path)
            )
            assert live[unit.pk] == expected == rolled[(key, unit.pk)], (key, unit.name)


def test_pages_are_scoped(client, reform):
    client.force_login(reform.wujin_admin)
    for name, own, other in (
        ("honours:pilot_list", "武进甲公司", "天宁乙公司"),
        ("honours:demo_site_list", "武进甲示范点", "天宁乙示范点"),
    ):
        body = client.get(reverse(name)).content.decode()
        assert own in body and other not in body
        rows = (
            CalamineWorkbook.from_filelike(io.BytesIO(client.get(reverse(name) + "?export=xlsx").content))
            .get_sheet_by_index(0)
            .to_python()
        )
        cells = {str(c) for row in rows for c in row}
        assert own in cells and other not in cells
    pilot = PilotEnterprise.objects.get(employer=reform.tianning_employer)
    site = DemoSite.objects.get(name="天宁乙示范点")
    with actor(reform.tianning_admin):
        measure = services.measure_add(
            user=reform.tianning_admin, pilot=pilot, data={"title": "举措", "due_on": D(2026, 12, 1)}
        )
        liaison = services.liaison_assign(
            user=reform.tianning_admin, pilot=pilot, data={"staff": reform.tianning_admin, "since": D(2026, 5, 1)}
        )
    for url in (
        reverse("honours:pilot_detail", args=[pilot.pk]),
        reverse("honours:pilot_edit", args=[pilot.pk]),
        reverse("honours:pilot_delete", args=[pilot.pk]),
        reverse("honours:demo_site_detail", args=[site.pk]),
        reverse("honours:demo_site_edit", args=[site.pk]),
        reverse("honours:demo_site_delete", args=[site.pk]),
        reverse("api:get_pilot", args=[pilot.pk]),
    ):
        assert client.get(url).status_code == 404, url
    for url, data in (
        (reverse("honours:pilot_step", args=[pilot.pk, "measure"]), {"title": "x", "due_on": "2026-12-01"}),
        (reverse("honours:measure_status", args=[measure.pk]), {"status": "done"}),
        (reverse("honours:measure_delete", args=[measure.pk]), {}),
        (reverse("honours:liaison_end", args=[liaison.pk]), {}),
    ):
        assert client.post(url, data).status_code == 404, url
    assert ReformMeasure.objects.get(pk=measure.pk).status == "not_started"
    api = client.get(reverse("api:list_pilots")).json()["items"]
    assert {row["employer_name"] for row in api} == {"武进甲公司", "武进丙公司"}
    assert {row["name"] for row in client.get(reverse("api:list_demo_sites")).json()["items"]} == {"武进甲示范点"}


def test_checklist_through_the_pages(client, world):
    client.force_login(world.wujin_admin)
    response = client.post(
        reverse("honours:pilot_add"),
        {
            "employer": world.wujin_employer.pk,
            "org": world.wujin_union.pk,
            "batch": 2,
            "designated_on": "2026-03-15",
            "feature": "师带徒",
            "status": "piloting",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    pilot = PilotEnterprise.objects.get(employer=world.wujin_employer)
    client.post(
        reverse("honours:pilot_step", args=[pilot.pk, "measure"]),
        {"title": "岗位练兵", "due_on": "2026-12-31", "status": "not_started"},
    )
    measure = pilot.measures.get()
    client.post(reverse("honours:measure_status", args=[measure.pk]), {"status": "done"})
    measure.refresh_from_db()
    assert measure.status == "done" and measure.done_on is not None
    page = client.get(pilot.get_absolute_url()).content.decode()
    assert "1 / 1 项已完成" in page
    response = client.post(
        reverse("honours:pilot_step", args=[pilot.pk, "liaison"]),
        {"staff": world.wujin_admin.pk, "since": "2026-04-01"},
    )
    assert response.status_code == 302 and pilot.liaisons.count() == 1
