"""Writers for recuperation (疗休养): quotas, routes and their groups, participants.

Adding a participant locks the union's quota row and the group row (``select_for_update``) before counting, so
neither limit can be passed by concurrent requests; "no person twice in a year" is also a partial unique index
over the rows that are not cancelled and carry no allowed exception.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from gonghui.core.querysets import ensure_in_scope
from gonghui.core.services import assign_fields, fetch_for_update
from gonghui.members.models import Member
from gonghui.orgs.models import Organization
from gonghui.programmes.common import owning_union
from gonghui.programmes.models.recuperation import (
    PRIORITY_ORDER,
    ParticipantStatus,
    Priority,
    RecuperationGroup,
    RecuperationParticipant,
    RecuperationQuota,
    RecuperationRoute,
)
from gonghui.programmes.services_health import ancestor_paths, is_front_line, is_model_worker, is_within, member_for

ROUTE_FIELDS = ("year", "name", "destination", "days", "provider", "description")
GROUP_FIELDS = ("name", "start_on", "end_on", "capacity", "allow_repeat", "repeat_reason")
HOLDING = ~Q(status=ParticipantStatus.CANCELLED)


# --- quotas -------------------------------------------------------------------------------------


def quota_for(org: Organization, year: int) -> RecuperationQuota | None:
    """The quota a member of ``org`` is counted against: its own union's or the nearest ancestor's."""
    return (
        RecuperationQuota.objects.filter(year=year, org__path__in=ancestor_paths(org.path))
        .select_related("org")
        .order_by("-org__path")
        .first()
    )


def _used(quota: RecuperationQuota) -> int:
    return RecuperationParticipant.objects.filter(HOLDING, year=quota.year, org__path__subtree=quota.org.path).count()


@transaction.atomic
def quota_save(*, user, org: Organization | None, year: int, quota: int, note: str = "") -> RecuperationQuota:
    """下达名额: ``quota`` places for ``org`` in ``year`` (again for the same union and year changes it)."""
    org = owning_union(user, org, "疗休养名额")
    if user.org_id == org.pk and not user.is_superuser:
        raise PermissionDenied("疗休养名额由上级工会下达，不能给本单位自己分配名额。")
    if not quota or quota < 1:
        raise ValidationError({"quota": "名额应为正整数。"})
    if not year or not 2000 <= year <= 2100:
        raise ValidationError({"year": "年度应为四位年份，如 2026。"})
    existing = RecuperationQuota.objects.select_for_update().filter(org=org, year=year).first()
    for other in RecuperationQuota.objects.filter(year=year).exclude(org=org).select_related("org"):
        if is_within(org, other.org) or is_within(other.org, org):
            raise ValidationError(
                {"org": f"{year} 年已给「{other.org}」下达名额，上下级单位不能重复下达；请调整「{other.org}」的名额。"}
            )
    if existing is None:
        row = RecuperationQuota(org=org, year=year, created_by=user)
    else:
        row = fetch_for_update(RecuperationQuota, user, "change", existing.pk)
        row.snapshot()
        used = _used(row)
        if quota < used:
            raise ValidationError({"quota": f"「{org}」{year} 年已报名 {used} 人，名额不能少于已报名人数。"})
    row.quota = quota
    row.note = (note or "").strip()
    row.full_clean(validate_constraints=False)
    row.save()
    ensure_in_scope(user, row, "add" if existing is None else "change")
    return row


@transaction.atomic
def quota_delete(*, user, quota: RecuperationQuota) -> None:
    quota = fetch_for_update(RecuperationQuota, user, "delete", quota.pk)
    if _used(quota):
        raise ValidationError(f"「{quota.org}」{quota.year} 年已有疗休养人员，不能删除名额。")
    quota.delete()


# --- routes and groups --------------------------------------------------------------------------


def _check_route(route: RecuperationRoute) -> None:
    route.full_clean(validate_constraints=False)
    if RecuperationRoute.objects.filter(org=route.org, year=route.year, name=route.name).exclude(pk=route.pk).exists():
        raise ValidationError({"name": f"{route.year} 年已有同名的疗休养线路「{route.name}」。"})
    if route.pk:
        wrong = route.groups.exclude(start_on__year=route.year)
        if wrong.exists():
            raise ValidationError({"year": "线路下已有批次的出发日期不在该年度内，请先调整批次日期。"})


@transaction.atomic
def route_create(*, user, data: dict) -> RecuperationRoute:
    route = RecuperationRoute(created_by=user, org=owning_union(user, data.get("org"), "疗休养线路"))
    assign_fields(route, ROUTE_FIELDS, data, strip=True)
    _check_route(route)
    route.save()
    ensure_in_scope(user, route, "add")
    return route


@transaction.atomic
def route_update(*, user, route: RecuperationRoute, data: dict) -> RecuperationRoute:
    route = fetch_for_update(RecuperationRoute, user, "change", route.pk)
    route.snapshot()
    if "org" in data and data["org"] != route.org:
        route.org = owning_union(user, data["org"], "疗休养线路")
    assign_fields(route, ROUTE_FIELDS, data, strip=True)
    _check_route(route)
    route.save()
    RecuperationGroup.objects.filter(route=route).exclude(org=route.org).update(org=route.org)
    ensure_in_scope(user, route, "change")
    return route


@transaction.atomic
def route_delete(*, user, route: RecuperationRoute) -> None:
    route = fetch_for_update(RecuperationRoute, user, "delete", route.pk)
    if RecuperationParticipant.objects.filter(group__route=route).exists():
        raise ValidationError("该线路已有报名人员，不能删除。")
    for group in route.groups.all():
        group.delete()
    route.delete()


def _save_group(group: RecuperationGroup) -> None:
    group.full_clean(validate_constraints=False)
    if RecuperationGroup.objects.filter(route=group.route, name=group.name).exclude(pk=group.pk).exists():
        raise ValidationError({"name": f"线路「{group.route}」已有批次「{group.name}」。"})
    if group.pk:
        taken = group.participants.filter(HOLDING).count()
        if group.capacity is not None and group.capacity < taken:
            raise ValidationError({"capacity": f"本批次已有 {taken} 人，人数上限不能少于已有人数。"})
    group.save()


@transaction.atomic
def group_create(*, user, route: RecuperationRoute, data: dict) -> RecuperationGroup:
    route = fetch_for_update(RecuperationRoute, user, "change", route.pk)
    group = RecuperationGroup(route=route, org=route.org, created_by=user)
    assign_fields(group, GROUP_FIELDS, data, strip=True)
    _save_group(group)
    return group


@transaction.atomic
def group_update(*, user, group: RecuperationGroup, data: dict) -> RecuperationGroup:
    fetch_for_update(RecuperationRoute, user, "change", group.route_id)
    group = RecuperationGroup.objects.select_for_update().get(pk=group.pk)
    group.snapshot()
    assign_fields(group, GROUP_FIELDS, data, strip=True)
    _save_group(group)
    return group


@transaction.atomic
def group_delete(*, user, group: RecuperationGroup) -> None:
    fetch_for_update(RecuperationRoute, user, "change", group.route_id)
    if group.participants.exists():
        raise ValidationError(f"批次「{group.name}」已有报名人员，不能删除。")
    group.delete()


# --- participants -------------------------------------------------------------------------------


def _visible_group(user, group: RecuperationGroup | int) -> RecuperationGroup:
    from gonghui.programmes.selectors_health import routes_for

    pk = getattr(group, "pk", group)
    found = RecuperationGroup.objects.select_related("route").filter(pk=pk).first()
    if found is None or not routes_for(user).filter(pk=found.route_id).exists():
        raise PermissionDenied("疗休养批次不存在或不在您的数据权限范围内。")
    return found


def once_a_year_clash(member: Member, year: int, exclude_pk: int | None = None):
    """The person's participation this year that blocks another one (not cancelled, not an exception)."""
    queryset = RecuperationParticipant.objects.filter(
        HOLDING, year=year, person_index=member.id_number_index, repeat_allowed=False
    ).select_related("group", "group__route")
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.first()


