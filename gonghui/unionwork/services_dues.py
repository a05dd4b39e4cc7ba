"""Writers for dues (工会经费): records per employer and month, and the share schemes (分成比例)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from gonghui.core.querysets import ensure_in_scope
from gonghui.core.services import assign_fields, fetch_for_update
from gonghui.orgs.models import Employer, Organization
from gonghui.unionwork.common import ancestors_first_deepest, owning_unit
from gonghui.unionwork.models import DuesRecord, DuesShareScheme

DUES_FIELDS = ("period", "payroll_base", "paid", "channel", "paid_on", "note")
SCHEME_FIELDS = ("effective_year", "grassroots_pct", "county_pct", "city_pct", "province_pct", "national_pct", "note")


def employer_unit(employer: Employer) -> Organization:
    """The unit a dues record of ``employer`` counts under: its union, or the unit responsible for it."""
    return employer.union if employer.union_id else employer.org


def _check_employer(user: Any, employer: Employer | None) -> Employer:
    if employer is None:
        raise ValidationError({"employer": "请选择用人单位。"})
    if not Employer.objects.restrict(user, "view").filter(pk=employer.pk).exists():
        raise PermissionDenied("该用人单位不在您的数据权限范围内，请选择您管理范围内的单位。")
    return employer


def _check_unique(record: DuesRecord) -> None:
    clash = DuesRecord.objects.filter(employer_id=record.employer_id, period=record.period).exclude(pk=record.pk)
    if clash.exists():
        raise ValidationError(
            {"period": f"「{record.employer.name}」{record.period:%Y年%m月}的经费记录已存在，请修改原记录。"}
        )


@transaction.atomic
def dues_create(*, user: Any, data: dict) -> DuesRecord:
    employer = _check_employer(user, data.get("employer"))
    record = DuesRecord(created_by=user, employer=employer, org=owning_unit(user, employer_unit(employer), "经费记录"))
    assign_fields(record, DUES_FIELDS, data, strip=True)
    record.full_clean(validate_constraints=False)
    _check_unique(record)
    record.save()
    ensure_in_scope(user, record, "add")
    return record


@transaction.atomic
def dues_update(*, user: Any, record: DuesRecord, data: dict) -> DuesRecord:
    record = fetch_for_update(DuesRecord, user, "change", record.pk)
    record.snapshot()
    if "employer" in data and data["employer"] is not None and data["employer"].pk != record.employer_id:
        employer = _check_employer(user, data["employer"])
        record.employer = employer
        record.org = owning_unit(user, employer_unit(employer), "经费记录")
    assign_fields(record, DUES_FIELDS, data, strip=True)
    record.full_clean(validate_constraints=False)
    _check_unique(record)
    record.save()
    ensure_in_scope(user, record, "change")
    return record


@transaction.atomic
def dues_delete(*, user: Any, record: DuesRecord) -> None:
    record = fetch_for_update(DuesRecord, user, "delete", record.pk)
    record.delete()


# --- share schemes -------------------------------------------------------------------------------------


def _check_scheme_unique(scheme: DuesShareScheme) -> None:
    clash = DuesShareScheme.objects.filter(org_id=scheme.org_id, effective_year=scheme.effective_year)
    if clash.exclude(pk=scheme.pk).exists():
        raise ValidationError({"effective_year": f"{scheme.org.name}已有 {scheme.effective_year} 年起的分成比例。"})


@transaction.atomic
def share_create(*, user: Any, data: dict) -> DuesShareScheme:
    scheme = DuesShareScheme(created_by=user, org=owning_unit(user, data.get("org"), "经费分成比例", federation=True))
    assign_fields(scheme, SCHEME_FIELDS, data, strip=True)
    scheme.full_clean(validate_constraints=False)
    _check_scheme_unique(scheme)
    scheme.save()
    ensure_in_scope(user, scheme, "add")
    return scheme


@transaction.atomic
def share_update(*, user: Any, scheme: DuesShareScheme, data: dict) -> DuesShareScheme:
    scheme = fetch_for_update(DuesShareScheme, user, "change", scheme.pk)
    scheme.snapshot()
    if "org" in data and data["org"] is not None and data["org"].pk != scheme.org_id:
        scheme.org = owning_unit(user, data["org"], "经费分成比例", federation=True)
    assign_fields(scheme, SCHEME_FIELDS, data, strip=True)
    scheme.full_clean(validate_constraints=False)
    _check_scheme_unique(scheme)
    scheme.save()
    ensure_in_scope(user, scheme, "change")
    return scheme


@transaction.atomic
def share_delete(*, user: Any, scheme: DuesShareScheme) -> None:
    scheme = fetch_for_update(DuesShareScheme, user, "delete", scheme.pk)
    scheme.delete()


def scheme_for(org: Organization, year: int) -> DuesShareScheme | None:
    """The scheme that applies to dues paid under ``org`` in ``year``: set by the nearest unit at or above it,
    the latest one in force that year."""
    paths = ancestors_first_deepest(org)
    schemes = list(DuesShareScheme.objects.filter(org__path__in=paths, effective_year__lte=year).select_related("org"))
    if not schemes:
        return None
    return max(schemes, key=lambda s: (len(s.org.path), s.effective_year))
