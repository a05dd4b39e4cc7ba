"""Writers for information submissions (信息报送), their adoptions (采用) and the scoring rules (计分规则).

A unit submits its items; the union above it records an adoption (it needs ``approve_infoitem`` over
the item, and its own unit must be above the submitting unit, so nobody scores their own copy). The score is
taken from the scoring rule of the nearest unit at or above the submitting unit that has one for that level,
and kept with the adoption, so a later change of the rules does not rewrite past rankings.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.core.models import ChangeAction
from gonghui.core.querysets import can, ensure_in_scope
from gonghui.core.services import assign_fields, changelog_record, fetch_for_update
from gonghui.unionwork.common import ancestors_first_deepest, owning_unit
from gonghui.unionwork.models import InfoAdoption, InfoItem, InfoScoreRule

logger = logging.getLogger(__name__)

ITEM_FIELDS = ("title", "kind", "submitted_on", "author", "content")
RULE_FIELDS = ("adopter_level", "points")


def _set_attachment(item: InfoItem, upload) -> list:
    old = []
    if upload is False:  # cleared
        if item.attachment:
            old.append((item.attachment.storage, item.attachment.name))
        item.attachment, item.attachment_name = "", ""
    elif upload:
        if item.attachment:
            old.append((item.attachment.storage, item.attachment.name))
        item.attachment = upload
        item.attachment_name = upload.name[:200]
    return old


def _delete_after_commit(files: list) -> None:
    def delete() -> None:
        for storage, name in files:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("附件删除失败：%s", name, exc_info=True)

    if files:
        transaction.on_commit(delete, robust=True)


@transaction.atomic
def info_create(*, user: Any, data: dict) -> InfoItem:
    item = InfoItem(created_by=user, org=owning_unit(user, data.get("org"), "报送信息"))
    assign_fields(item, ITEM_FIELDS, data, strip=True)
    _set_attachment(item, data.get("attachment"))
    item.full_clean()
    item.save()
    ensure_in_scope(user, item, "add")
    return item


@transaction.atomic
def info_update(*, user: Any, item: InfoItem, data: dict) -> InfoItem:
    item = fetch_for_update(InfoItem, user, "change", item.pk)
    if item.adoptions.exists() and any(
        field in data and data[field] != getattr(item, field) for field in ("title", "submitted_on")
    ):
        raise ValidationError("该信息已被采用，不能再修改标题和报送日期。")
    item.snapshot()
    if "org" in data and data["org"] is not None and data["org"].pk != item.org_id:
        if item.adoptions.exists():
            raise ValidationError({"org": "该信息已被采用，不能再更换报送单位。"})
        item.org = owning_unit(user, data["org"], "报送信息")
    assign_fields(item, ITEM_FIELDS, data, strip=True)
    old = _set_attachment(item, data.get("attachment")) if "attachment" in data else []
    item.full_clean()
    item.save()
    ensure_in_scope(user, item, "change")
    _delete_after_commit(old)
    return item


@transaction.atomic
def info_delete(*, user: Any, item: InfoItem) -> None:
    item = fetch_for_update(InfoItem, user, "delete", item.pk)
    if item.adoptions.exists():
        raise ValidationError("该信息已有采用记录，不能删除；如登记有误请先删除采用记录。")
    files = [(item.attachment.storage, item.attachment.name)] if item.attachment else []
    item.delete()
    _delete_after_commit(files)


def score_for(item: InfoItem, adopter_level: str) -> InfoScoreRule | None:
    rules = list(
        InfoScoreRule.objects.filter(
            org__path__in=ancestors_first_deepest(item.org), adopter_level=adopter_level
        ).select_related("org")
    )
    return max(rules, key=lambda rule: len(rule.org.path)) if rules else None


def _adopting_item(user: Any, item: InfoItem) -> InfoItem:
    if not can(user, InfoItem, "approve"):
        raise PermissionDenied("登记采用需由上级工会进行，您没有此权限。")
    locked = fetch_for_update(InfoItem, user, "approve", item.pk)
    own = user.org
    outside = own is None or own.pk == locked.org_id or not locked.org.path.startswith(own.path)
    if outside and not user.is_superuser:
        raise PermissionDenied("采用须由报送单位的上级工会登记，不能给本单位的信息登记采用。")
    return locked


@transaction.atomic
def adoption_add(*, user: Any, item: InfoItem, data: dict) -> InfoAdoption:
    item = _adopting_item(user, item)
    adoption = InfoAdoption(item=item, recorded_by=user)
    assign_fields(adoption, ("adopter_level", "adopter_name", "adopted_on"), data, strip=True)
    if adoption.adopted_on and adoption.adopted_on < item.submitted_on:
        raise ValidationError({"adopted_on": f"采用日期不能早于报送日期 {item.submitted_on:%Y-%m-%d}。"})
    if adoption.adopted_on and adoption.adopted_on > timezone.localdate():
        raise ValidationError({"adopted_on": "采用日期不能晚于今天。"})
    rule = score_for(item, adoption.adopter_level)
    if rule is None:
        level = adoption.get_adopter_level_display()
        message = f"「{item.org.name}」及其上级都没有设置“{level}”的计分规则，请先在“信息计分规则”中设置分值。"
        raise ValidationError({"adopter_level": message})
    adoption.score = rule.points
    if InfoAdoption.objects.filter(
        item=item, adopter_level=adoption.adopter_level, adopter_name=adoption.adopter_name
    ).exists():
        raise ValidationError({"adopter_name": f"已登记过「{adoption.adopter_name}」的采用，请不要重复登记。"})
    adoption.full_clean(validate_constraints=False)
    adoption.save()
    changelog_record(
        obj=item,
        action=ChangeAction.UPDATE,
        before=None,
        after={"adopted_by": adoption.adopter_name, "level": adoption.adopter_level, "score": str(adoption.score)},
    )
    return adoption


@transaction.atomic
def adoption_remove(*, user: Any, adoption: InfoAdoption) -> None:
    item = _adopting_item(user, adoption.item)
    adoption = InfoAdoption.objects.get(pk=adoption.pk, item=item)
    changelog_record(
        obj=item,
        action=ChangeAction.UPDATE,
        before={"adopted_by": adoption.adopter_name, "level": adoption.adopter_level, "score": str(adoption.score)},
        after=None,
    )
    adoption.delete()


# --- scoring rules -----------------------------------------------------------------------------------------


def _check_rule_unique(rule: InfoScoreRule) -> None:
    clash = InfoScoreRule.objects.filter(org_id=rule.org_id, adopter_level=rule.adopter_level).exclude(pk=rule.pk)
    if clash.exists():
        raise ValidationError(
            {"adopter_level": f"{rule.org.name}已设置“{rule.get_adopter_level_display()}”的分值，请修改原规则。"}
        )


@transaction.atomic
def rule_create(*, user: Any, data: dict) -> InfoScoreRule:
    rule = InfoScoreRule(created_by=user, org=owning_unit(user, data.get("org"), "计分规则", federation=True))
    assign_fields(rule, RULE_FIELDS, data)
    rule.full_clean(validate_constraints=False)
    _check_rule_unique(rule)
    rule.save()
    ensure_in_scope(user, rule, "add")
    return rule


@transaction.atomic
def rule_update(*, user: Any, rule: InfoScoreRule, data: dict) -> InfoScoreRule:
    rule = fetch_for_update(InfoScoreRule, user, "change", rule.pk)
    rule.snapshot()
    if "org" in data and data["org"] is not None and data["org"].pk != rule.org_id:
        rule.org = owning_unit(user, data["org"], "计分规则", federation=True)
    assign_fields(rule, RULE_FIELDS, data)
    rule.full_clean(validate_constraints=False)
    _check_rule_unique(rule)
    rule.save()
    ensure_in_scope(user, rule, "change")
    return rule


@transaction.atomic
def rule_delete(*, user: Any, rule: InfoScoreRule) -> None:
    rule = fetch_for_update(InfoScoreRule, user, "delete", rule.pk)
    rule.delete()