@transaction.atomic
def participant_add(
    *,
    user,
    group: RecuperationGroup | int,
    member: Member | int,
    front_line: bool = False,
    repeat_allowed: bool = False,
    repeat_reason: str = "",
    note: str = "",
) -> RecuperationParticipant:
    """报名:劳模/先进 are recognised from the honours registry, 一线职工 from the category or the union's word."""
    group = _visible_group(user, group)
    member = member_for(user, member)
    route = group.route
    year = route.year
    if group.start_on < datetime.date.today() - datetime.timedelta(days=365):
        raise ValidationError({"group": "该批次早已结束，不能再报名。"})
    quota = quota_for(member.org, year)
    if quota is None:
        raise ValidationError(
            {"member": f"{year} 年没有给{member.name}所在的「{member.org}」（或其上级）下达疗休养名额。"}
        )
    quota = RecuperationQuota.objects.select_for_update().get(pk=quota.pk)  # the quota lock
    group = RecuperationGroup.objects.select_for_update().select_related("route").get(pk=group.pk)
    if RecuperationParticipant.objects.filter(HOLDING, group=group, person_index=member.id_number_index).exists():
        raise ValidationError({"member": f"{member.name}已在「{group}」名单中。"})
    clash = once_a_year_clash(member, year)
    repeat_reason = (repeat_reason or "").strip()
    if clash is not None:
        if group.allow_repeat:
            repeat_allowed, repeat_reason = True, repeat_reason or group.repeat_reason
        elif not repeat_allowed:
            raise ValidationError(
                {
                    "member": f"{member.name}本年度已参加（或已报名）「{clash.group}」，同一人一年只能参加一次疗休养。"
                    "确需再次参加的，请勾选“例外：允许本年度再次参加”并写明理由。"
                }
            )
        if not repeat_reason:
            raise ValidationError({"repeat_reason": "允许本年度再次参加时，请写明理由（如 省级劳模专场）。"})
    else:
        repeat_allowed, repeat_reason = False, ""
    used = _used(quota)
    if used >= quota.quota:
        raise ValidationError(
            {"member": f"「{quota.org}」{year} 年疗休养名额 {quota.quota} 人已用完，请联系上级工会调剂名额。"}
        )
    taken = group.participants.filter(HOLDING).count()
    if taken >= group.capacity:
        raise ValidationError({"group": f"「{group}」人数上限 {group.capacity} 人已报满，请选择其他批次。"})
    honour = is_model_worker(member)
    if honour is not None:
        priority = Priority.MODEL_WORKER
    elif is_front_line(member, front_line):
        priority = Priority.FRONT_LINE
    else:
        priority = Priority.OTHER
    participant = RecuperationParticipant(
        group=group,
        year=year,
        member=member,
        org=member.org,
        person_index=member.id_number_index,
        priority=priority,
        priority_rank=PRIORITY_ORDER[priority],
        honour=honour,
        repeat_allowed=repeat_allowed,
        repeat_reason=repeat_reason,
        note=(note or "").strip(),
        created_by=user,
    )
    participant.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError:
        raise ValidationError(
            {"member": f"{member.name}本年度已参加（或已报名）疗休养，同一人一年只能参加一次。"}
        ) from None
    ensure_in_scope(user, participant, "add")
    return participant


