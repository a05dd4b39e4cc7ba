"""Writers for job fairs (招聘会) and their participating employers (参会单位).

Once a fair has employer rows, its three figures are the sums of those rows (``_recount``, inside the same
transaction as the row's write); without rows they are what was entered on the fair.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum

from gonghui.core.querysets import ensure_in_scope
from gonghui.core.services import assign_fields, fetch_for_update
from gonghui.orgs.models import Employer
from gonghui.programmes.common import owning_union
from gonghui.programmes.models.jobfairs import FairStatus, JobFair, JobFairEmployer

FAIR_FIELDS = (
    "name",
    "mode",
    "held_on",
    "ends_on",
    "organiser",
    "venue",
    "region_code",
    "status",
    "positions",
    "applicants",
    "intents",
    "remark",
)
FIGURES = ("positions", "applicants", "intents")
EMPLOYER_FIELDS = ("employer", "employer_name", *FIGURES, "remark")


def _save_fair(fair: JobFair) -> None:
    fair.full_clean(validate_constraints=False)
    duplicate = JobFair.objects.filter(org=fair.org, held_on=fair.held_on, name=fair.name).exclude(pk=fair.pk)
    message = f"{fair.org} 在 {fair.held_on:%Y-%m-%d} 已登记了同名的招聘会「{fair.name}」。"
    if duplicate.exists():
        raise ValidationError({"name": message})
    try:
        with transaction.atomic():
            fair.save()
    except IntegrityError:
        raise ValidationError({"name": message}) from None


def has_employer_rows(fair: JobFair) -> bool:
    return fair.pk is not None and JobFairEmployer.objects.filter(fair=fair).exists()


@transaction.atomic
def fair_create(*, user, data: dict) -> JobFair:
    fair = JobFair(created_by=user, org=owning_union(user, data.get("org"), "招聘会"))
    assign_fields(fair, FAIR_FIELDS, data, strip=True)
    _save_fair(fair)
    ensure_in_scope(user, fair, "add")
    return fair


@transaction.atomic
def fair_update(*, user, fair: JobFair, data: dict) -> JobFair:
    fair = fetch_for_update(JobFair, user, "change", fair.pk)
    fair.snapshot()
    if "org" in data and data["org"] != fair.org:
        fair.org = owning_union(user, data["org"], "招聘会")
    fields = FAIR_FIELDS
    if has_employer_rows(fair):
        # the figures follow the employer rows; what the form sent for them is ignored
        fields = tuple(name for name in FAIR_FIELDS if name not in FIGURES)
    assign_fields(fair, fields, data, strip=True)
    if has_employer_rows(fair) and fair.status != FairStatus.HELD:
        raise ValidationError({"status": "已登记参会单位的招聘会只能是“已举办”；如需取消，请先删除参会单位。"})
    _save_fair(fair)
    JobFairEmployer.objects.filter(fair=fair).exclude(org=fair.org).update(org=fair.org)
    ensure_in_scope(user, fair, "change")
    return fair


@transaction.atomic
def fair_delete(*, user, fair: JobFair) -> None:
    fair = fetch_for_update(JobFair, user, "delete", fair.pk)
    fair.delete()


def _recount(fair: JobFair) -> JobFair:
    """The fair's figures as the sums of its employer rows (when it has any)."""
    totals = JobFairEmployer.objects.filter(fair=fair).aggregate(**{name: Sum(name) for name in FIGURES})
    if all(value is None for value in totals.values()):
        return fair
    fair.snapshot()
    for name in FIGURES:
        setattr(fair, name, totals[name] or 0)
    fair.full_clean(validate_constraints=False)
    fair.save()
    return fair


def check_employer(user, employer: Employer | None) -> Employer | None:
    """A registered employer chosen for a fair must be one the user may see."""
    if employer is None:
        return None
    if not Employer.objects.restrict(user, "view").filter(pk=employer.pk).exists():
        raise PermissionDenied(f"用人单位「{employer}」不在您的数据权限范围内，请按名称登记。")
    return employer


def _prepare_row(user, fair: JobFair, row: JobFairEmployer, data: dict) -> None:
    assign_fields(row, EMPLOYER_FIELDS, data, strip=True)
    row.employer = check_employer(user, row.employer)
    if row.employer is not None and not (row.employer_name or "").strip():
        row.employer_name = row.employer.name
    if fair.status != FairStatus.HELD:
        raise ValidationError({"employer_name": "只有“已举办”的招聘会才能登记参会单位及其岗位、应聘和意向数。"})
    row.full_clean(validate_constraints=False)
    if JobFairEmployer.objects.filter(fair=fair, employer_name=row.employer_name).exclude(pk=row.pk).exists():
        raise ValidationError({"employer_name": f"「{row.employer_name}」已是本场招聘会的参会单位，请修改原记录。"})


def _save_row(row: JobFairEmployer) -> None:
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise ValidationError({"employer_name": f"「{row.employer_name}」已是本场招聘会的参会单位。"}) from None


@transaction.atomic
def employer_add(*, user, fair: JobFair, data: dict) -> JobFairEmployer:
    fair = fetch_for_update(JobFair, user, "change", fair.pk)
    row = JobFairEmployer(fair=fair, org=fair.org, created_by=user)
    _prepare_row(user, fair, row, data)
    _save_row(row)
    ensure_in_scope(user, row, "add")
    _recount(fair)
    return row


@transaction.atomic
def employer_update(*, user, row: JobFairEmployer, data: dict) -> JobFairEmployer:
    row = fetch_for_update(JobFairEmployer, user, "change", row.pk)
    fair = fetch_for_update(JobFair, user, "change", row.fair_id)
    row.snapshot()
    _prepare_row(user, fair, row, data)
    _save_row(row)
    ensure_in_scope(user, row, "change")
    _recount(fair)
    return row


@transaction.atomic
def employer_delete(*, user, row: JobFairEmployer) -> None:
    row = fetch_for_update(JobFairEmployer, user, "delete", row.pk)
    fair = fetch_for_update(JobFair, user, "change", row.fair_id)
    row.delete()
    _recount(fair)


def apply_employer_rows(*, user, fair: JobFair, rows: list[dict]) -> list[str]:
    """Write imported employer rows (already validated cell by cell) into ``fair``; one outcome per row.

    A row whose name is already at the fair updates it when a figure differs ("updated") or leaves it
    ("skipped"); a new name is added ("imported"). Runs inside the caller's transaction.
    """
    existing = {row.employer_name: row for row in JobFairEmployer.objects.filter(fair=fair)}
    outcomes = []
    for values in rows:
        row = existing.get(values["employer_name"])
        if row is None:
            row = JobFairEmployer(fair=fair, org=fair.org, created_by=user)
            _prepare_row(user, fair, row, values)
            _save_row(row)
            existing[row.employer_name] = row
            outcomes.append("imported")
            continue
        wanted = {name: values[name] for name in EMPLOYER_FIELDS if values.get(name) not in (None, "")}
        if all(getattr(row, name) == value for name, value in wanted.items()):
            outcomes.append("skipped")
            continue
        row.snapshot()
        _prepare_row(user, fair, row, wanted)
        _save_row(row)
        outcomes.append("updated")
    if rows:
        ensure_in_scope(user, fair, "change")
        _recount(fair)
    return outcomes
