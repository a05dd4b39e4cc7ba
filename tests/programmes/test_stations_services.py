import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.core.models import ChangeLog
from gonghui.programmes import geo, services_stations
from gonghui.programmes.models import Inspection, Station, StationStatus, UsageReport
from gonghui.programmes.selectors_stations import fixes_overdue, overdue_inspections
from tests.programmes.helpers import HUTANG, make_station, station_data

pytestmark = pytest.mark.django_db
ALL_ITEMS = ["signage", "hours", "water", "climate", "clean", "first_aid", "safety", "ledger"]
TODAY = datetime.date.today()


def test_create_keeps_a_wgs84_copy_and_the_next_inspection_date(world):
    station = make_station(world.wujin_admin, world.hutang)
    assert (station.wgs_lat, station.wgs_lng) == pytest.approx(geo.gcj02_to_wgs84(*HUTANG), abs=1e-9)
    assert station.next_inspection_due == station.built_on + datetime.timedelta(days=90)
    assert station.facility_codes == ["water", "charging", "microwave"]
    assert ChangeLog.objects.filter(object_id=str(station.pk), action="create").exists()


def test_create_refuses_another_subtree_and_leaves_nothing(world):
    with pytest.raises(PermissionDenied):
        make_station(world.wujin_admin, world.chashan)
    assert not Station.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"star_rating": 3}, "star_rated_on"),
        ({"star_rating": 3, "star_rated_on": TODAY}, "star_grounds"),
        ({"built_on": None}, "built_on"),
        ({"lat": 119.97, "lng": 31.72}, "lat"),  # swapped
        ({"region_code": "123456"}, "region_code"),
        ({"facilities": ["sauna"]}, "facilities"),
    ],
)
def test_bad_input_names_the_field(world, extra, field):
    with pytest.raises(ValidationError) as error:
        make_station(world.wujin_admin, world.hutang, **extra)
    assert field in error.value.message_dict
    assert not Station.objects.exists()


def test_changing_coordinates_system_recomputes_wgs(world):
    station = make_station(world.wujin_admin, world.hutang)
    updated = services_stations.station_update(
        user=world.wujin_admin, station=station, data={"coord_system": "wgs84", "lat": 31.72, "lng": 119.97}
    )
    assert (updated.wgs_lat, updated.wgs_lng) == (31.72, 119.97)


def test_inspection_with_problems_then_a_passing_reinspection_closes_it(world):
    admin = world.wujin_admin
    station = make_station(admin, world.hutang)
    first = services_stations.inspection_create(
        user=admin,
        station=station,
        data={
            "inspected_on": TODAY - datetime.timedelta(days=10),
            "inspector": "张三",
            "passed_items": [i for i in ALL_ITEMS if i != "first_aid"],
            "result": "needs_fix",
            "issues_found": "急救药品过期",
            "fix_deadline": TODAY - datetime.timedelta(days=3),
        },
    )
    assert first.checklist["first_aid"] is False and first.awaiting_fix
    assert list(fixes_overdue(admin)) == [first]
    station.refresh_from_db()
    assert station.last_inspected_on == first.inspected_on
    assert station.next_inspection_due == first.inspected_on + datetime.timedelta(days=90)
    again = services_stations.inspection_create(
        user=admin,
        station=station,
        data={"inspected_on": TODAY, "inspector": "张三", "passed_items": ALL_ITEMS, "result": "passed"},
        follow_up_of=first,
    )
    first.refresh_from_db()
    assert first.fixed_on == TODAY and not first.awaiting_fix
    assert again.follow_up_of == first
    assert not fixes_overdue(admin).exists()
    with pytest.raises(ValidationError):  # nothing left to re-inspect
        services_stations.inspection_create(
            user=admin,
            station=station,
            data={"inspected_on": TODAY, "inspector": "张三", "passed_items": ALL_ITEMS, "result": "passed"},
            follow_up_of=first,
        )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"passed_items": ALL_ITEMS[1:], "result": "passed"}, "result"),
        ({"passed_items": ALL_ITEMS, "result": "needs_fix", "fix_deadline": TODAY}, "issues_found"),
        ({"passed_items": ALL_ITEMS, "result": "needs_fix", "issues_found": "x"}, "fix_deadline"),
        (
            {"passed_items": ALL_ITEMS, "result": "passed", "inspected_on": TODAY + datetime.timedelta(days=2)},
            "inspected_on",
        ),
    ],
)
def test_inspection_validation(world, data, field):
    station = make_station(world.wujin_admin, world.hutang)
    payload = {"inspected_on": TODAY, "inspector": "李四", **data}
    with pytest.raises(ValidationError) as error:
        services_stations.inspection_create(user=world.wujin_admin, station=station, data=payload)
    assert field in error.value.message_dict
    assert not Inspection.objects.exists()