TRANSITIONS = {
    ParticipantStatus.CONFIRMED: (ParticipantStatus.APPLIED,),
    ParticipantStatus.COMPLETED: (ParticipantStatus.APPLIED, ParticipantStatus.CONFIRMED),
    ParticipantStatus.CANCELLED: (ParticipantStatus.APPLIED, ParticipantStatus.CONFIRMED),
}


@transaction.atomic
def participant_set_status(
    *, user, participant: RecuperationParticipant, status: str, completed_on: datetime.date | None = None
) -> RecuperationParticipant:
    """确认 / 完成 / 取消. Completion counts for ``recuperation_participants`` on ``completed_on``."""
    participant = fetch_for_update(RecuperationParticipant, user, "change", participant.pk)
    if status not in TRANSITIONS:
        raise ValidationError({"status": "状态只能改为已确认、已完成或已取消。"})
    if participant.status not in TRANSITIONS[status]:
        raise ValidationError(
            {"status": f"“{participant.get_status_display()}”的人员不能改为“{ParticipantStatus(status).label}”。"}
        )
    participant.snapshot()
    participant.status = status
    participant.completed_on = None
    if status == ParticipantStatus.COMPLETED:
        group = participant.group
        completed_on = completed_on or group.end_on
        if completed_on > datetime.date.today():
            raise ValidationError({"completed_on": "完成日期不能晚于今天；疗休养结束后再登记完成。"})
        if completed_on < group.start_on:
            raise ValidationError({"completed_on": f"完成日期不能早于出发日期 {group.start_on:%Y-%m-%d}。"})
        participant.completed_on = completed_on
    participant.save()
    ensure_in_scope(user, participant, "change")
    return participant


@transaction.atomic
def participant_delete(*, user, participant: RecuperationParticipant) -> None:
    participant = fetch_for_update(RecuperationParticipant, user, "delete", participant.pk)
    if participant.status == ParticipantStatus.COMPLETED:
        raise ValidationError("已完成疗休养的人员不能删除。")
    participant.delete()
