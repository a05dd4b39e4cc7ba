"""Writers for assistance campaigns (帮扶慰问活动) and records (one payment or gift to one person).

The national system's gap we close: the same person cannot receive the same campaign twice, whichever unions
pay (a global check on the person's blind index, backed by a partial unique index), and a person who receives
assistance from more campaigns in a year than ``settings.ASSISTANCE_YEARLY_CAMPAIGN_LIMIT`` (default 3) is
flagged to the approver.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from gonghui.core.querysets import ensure_in_scope
from gonghui.core.services import assign_fields, fetch_for_update
from gonghui.members.models import Member, MemberStatus
from gonghui.members.models import id_number_index as member_id_index
from gonghui.orgs.models import Organization
from gonghui.programmes.common import owning_union
from gonghui.programmes.models.assistance import (
    ZERO,
    Assistance,
    AssistanceState,
    Campaign,
    CampaignKind,
    SchoolStage,
)
from gonghui.programmes.models.hardship import HardshipFile, HardshipLevel, HardshipState
from gonghui.programmes.services_hardship import person_index
from gonghui.utilities.idnumber import parse_id_number

CAMPAIGN_FIELDS = ("name", "kind", "year", "starts_on", "ends_on", "budget", "description")
DEFAULT_YEARLY_LIMIT = 3
#: standard keys: hardship level for most campaigns; school stage for 金秋助学; "default" for anyone else
NO_FILE = "none"


def yearly_limit() -> int:
    return int(getattr(settings, "ASSISTANCE_YEARLY_CAMPAIGN_LIMIT", DEFAULT_YEARLY_LIMIT))


def standard_keys(kind: str) -> list[tuple[str, str]]:
    if kind == CampaignKind.STUDENT_AID:
        return list(SchoolStage.choices)
    return [*HardshipLevel.choices, (NO_FILE, "未建档职工")]


def _clean_standards(kind: str, standards: dict | None) -> dict:
    allowed = {key for key, _label in standard_keys(kind)}
    result = {}
    for key, value in (standards or {}).items():
        if value in (None, ""):
            continue
        if key not in allowed:
            raise ValidationError({"standards": f"发放标准中的「{key}」不适用于该类活动。"})
        amount = Decimal(str(value))
        if amount < 0:
            raise ValidationError({"standards": "发放标准不能为负数。"})
        result[key] = str(amount.quantize(Decimal("0.01")))
    return result


def _set_participants(campaign: Campaign, user, participants) -> None:
    if participants is None:
        return
    participants = list(participants)
    visible = set(
        Organization.objects.restrict(user, "view")
        .filter(pk__in=[o.pk for o in participants])
        .values_list("pk", flat=True)
    )
    outside = [str(o) for o in participants if o.pk not in visible]
    if outside:
        raise PermissionDenied(f"参与工会「{'、'.join(outside)}」不在您的管理范围内。")
    campaign.participants.set(participants)


def _check_campaign(campaign: Campaign) -> None:
    errors = {}
    if campaign.starts_on and campaign.ends_on and campaign.ends_on < campaign.starts_on:
        errors["ends_on"] = "结束日期不能早于开始日期。"
    if campaign.year and campaign.starts_on and campaign.starts_on.year not in (campaign.year, campaign.year - 1):
        errors["starts_on"] = f"开始日期应在 {campaign.year} 年度内（送温暖可从上年底开始）。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def campaign_create(*, user, data: dict) -> Campaign:
    campaign = Campaign(org=owning_union(user, data.get("org"), "帮扶慰问活动"), created_by=user)
    assign_fields(campaign, CAMPAIGN_FIELDS, data, strip=True)
    campaign.standards = _clean_standards(campaign.kind, data.get("standards"))
    _check_campaign(campaign)
    campaign.full_clean()
    campaign.save()
    _set_participants(campaign, user, data.get("participants"))
    ensure_in_scope(user, campaign, "add")
    return campaign


@transaction.atomic
def campaign_update(*, user, campaign: Campaign, data: dict) -> Campaign:
    campaign = fetch_for_update(Campaign, user, "change", campaign.pk)
    campaign.snapshot()
    if "org" in data and data["org"] != campaign.org:
        campaign.org = owning_union(user, data["org"], "帮扶慰问活动")
    kind_before = campaign.kind
    assign_fields(campaign, CAMPAIGN_FIELDS, data, strip=True)
    if campaign.kind != kind_before and campaign.records.exists():
        raise ValidationError({"kind": "活动已有发放记录，不能再修改活动类型。"})
    if "standards" in data:
        campaign.standards = _clean_standards(campaign.kind, data.get("standards"))
    _check_campaign(campaign)
    campaign.full_clean()
    campaign.save()
    _set_participants(campaign, user, data.get("participants"))
    ensure_in_scope(user, campaign, "change")
    return campaign


@transaction.atomic
def campaign_delete(*, user, campaign: Campaign) -> None:
    campaign = fetch_for_update(Campaign, user, "delete", campaign.pk)
    if campaign.records.exists():
        raise ValidationError(f"活动「{campaign}」已有 {campaign.records.count()} 条发放记录，不能删除。")
    campaign.delete()


def campaigns_for(user, action: str = "view"):
    """Campaigns the user may see: those in their scope (restrict), and those run by or taking in one of the
    user's own unit's ancestors, so a grassroots union sees the city's campaign it pays in. Fails closed:
    without the permission on campaigns at all, nothing."""
    from gonghui.core.querysets import can

    scoped = Campaign.objects.restrict(user, action)
    if action != "view" or not can(user, Campaign, "view") or not getattr(user, "org_id", None):
        return scoped
    path, step = user.org.path, Organization.steplen
    ancestors = [path[:end] for end in range(step, len(path) + 1, step)]
    reaching = Campaign.objects.filter(Q(org__path__in=ancestors) | Q(participants__path__in=ancestors))
    return Campaign.objects.filter(Q(pk__in=scoped.values("pk")) | Q(pk__in=reaching.values("pk")))


def campaign_or_404(user, pk: int) -> Campaign:
    from django.http import Http404

    campaign = campaigns_for(user).select_related("org").filter(pk=pk).first()
    if campaign is None:
        raise Http404("活动不存在或不在您的数据权限范围内。")
    return campaign


def paying_unions_q(campaign: Campaign) -> Q:
    """Unions that may pay in a campaign: the organiser's subtree, and each participant's subtree."""
    condition = Q(path__subtree=campaign.org.path)
    for org in campaign.participants.all():
        condition |= Q(path__subtree=org.path)
    return condition


def duplicate_of(campaign: Campaign, index: str, *, exclude_pk: int | None = None) -> Assistance | None:
    """Whether the person already has a (non-rejected) record in this campaign, in any union."""
    return (
        Assistance.objects.filter(campaign=campaign, person_index=index)
        .exclude(state=AssistanceState.REJECTED)
        .exclude(pk=exclude_pk)
        .select_related("org")
        .first()
    )


def duplicate_error(other: Assistance) -> ValidationError:
    return ValidationError(
        {
            "id_number": (
                f"该职工已在「{other.org}」领取过本次活动「{other.campaign}」的帮扶慰问"
                f"（{other.given_on:%Y-%m-%d}，{other.get_state_display()}），同一活动每人只能领取一次。"
            )
        }
    )


def campaigns_in_year(index: str, year: int, *, exclude_pk: int | None = None) -> list[str]:
    """Names of the campaigns (other than rejected records) that gave this person assistance in ``year``."""
    rows = (
        Assistance.objects.filter(person_index=index, given_on__year=year)
        .exclude(state=AssistanceState.REJECTED)
        .exclude(pk=exclude_pk)
        .values_list("campaign__name", flat=True)
        .distinct()
    )
    return sorted(set(rows))


def yearly_warning(index: str, year: int, *, exclude_pk: int | None = None) -> str:
    names = campaigns_in_year(index, year, exclude_pk=exclude_pk)
    limit = yearly_limit()
    if len(names) + 1 > limit:
        return (
            f"提示：该职工 {year} 年已在 {len(names)} 个活动中获得帮扶慰问（{'、'.join(names)}），"
            f"加上本次超过每年 {limit} 个活动的提示线，请核实是否重复帮扶。"
        )
    return ""


def _standard_amount(campaign: Campaign, record: Assistance) -> Decimal | None:
    if campaign.kind == CampaignKind.STUDENT_AID:
        return campaign.standard_for(record.school_stage) if record.school_stage else None
    return campaign.standard_for(record.hardship_level or NO_FILE)


def prepare_record(*, campaign: Campaign, org: Organization, data: dict, user) -> Assistance:
    """Build and validate (not save) one record; raises ValidationError with field keys."""
    try:
        number = parse_id_number(data.get("id_number") or "").number
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from None
    record = Assistance(campaign=campaign, org=org, created_by=user)
    record.name = (data.get("name") or "").strip()
    record.set_id_number(number)
    record.person_index = person_index(number)
    if data.get("phone"):
        try:
            record.set_phone(data["phone"])
        except ValidationError as error:
            raise ValidationError({"phone": error.messages}) from None
    record.employer_name = (data.get("employer_name") or "").strip()
    record.school_stage = data.get("school_stage") or ""
    record.in_kind_items = (data.get("in_kind_items") or "").strip()
    record.note = (data.get("note") or "").strip()
    record.given_on = data.get("given_on") or timezone.localdate()
    hardship = HardshipFile.objects.filter(id_number_index=record.person_index, state=HardshipState.FILED).first()
    record.hardship_file = hardship
    record.hardship_level = hardship.level if hardship else ""
    record.member = Member.objects.filter(id_number_index=member_id_index(number), status=MemberStatus.ACTIVE).first()
    if not record.employer_name and record.member is not None:
        record.employer_name = record.member.org.name
    errors = {}
    if campaign.kind == CampaignKind.STUDENT_AID and not record.school_stage:
        errors["school_stage"] = "金秋助学请选择子女就学阶段。"
    cash, in_kind = data.get("cash_amount"), data.get("in_kind_value")
    if cash in (None, ""):
        cash = _standard_amount(campaign, record)
        if cash is None and in_kind in (None, ""):
            errors["cash_amount"] = "活动没有适用于该职工的发放标准，请填写慰问金或实物折价。"
    record.cash_amount = Decimal(str(cash)) if cash not in (None, "") else ZERO
    record.in_kind_value = Decimal(str(in_kind)) if in_kind not in (None, "") else ZERO
    if record.cash_amount < 0 or record.in_kind_value < 0:
        errors["cash_amount"] = "金额不能为负数。"
    elif record.cash_amount + record.in_kind_value <= 0:
        errors["cash_amount"] = "慰问金和实物折价不能都为 0。"
    if record.in_kind_value > 0 and not record.in_kind_items:
        errors["in_kind_items"] = "发放实物时请写明慰问物品。"
    if not (campaign.starts_on <= record.given_on <= campaign.ends_on):
        errors["given_on"] = f"发放日期应在活动期间 {campaign.starts_on:%Y-%m-%d} 至 {campaign.ends_on:%Y-%m-%d} 内。"
    if not Organization.objects.filter(pk=org.pk).filter(paying_unions_q(campaign)).exists():
        errors["org"] = f"「{org}」不是活动「{campaign}」的参与工会，不能在本活动中发放。"
    if errors:
        raise ValidationError(errors)
    other = duplicate_of(campaign, record.person_index)
    if other is not None:
        raise duplicate_error(other)
    record.full_clean(exclude=["person_index"])
    return record


def _save_record(record: Assistance) -> Assistance:
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        other = duplicate_of(record.campaign, record.person_index)
        raise (duplicate_error(other) if other else ValidationError("保存失败，请重试。")) from None
    return record


@transaction.atomic
def assistance_create(*, user, campaign: Campaign, data: dict) -> tuple[Assistance, str]:
    """Record one payment or gift; answers the record and the yearly warning text ("" when none)."""
    campaign = campaign_or_404(user, campaign.pk)
    org = owning_union(user, data.get("org"), "帮扶慰问记录")
    record = prepare_record(campaign=campaign, org=org, data=data, user=user)
    warning = yearly_warning(record.person_index, record.given_on.year)
    _save_record(record)
    ensure_in_scope(user, record, "add")
    return record, warning


@transaction.atomic
def assistance_decide(*, user, record: Assistance, approve: bool, note: str = "") -> Assistance:
    record = fetch_for_update(Assistance, user, "approve", record.pk)
    if record.state != AssistanceState.PENDING:
        raise ValidationError(f"该记录已{record.get_state_display()}，不能重复审批。")
    record.snapshot()
    if not approve and not (note or "").strip():
        raise ValidationError({"note": "不予通过时请写明原因。"})
    record.state = AssistanceState.APPROVED if approve else AssistanceState.REJECTED
    record.approved_on = timezone.localdate()
    record.approved_by_name = user.get_full_name() or user.username
    if note:
        record.note = note.strip()[:300]
    record.full_clean()
    record.save()
    ensure_in_scope(user, record, "approve")
    return record


@transaction.atomic
def assistance_delete(*, user, record: Assistance) -> None:
    record = fetch_for_update(Assistance, user, "delete", record.pk)
    if record.state == AssistanceState.APPROVED:
        raise ValidationError("已审批的发放记录不能删除；如发放有误，请联系审批单位处理。")
    record.delete()


def today() -> datetime.date:
    return timezone.localdate()
