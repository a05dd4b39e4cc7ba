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

# 就业服务: a held job fair counts on its date with its three figures (entered, or summed from its employers).
JOBFAIR_PAGE = ("programmes:jobfair_list", "within", "held_from", "held_to", "status=held")
HELD_FAIRS = Q(status="held")
SOURCES += tuple(
    RecordSource(
        key=key,
        model="programmes.JobFair",
        date_field="held_on",
        filter=HELD_FAIRS,
        value=lambda figure=figure: Coalesce(Sum(figure), 0),
        records_page=JOBFAIR_PAGE,
    )
    for key, figure in (("jobs_offered", "positions"), ("job_seekers", "applicants"), ("job_intents", "intents"))
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

# 职工体检 and 疗休养: a completed check or participation counts on its completion date, for the member's union.
HEALTH_SOURCES: tuple[RecordSource, ...] = (
    RecordSource(
        key="health_checks",
        model="programmes.HealthCheckAppointment",
        date_field="completed_on",
        filter=Q(status="completed", completed_on__isnull=False),
        records_page=(
            "programmes:health_appointment_list",
            "within",
            "completed_from",
            "completed_to",
            "status=completed",
        ),
    ),
    RecordSource(
        key="recuperation_participants",
        model="programmes.RecuperationParticipant",
        date_field="completed_on",
        filter=Q(status="completed", completed_on__isnull=False),
        records_page=(
            "programmes:recuperation_participant_list",
            "within",
            "completed_from",
            "completed_to",
            "status=completed",
        ),
    ),
)

for _source in HEALTH_SOURCES:
    register(_source)

SOURCE_MODELS = sorted({*SOURCE_MODELS, *(source.model for source in HEALTH_SOURCES)})

# --- 帮扶服务: hardship files and assistance (models/hardship.py, models/assistance.py) --------------------
from django.db.models import Count, DecimalField, F  # noqa: E402

ASSISTANCE_PAGE = ("programmes:assistance_list", "within", "given_from", "given_to", "state=approved")


def _people():
    return Count("person_index", distinct=True)


def _amount():
    return Coalesce(
        Sum(F("cash_amount") + F("in_kind_value")),
        Value(0),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


HARDSHIP_SOURCES: tuple[RecordSource, ...] = (
    # 在档困难职工 (stock): households filed by the period's end that are still on file today. A file resolved
    # or closed since leaves the figures of earlier periods too (the file keeps no history of its states).
    RecordSource(
        key="hardship_households",
        model="programmes.HardshipFile",
        date_field="filed_on",
        filter=Q(state="filed", filed_on__isnull=False),
        stock=True,
        records_page=("programmes:hardship_list", "within", "filed_from", "filed_to", "state=filed"),
    ),
    # 慰问/帮扶: approved assistance, distinct persons in the period (one person in two campaigns counts once).
    RecordSource(
        key="relief_beneficiaries",
        model="programmes.Assistance",
        date_field="given_on",
        filter=Q(state="approved"),
        value=_people,
        records_page=ASSISTANCE_PAGE,
    ),
    # 慰问/帮扶资金: cash plus the value of gifts in kind, approved records.
    RecordSource(
        key="relief_amount",
        model="programmes.Assistance",
        date_field="given_on",
        filter=Q(state="approved"),
        value=_amount,
        records_page=ASSISTANCE_PAGE,
    ),
    RecordSource(
        key="student_aid_beneficiaries",
        model="programmes.Assistance",
        date_field="given_on",
        filter=Q(state="approved", campaign__kind="student_aid"),
        value=_people,
        records_page=(*ASSISTANCE_PAGE[:4], "state=approved&campaign_kind=student_aid"),
    ),
    RecordSource(
        key="summer_cooling_beneficiaries",
        model="programmes.Assistance",
        date_field="given_on",
        filter=Q(state="approved", campaign__kind="summer_cooling"),
        value=_people,
        records_page=(*ASSISTANCE_PAGE[:4], "state=approved&campaign_kind=summer_cooling"),
    ),
)

for _source in HARDSHIP_SOURCES:
    register(_source)

SOURCE_MODELS = sorted({*SOURCE_MODELS, *(source.model for source in HARDSHIP_SOURCES)})
