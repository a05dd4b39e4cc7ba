"""Writers for stations, their photos, inspections and usage reports: validated, atomic, re-checked."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from gonghui.core.querysets import ensure_in_scope
from gonghui.core.services import assign_fields, fetch_for_update
from gonghui.programmes.common import owning_union
from gonghui.programmes.models.stations import (
    CHECKLIST,
    Inspection,
    InspectionResult,
    Station,
    StationPhoto,
    StationStatus,
    UsageReport,
    facility_mask,
)

STATION_FIELDS = (
    "name",
    "host_type",
    "host_name",
    "address",
    "region_code",
    "lat",
    "lng",
    "coord_system",
    "opening_hours",
    "service_phone",
    "star_rating",
    "star_rated_on",
    "star_grounds",
    "status",
    "build_kind",
    "built_on",
    "inspection_interval_days",
    "remark",
)
INSPECTION_FIELDS = ("inspected_on", "inspector", "result", "issues_found", "fix_deadline")


def _degrees(value) -> Decimal | None:
    """Coordinates to the six decimals stored (about 0.1 m): a phone's float has many more."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValidationError("经纬度应为数字，如 31.778700。") from None


def _apply(station: Station, data: dict) -> None:
    assign_fields(station, STATION_FIELDS, data, strip=True)
    station.lat, station.lng = _degrees(station.lat), _degrees(station.lng)
    if "facilities" in data:
        station.facilities = facility_mask(data["facilities"])
    if not station.star_rating:
        station.star_rated_on = None
        station.star_grounds = ""


@transaction.atomic
def station_create(*, user, data: dict) -> Station:
    station = Station(created_by=user)
    station.org = owning_union(user, data.get("org"), "驿站")
    _apply(station, data)
    station.full_clean()
    station.sync_derived()
    station.save()
    ensure_in_scope(user, station, "add")
    return station


@transaction.atomic
def station_update(*, user, station: Station, data: dict) -> Station:
    station = fetch_for_update(Station, user, "change", station.pk)
    station.snapshot()
    if "org" in data and data["org"] != station.org:
        station.org = owning_union(user, data["org"], "驿站")
        # Its inspections and usage follow it, so the new owner's scope sees the whole history.
        Inspection.objects.filter(station=station).update(org=station.org)
        UsageReport.objects.filter(station=station).update(org=station.org)
        StationPhoto.objects.filter(station=station).update(org=station.org)
    _apply(station, data)
    station.full_clean()
    station.sync_derived()
    station.save()
    ensure_in_scope(user, station, "change")
    return station


@transaction.atomic
def station_delete(*, user, station: Station) -> None:
    station = fetch_for_update(Station, user, "delete", station.pk)
    if station.inspections.exists() or station.usage_reports.exists():
        raise ValidationError("该驿站已有巡查或使用记录，不能删除；不再运营的驿站请把状态改为“撤销”，记录会保留备查。")
    station.delete()


@transaction.atomic
def station_photo_add(*, user, station: Station, image, caption: str = "") -> StationPhoto:
    station = fetch_for_update(Station, user, "change", station.pk)
    if station.photos.count() >= 12:
        raise ValidationError({"image": "每个驿站最多保存 12 张照片，请先删除旧照片。"})
    photo = StationPhoto(station=station, org=station.org, image=image, caption=caption.strip(), created_by=user)
    photo.full_clean()
    photo.save()
    ensure_in_scope(user, photo, "change")
    return photo


@transaction.atomic
def station_photo_delete(*, user, photo: StationPhoto) -> None:
    photo = fetch_for_update(StationPhoto, user, "change", photo.pk)
    photo.image.delete(save=False)
    photo.delete()


# --- inspections ------------------------------------------------------------------------------------


