"""Health checks: places per union, eligibility, one appointment per person and batch, the place limit
(also under concurrent bookings on PostgreSQL), completion feeding the ``health_checks`` source."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from gonghui.core.context import actor
from gonghui.core.models import ChangeLog
from gonghui.honours import services_honours
from gonghui.programmes import services_health, services_projects
from gonghui.programmes.models import AppointmentStatus, HealthCheckAppointment
from gonghui.programmes.selectors_health import allocation_progress
from gonghui.programmes.selectors_projects import progress
from gonghui.targets import figures, sources
from gonghui.targets.models import Indicator
from gonghui.utilities.periods import Period
from tests.honours.helpers import honour_data
from tests.members.helpers import add_member
from tests.programmes.health_helpers import END, TODAY, YEAR, allocate, book, complete, make_batch

pytestmark = pytest.mark.django_db


def messages_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


@pytest.fixture
def batch(world):
    made = make_batch(world.city_admin, world.city, total_slots=10)
    allocate(world.city_admin, made, world.wujin, 6)
    allocate(world.city_admin, made, world.tianning, 4)
    return made


def test_allocations_cannot_exceed_the_batch_total(world, batch):
    with pytest.raises(ValidationError) as excinfo:
        allocate(world.city_admin, batch, world.tianning, 5)
    assert "总名额 10 人，其他单位已分配 6 人，最多还能分配 4 人" in messages_of(excinfo)
    assert batch.allocations.get(org=world.tianning).slots == 4  # unchanged
    with pytest.raises(ValidationError, match="总名额不能少于已分配数"):
        services_health.batch_update(user=world.city_admin, batch=batch, data={"total_slots": 9})


def test_allocations_stay_in_the_owners_subtree_and_do_not_nest(world):
    batch = make_batch(world.wujin_admin, world.wujin, total_slots=10)
    with pytest.raises(ValidationError, match="不在主办单位「武进区总工会」的下级范围内"):
        allocate(world.wujin_admin, batch, world.chashan, 2)
    allocate(world.wujin_admin, batch, world.hutang, 5)
    with pytest.raises(ValidationError, match="上下级单位不能重复分配"):
        allocate(world.wujin_admin, batch, world.wujin_union, 2)
    with pytest.raises(PermissionDenied):
        allocate(world.tianning_admin, batch, world.hutang, 3)


def test_booking_checks_membership_scope_and_allocation(world, batch):
    own = add_member(world, world.wujin_union, name="王一线", serial=11, employment_category="migrant")
    other = add_member(world, world.tianning_union, name="李天宁", serial=12, employment_category="migrant")
    with pytest.raises(ValidationError, match="不在您的数据权限范围内"):
        book(world.wujin_admin, batch, other)
    appointment = book(world.wujin_admin, batch, own)
    assert (appointment.org, appointment.allocation.org) == (world.wujin_union, world.wujin)
    outside = make_batch(world.tianning_admin, world.tianning, name="天宁区体检")
    with pytest.raises(PermissionDenied):
        book(world.wujin_admin, outside, own)


def test_eligibility_front_line_women_and_model_workers(world):
    batch = make_batch(world.city_admin, world.city, eligible_groups=["front_line", "model_worker"])
    allocate(world.city_admin, batch, world.wujin, 10)
    office = add_member(world, world.wujin_union, name="张文员", serial=21)  # male 职工, birth from the serial
    migrant = add_member(world, world.wujin_union, name="刘农民工", serial=23, employment_category="migrant")
    with pytest.raises(ValidationError) as excinfo:
        book(world.wujin_admin, batch, office)
    assert "体检对象为一线职工或劳模（先进），张文员不符合条件" in messages_of(excinfo)
    with pytest.raises(ValidationError, match="请填写岗位"):
        book(world.wujin_admin, batch, office, front_line=True)
    declared = book(world.wujin_admin, batch, office, front_line=True, job_post="装卸工")
    assert declared.front_line and declared.job_post == "装卸工"
    assert book(world.wujin_admin, batch, migrant).status == AppointmentStatus.BOOKED
    model = add_member(world, world.wujin_union, name="赵劳模", serial=25)
    with pytest.raises(ValidationError):
        book(world.wujin_admin, batch, model)
    with actor(world.wujin_admin):
        services_honours.honour_register(
            user=world.wujin_admin, data=honour_data(world.wujin_union, model), awarded_on=datetime.date(YEAR, 4, 28)
        )
    assert book(world.wujin_admin, batch, model).pk


def test_eligibility_by_category_and_women(world):
    batch = make_batch(world.city_admin, world.city, eligible_categories=["employee"], eligible_groups=["women"])
    allocate(world.city_admin, batch, world.wujin, 10)
    man = add_member(world, world.wujin_union, name="男职工", serial=31)
    woman = add_member(world, world.wujin_union, name="女职工", serial=32)
    rider = add_member(
        world,
        world.wujin_union,
        name="女骑手",
        serial=34,
        employment_category="new_employment",
        new_employment_type="delivery_rider",
    )
    assert woman.gender == "female" and man.gender == "male"
    assert book(world.wujin_admin, batch, woman).pk
    with pytest.raises(ValidationError, match="本批次只限职工"):
        book(world.wujin_admin, batch, rider)
    with pytest.raises(ValidationError, match="女职工"):
        book(world.wujin_admin, batch, man)


def test_one_appointment_per_person_and_batch(world, batch):
    member = add_member(world, world.wujin_union, name="钱重复", serial=41)
    first = book(world.wujin_admin, batch, member)
    with pytest.raises(ValidationError) as excinfo:
        book(world.wujin_admin, batch, member)
    assert "在本批次已有预约，同一批次每人只能预约一次" in messages_of(excinfo)
    with actor(world.wujin_admin):
        services_health.appointment_cancel(user=world.wujin_admin, appointment=first)
    assert book(world.wujin_admin, batch, member).status == AppointmentStatus.BOOKED
    assert HealthCheckAppointment.objects.filter(member=member).count() == 2


def test_the_place_limit_and_cancellation_frees_a_place(world):
    batch = make_batch(world.city_admin, world.city, total_slots=2)
    allocate(world.city_admin, batch, world.wujin, 1)
    first = book(world.wujin_admin, batch, add_member(world, world.wujin_union, name="孙一", serial=51))
    second = add_member(world, world.wujin_union, name="孙二", serial=53)
    with pytest.raises(ValidationError) as excinfo:
        book(world.wujin_admin, batch, second)
    assert "「武进区总工会」的 1 个名额已全部约满" in messages_of(excinfo)
    with actor(world.wujin_admin):
        services_health.appointment_cancel(user=world.wujin_admin, appointment=first)
    assert book(world.wujin_admin, batch, second).pk
    [row] = allocation_progress(world.city_admin, batch)
    assert (row.used, row.free) == (1, 0)
    allocate(world.city_admin, batch, world.wujin, 2)
    book(world.wujin_admin, batch, first.member)
    with pytest.raises(ValidationError, match="已预约 2 人，名额不能少于已预约人数"):
        allocate(world.city_admin, batch, world.wujin, 1)


def test_booking_needs_an_open_batch_and_a_date_in_its_period(world):
    batch = make_batch(world.city_admin, world.city, status="planning")
    allocate(world.city_admin, batch, world.wujin, 5)
    member = add_member(world, world.wujin_union, name="周待开", serial=61)
    with pytest.raises(ValidationError, match="现在不能预约"):
        book(world.wujin_admin, batch, member)
    services_health.batch_update(user=world.city_admin, batch=batch, data={"status": "open"})
    with pytest.raises(ValidationError, match="预约日期应在"):
        book(world.wujin_admin, batch, member, scheduled_on=END + datetime.timedelta(days=1))


def test_completion_counts_for_the_members_union_and_feeds_targets(world, batch):
    own = book(world.wujin_admin, batch, add_member(world, world.wujin_union, name="吴完成", serial=71))
    noshow = book(world.wujin_admin, batch, add_member(world, world.wujin_union, name="吴未到", serial=73))
    with pytest.raises(ValidationError, match="不能晚于今天"):
        complete(world.wujin_admin, own, TODAY + datetime.timedelta(days=1))
    complete(world.wujin_admin, own)
    with actor(world.wujin_admin):
        services_health.appointment_no_show(user=world.wujin_admin, appointment=noshow)
        with pytest.raises(ValidationError, match="已完成体检的预约不能取消"):
            services_health.appointment_cancel(user=world.wujin_admin, appointment=own)
    year = Period.year_of(YEAR)
    assert sources.value("health_checks", world.city, year) == 1
    assert sources.value("health_checks", world.wujin_union, year) == 1
    assert sources.value("health_checks", world.tianning, year) == 0
    assert sources.values_by_unit("health_checks", [world.wujin, world.tianning], year) == {
        world.wujin.pk: Decimal(1),
        world.tianning.pk: Decimal(0),
    }
    figures.refresh(YEAR)
    assert figures.values(["health_checks"], [world.wujin, world.city], year)[("health_checks", world.city.pk)] == 1
    assert Indicator.objects.get(key="health_checks").is_computed
    assert ChangeLog.objects.filter(object_id=str(own.pk), action="update").exists()


def test_a_livelihood_project_reads_completed_checks(world, batch):
    appointment = book(world.wujin_admin, batch, add_member(world, world.wujin_union, name="郑实事", serial=81))
    complete(world.wujin_admin, appointment)
    with actor(world.city_admin):
        project = services_projects.project_create(
            user=world.city_admin,
            data={
                "org": world.city,
                "year": YEAR,
                "title": "5万名一线职工健康体检",
                "target_value": Decimal(50000),
                "unit": "人",
                "deadline": datetime.date(YEAR, 12, 31),
                "indicator": Indicator.objects.get(key="health_checks"),
            },
        )
    row = progress(project)
    assert row.computed and row.actual == 1
    with pytest.raises(ValidationError, match="自动统计，无需填报"):
        services_projects.project_report(user=world.city_admin, project=project, value=5)


def test_exam_vehicle_visits(world, batch):
    with actor(world.city_admin):
        visit = services_health.visit_create(
            user=world.city_admin,
            batch=batch,
            employer=world.wujin_employer,
            data={"visit_on": TODAY, "place": "厂区东门停车场", "planned_count": 80},
        )
    assert visit.org == world.wujin_union
    member = add_member(world, world.wujin_union, name="冯车检", serial=91, employment_category="migrant")
    appointment = book(world.wujin_admin, batch, member, visit=visit, scheduled_on=TODAY)
    assert appointment.visit == visit
    with pytest.raises(ValidationError, match="请填写实际体检人数"):
        services_health.visit_update(user=world.city_admin, visit=visit, data={"status": "done"})
    services_health.visit_update(user=world.city_admin, visit=visit, data={"status": "done", "examined_count": 76})
    with pytest.raises(ValidationError, match="已有职工预约，不能删除"):
        services_health.visit_delete(user=world.city_admin, visit=visit)
    with pytest.raises(ValidationError, match="到场日期应在本批次体检时间内"):
        services_health.visit_create(
            user=world.city_admin,
            batch=batch,
            employer=world.wujin_employer,
            data={"visit_on": END + datetime.timedelta(days=3), "place": "厂区", "planned_count": 10},
        )


def test_batch_delete_refused_with_appointments(world, batch):
    book(world.wujin_admin, batch, add_member(world, world.wujin_union, name="陈删除", serial=93))
    with pytest.raises(ValidationError, match="已有体检预约，不能删除"):
        services_health.batch_delete(user=world.city_admin, batch=batch)


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_cannot_pass_the_place_limit(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) are only concurrent on PostgreSQL")
    batch = make_batch(world.city_admin, world.city, total_slots=3)
    allocate(world.city_admin, batch, world.wujin, 3)
    members = [add_member(world, world.wujin_union, name=f"并发{i}", serial=101 + 2 * i) for i in range(8)]
    barrier = threading.Barrier(len(members))
    outcomes: list[str] = []

    def attempt(member):
        from django.db import connections

        try:
            barrier.wait()
            book(world.wujin_admin, batch, member)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("full")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(m,)) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 3 and outcomes.count("full") == 5
    assert HealthCheckAppointment.objects.filter(batch=batch).count() == 3