def test_failed_inspection_suspends_and_passing_reinspection_reopens(world):
    admin = world.wujin_admin
    station = make_station(admin, world.hutang)
    failed = services_stations.inspection_create(
        user=admin,
        station=station,
        data={
            "inspected_on": TODAY,
            "inspector": "王五",
            "passed_items": ALL_ITEMS[:2],
            "result": "failed",
            "issues_found": "设备损坏",
            "fix_deadline": TODAY + datetime.timedelta(days=7),
        },
    )
    station.refresh_from_db()
    assert station.status == StationStatus.SUSPENDED and station.next_inspection_due is None
    services_stations.inspection_create(
        user=admin,
        station=station,
        data={"inspected_on": TODAY, "inspector": "王五", "passed_items": ALL_ITEMS, "result": "passed"},
        follow_up_of=failed,
    )
    station.refresh_from_db()
    assert station.status == StationStatus.OPERATING


def test_overdue_list_for_union_and_parent_not_siblings(world):
    old = TODAY - datetime.timedelta(days=200)
    station = make_station(world.chair, world.wujin_union, built_on=old)
    fresh = make_station(world.chair, world.wujin_union, name="新驿站")
    assert list(overdue_inspections(world.chair)) == [station]  # its own union
    assert list(overdue_inspections(world.wujin_admin)) == [station]  # the district above
    assert list(overdue_inspections(world.city_admin)) == [station]
    assert not overdue_inspections(world.tianning_admin).exists()  # a sibling district
    assert fresh not in overdue_inspections(world.city_admin)


def test_usage_report_is_one_row_per_month_and_corrects(world):
    station = make_station(world.wujin_admin, world.hutang)
    month = TODAY.replace(day=1)
    services_stations.usage_report_save(user=world.wujin_admin, station=station, month=month, visits=120)
    services_stations.usage_report_save(user=world.wujin_admin, station=station, month=month, visits=150)
    assert list(UsageReport.objects.values_list("visits", flat=True)) == [150]
    with pytest.raises(ValidationError):
        nxt = (month + datetime.timedelta(days=40)).replace(day=1)
        services_stations.usage_report_save(user=world.wujin_admin, station=station, month=nxt, visits=1)


def test_delete_refused_once_it_has_records(world):
    station = make_station(world.wujin_admin, world.hutang)
    services_stations.usage_report_save(user=world.wujin_admin, station=station, month=TODAY, visits=5)
    with pytest.raises(ValidationError):
        services_stations.station_delete(user=world.wujin_admin, station=station)
    assert Station.objects.filter(pk=station.pk).exists()


def test_move_to_other_union_carries_records(world):
    station = make_station(world.wujin_admin, world.hutang)
    services_stations.usage_report_save(user=world.wujin_admin, station=station, month=TODAY, visits=5)
    services_stations.station_update(user=world.wujin_admin, station=station, data={"org": world.wujin_union})
    assert UsageReport.objects.get().org == world.wujin_union


def test_update_out_of_scope_is_refused(world):
    station = make_station(world.tianning_admin, world.chashan)
    with pytest.raises(PermissionDenied):
        services_stations.station_update(user=world.wujin_admin, station=station, data={"name": "x"})


def test_station_data_helper_is_valid_for_both_districts(world):
    assert station_data(world.chashan)["region_code"] == "320402"
