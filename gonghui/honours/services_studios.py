"""Writers for innovation studios: naming, team, achievements, the yearly review and revocation (摘牌).

The studio's unit (``org``) keeps it (``change_innovationstudio``); reviewing and revoking is for a unit
with ``approve_innovationstudio`` over it. Leader and members come from the member registry, from the
studio's own unit or below.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.core.querysets import can, ensure_in_scope
from gonghui.core.services import assign_fields, changelog_record, fetch_for_update
from gonghui.honours.models import (
    AchievementKind,
    InnovationStudio,
    ReviewRating,
    StudioAchievement,
    StudioReview,
    StudioStatus,
)
from gonghui.members.models import Member
from gonghui.orgs.models import Organization

STUDIO_FIELDS = ("org", "name", "kind", "level", "employer", "leader", "field", "named_on", "named_by")
ACHIEVEMENT_FIELDS = ("kind", "title", "achieved_on", "reference", "amount")
REVIEW_FIELDS = ("year", "rating", "reviewed_on", "comments", "reviewer")


def _check(user: Any, studio: InnovationStudio, members: list[Member]) -> None:
    if studio.org_id is None:
        raise ValidationError({"org": "请选择所属工会。"})
    if not Organization.objects.restrict(user, "view").filter(pk=studio.org_id).exists():
        raise ValidationError({"org": "所属工会不在您的数据权限范围内，请选择本单位或下级单位。"})
    visible = Member.objects.restrict(user, "view")
    people = [studio.leader, *members] if studio.leader_id else members
    for member in people:
        if not visible.filter(pk=member.pk).exists():
            raise ValidationError({"members": f"{member.name}不在您的数据权限范围内。"})
        if not member.org.path.startswith(studio.org.path):
            raise ValidationError(
                {"members": f"{member.name}不是「{studio.org.name}」或其下级工会的会员，请选择本单位的会员。"}
            )
    if studio.named_on and studio.named_on > timezone.localdate():
        raise ValidationError({"named_on": "命名日期不能晚于今天。"})
    clash = InnovationStudio.objects.filter(org_id=studio.org_id, name=studio.name).exclude(pk=studio.pk)
    if clash.exists():
        raise ValidationError({"name": f"「{studio.org.name}」已有名为「{studio.name}」的工作室。"})


def _set_members(studio: InnovationStudio, members: list[Member]) -> None:
    before = sorted(studio.members.values_list("pk", flat=True)) if studio.pk else []
    after = sorted({m.pk for m in members} - {studio.leader_id})
    if before != after:
        studio.members.set(after)
        changelog_record(obj=studio, action="update", before={"members": before}, after={"members": after})


@transaction.atomic
def studio_create(*, user: Any, data: dict) -> InnovationStudio:
    studio = InnovationStudio(created_by=user)
    assign_fields(studio, STUDIO_FIELDS, data, strip=True)
    members = list(data.get("members") or [])
    studio.full_clean()
    _check(user, studio, members)
    studio.save()
    ensure_in_scope(user, studio, "add")
    _set_members(studio, members)
    return studio


@transaction.atomic
def studio_update(*, user: Any, studio: InnovationStudio, data: dict) -> InnovationStudio:
    studio = fetch_for_update(InnovationStudio, user, "change", studio.pk)
    if studio.status == StudioStatus.REVOKED:
        raise ValidationError("工作室已摘牌，不能再修改。")
    studio.snapshot()
    assign_fields(studio, STUDIO_FIELDS, data, strip=True)
    members = list(data.get("members") or [])
    studio.full_clean()
    _check(user, studio, members)
    studio.save()
    ensure_in_scope(user, studio, "change")
    _set_members(studio, members)
    return studio


@transaction.atomic
def studio_delete(*, user: Any, studio: InnovationStudio) -> None:
    studio = fetch_for_update(InnovationStudio, user, "delete", studio.pk)
    if studio.achievements.exists() or studio.reviews.exists():
        raise ValidationError("工作室已有成果或考核记录，不能删除；不再运行的请摘牌。")
    studio.members.clear()
    studio.delete()


@transaction.atomic
def studio_revoke(*, user: Any, studio: InnovationStudio, revoked_on: datetime.date, reason: str) -> InnovationStudio:
    if not can(user, InnovationStudio, "approve"):
        raise PermissionDenied("只有命名（考核）单位可以摘牌。")
    studio = fetch_for_update(InnovationStudio, user, "approve", studio.pk)
    if studio.status == StudioStatus.REVOKED:
        raise ValidationError("工作室已摘牌。")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写摘牌原因。"})
    if revoked_on < studio.named_on:
        raise ValidationError({"revoked_on": "摘牌日期不能早于命名日期。"})
    studio.snapshot()
    studio.status, studio.revoked_on = StudioStatus.REVOKED, revoked_on
    studio.full_clean()
    studio.save()
    if not studio.reviews.filter(year=revoked_on.year).exists():  # the revocation is that year's review
        StudioReview.objects.create(
            studio=studio,
            year=revoked_on.year,
            rating=ReviewRating.UNQUALIFIED,
            reviewed_on=revoked_on,
            comments=f"摘牌：{reason.strip()}"[:500],
            reviewer=(user.org.name if user.org_id else "系统")[:80],
        )
    return studio


def _own_studio(user: Any, studio: InnovationStudio, action: str) -> InnovationStudio:
    if not can(user, InnovationStudio, action):
        raise PermissionDenied("您没有维护该工作室的权限，请联系安全管理员分配角色。")
    return fetch_for_update(InnovationStudio, user, action, studio.pk)


@transaction.atomic
def achievement_add(*, user: Any, studio: InnovationStudio, data: dict) -> StudioAchievement:
    studio = _own_studio(user, studio, "change")
    achievement = StudioAchievement(studio=studio)
    assign_fields(achievement, ACHIEVEMENT_FIELDS, data, strip=True)
    if achievement.kind == AchievementKind.PATENT and not achievement.reference:
        raise ValidationError({"reference": "专利请填写专利号。"})
    achievement.full_clean()
    achievement.save()
    return achievement


@transaction.atomic
def achievement_delete(*, user: Any, achievement: StudioAchievement) -> None:
    _own_studio(user, achievement.studio, "change")
    achievement.delete()


@transaction.atomic
def review_record(*, user: Any, studio: InnovationStudio, data: dict) -> StudioReview:
    if not can(user, InnovationStudio, "approve"):
        raise PermissionDenied("只有考核单位可以录入年度考核结果。")
    studio = fetch_for_update(InnovationStudio, user, "approve", studio.pk)
    review = StudioReview(studio=studio)
    assign_fields(review, REVIEW_FIELDS, data, strip=True)
    if review.year and studio.reviews.filter(year=review.year).exists():
        raise ValidationError({"year": f"{review.year} 年度已有考核结果，不能重复录入。"})
    if review.year and studio.named_on and review.year < studio.named_on.year:
        raise ValidationError({"year": f"工作室 {studio.named_on.year} 年命名，不能考核更早的年度。"})
    review.full_clean()
    review.save()
    return review