def _checklist(data: dict) -> dict[str, bool]:
    """The checklist as posted: every item answered (unticked = not up to standard)."""
    ticked = set(data.get("passed_items") or ())
    unknown = ticked - {code for code, _label in CHECKLIST}
    if unknown:
        raise ValidationError({"checklist": f"未知的检查项：{'、'.join(sorted(unknown))}。"})
    return {code: code in ticked for code, _label in CHECKLIST}


def _refresh_inspection_dates(station: Station) -> None:
    latest = station.inspections.order_by("-inspected_on").values_list("inspected_on", flat=True).first()
    station.last_inspected_on = latest
    station.sync_derived()
    Station.objects.filter(pk=station.pk).update(
        last_inspected_on=station.last_inspected_on, next_inspection_due=station.next_inspection_due
    )


@transaction.atomic
def inspection_create(*, user, station: Station, data: dict, follow_up_of: Inspection | None = None) -> Inspection:
    """Record an inspection (or the re-inspection of an earlier one, which closes it when it passes)."""
    station = fetch_for_update(Station, user, "change", station.pk)
    if station.status == StationStatus.REVOKED:
        raise ValidationError("该驿站已撤销，不能再登记巡查。")
    inspection = Inspection(station=station, org=station.org, created_by=user)
    assign_fields(inspection, INSPECTION_FIELDS, data, strip=True)
    inspection.checklist = _checklist(data)
    if follow_up_of is not None:
        follow_up_of = fetch_for_update(Inspection, user, "change", follow_up_of.pk)
        if not follow_up_of.awaiting_fix:
            raise ValidationError({"follow_up_of": "这次巡查的问题已整改完毕，无需再复查。"})
        inspection.follow_up_of = follow_up_of
    if inspection.result == InspectionResult.PASSED:
        inspection.fix_deadline = None
    inspection.full_clean()
    inspection.save()
    if follow_up_of is not None and inspection.result == InspectionResult.PASSED:
        follow_up_of.snapshot()
        follow_up_of.fixed_on = inspection.inspected_on
        follow_up_of.save()
    if inspection.result == InspectionResult.FAILED and station.status == StationStatus.OPERATING:
        station.snapshot()
        station.status = StationStatus.SUSPENDED
        station.sync_derived()
        station.save()
    elif (
        follow_up_of is not None
        and inspection.result == InspectionResult.PASSED
        and station.status == StationStatus.SUSPENDED
        and follow_up_of.result == InspectionResult.FAILED
    ):
        station.snapshot()
        station.status = StationStatus.OPERATING  # passed its re-inspection: back in service
        station.save()
    _refresh_inspection_dates(station)
    ensure_in_scope(user, inspection, "add")
    return inspection


@transaction.atomic
def inspection_delete(*, user, inspection: Inspection) -> None:
    inspection = fetch_for_update(Inspection, user, "delete", inspection.pk)
    if inspection.follow_ups.exists():
        raise ValidationError("这次巡查已有复查记录，不能删除；请先删除复查记录。")
    station = inspection.station
    original = inspection.follow_up_of
    inspection.delete()
    if original is not None and original.fixed_on is not None:
        still_passed = original.follow_ups.filter(result=InspectionResult.PASSED).order_by("inspected_on").first()
        original.snapshot()
        original.fixed_on = still_passed.inspected_on if still_passed else None
        original.save()
    _refresh_inspection_dates(station)


# --- usage ------------------------------------------------------------------------------------------


@transaction.atomic
def usage_report_save(*, user, station: Station, month: datetime.date, visits: int, remark: str = "") -> UsageReport:
    """Enter or correct one month's visits (one row per station and month)."""
    station = fetch_for_update(Station, user, "change", station.pk)
    month = month.replace(day=1)
    report = UsageReport.objects.filter(station=station, month=month).select_for_update().first()
    action = "add" if report is None else "change"
    if report is None:
        report = UsageReport(station=station, org=station.org, month=month, created_by=user)
    else:
        report.snapshot()
    report.visits = visits
    report.remark = remark.strip()
    report.full_clean()
    report.save()
    ensure_in_scope(user, report, action)
    return report
