"""The computed indicator sources our records answer (see gonghui/targets/sources.py)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, Sum, Value
from django.db.models.functions import Coalesce

from gonghui.targets.sources import RecordSource, register

STATION_PAGE = ("programmes:station_list", "within", "built_from", "built_to", "")

SOURCES: tuple[RecordSource, ...] = (
    # 新建/提升: a station built or upgraded in the period that is running (or paused) counts once.
    RecordSource(
        key="stations_built",
        model="programmes.Station",
        date_field="built_on",
        filter=Q(status__in=("operating", "suspended"), built_on__isnull=False),
        records_page=STATION_PAGE,
    ),
    # 职工服务中心/职工之家/…: counted when built (建成, including those whose assets have since been transferred).
    RecordSource(
        key="service_centers_built",
        model="programmes.ServiceCenter",
        date_field="completed_on",
        filter=Q(status__in=("completed", "asset_transferred"), completed_on__isnull=False),
        records_page=("programmes:center_list", "within", "completed_from", "completed_to", ""),
    ),
)

# 职工互助保障: members enrolled (active enrolments, by the day cover starts) and money paid on claims.
SOURCES += (
    RecordSource(
        key="mutual_aid_enrolled",
        model="programmes.MutualAidEnrolment",
        date_field="coverage_start",
        filter=Q(status="active"),
        records_page=("programmes:mutualaid_enrolment_list", "within", "start_from", "start_to", ""),
    ),
    RecordSource(
        key="mutual_aid_paid",
        model="programmes.MutualAidClaim",
        date_field="paid_on",
        filter=Q(state="paid", paid_on__isnull=False),
        value=lambda: Coalesce(Sum("approved_amount"), Value(Decimal(0))),
        records_page=("programmes:mutualaid_claim_list", "within", "paid_from", "paid_to", "state=paid"),
    ),
)

for _source in SOURCES:
    register(_source)

#: the models whose writes change a source's value ("app_label.Model" as the signals take them)
SOURCE_MODELS = sorted({source.model for source in SOURCES})
