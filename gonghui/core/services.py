"""Core services: explicit change-log records, and the writers of dictionaries (字典)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from gonghui.core import context
from gonghui.core.models import ChangeLog, DictItem, DictType
from gonghui.core.querysets import ensure_in_scope


def changelog_record(*, obj: models.Model, action: str, before: dict | None, after: dict | None) -> ChangeLog:
    """Write one change-log row for a change the save signals cannot see (many-to-many, moves).

    Callers pass plain JSON with no personal data: role names, permission names, paths.
    """
    ctx = context.current()
    actor = ctx.acting_user if ctx else None
    return ChangeLog.objects.create(
        user=actor,
        user_name=actor.get_username() if actor else "",
        request_id=ctx.request_id if ctx else "",
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=before,
        after=after,
    )


# ---------------------------------------------------------------------------
# Dictionaries

DICT_TYPE_FIELDS = ("code", "name", "remark", "is_active")
DICT_ITEM_FIELDS = ("label", "value", "color", "sort", "is_active")
# A hex colour only: the value lands in a style attribute, so nothing else may pass.
COLOR_PATTERN = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def assign_fields(obj: Any, fields: tuple[str, ...], data: dict, *, strip: bool = False) -> None:
    """Copy the named fields present in ``data`` onto ``obj`` (services' whitelist of writable fields)."""
    for field in fields:
        if field in data:
            value = data[field]
            setattr(obj, field, value.strip() if strip and isinstance(value, str) else value)


def fetch_for_update(model, user, action: str, pk: Any):
    """Re-read an object through restrict inside the transaction; outside the scope is refused."""
    obj = model.objects.restrict(user, action).select_for_update(of=("self",)).filter(pk=pk).first()
    if obj is None:
        raise PermissionDenied("对象不存在或不在您的数据权限范围内。")
    return obj


def _check_type_code(dict_type: DictType) -> None:
    if DictType.objects.filter(code=dict_type.code).exclude(pk=dict_type.pk).exists():
        raise ValidationError({"code": f"字典编码「{dict_type.code}」已被使用，请换一个。"})


@transaction.atomic
def dict_type_create(*, user, data: dict) -> DictType:
    dict_type = DictType()
    assign_fields(dict_type, DICT_TYPE_FIELDS, data, strip=True)
    _check_type_code(dict_type)
    dict_type.full_clean()
    dict_type.save()
    ensure_in_scope(user, dict_type, "add")
    return dict_type


@transaction.atomic
def dict_type_update(*, user, dict_type: DictType, data: dict) -> DictType:
    dict_type = fetch_for_update(DictType, user, "change", dict_type.pk)
    dict_type.snapshot()
    assign_fields(dict_type, DICT_TYPE_FIELDS, data, strip=True)
    _check_type_code(dict_type)
    dict_type.full_clean()
    dict_type.save()
    ensure_in_scope(user, dict_type, "change")
    return dict_type


@transaction.atomic
def dict_type_delete(*, user, dict_type: DictType) -> None:
    """Deleting a type deletes its items; each item deletion is change-logged too."""
    dict_type = fetch_for_update(DictType, user, "delete", dict_type.pk)
    if dict_type.items.exists() and not DictItem.objects.restrict(user, "delete").exists():
        raise PermissionDenied("该字典下还有字典数据，您没有删除字典数据的权限，不能删除它。")
    for item in dict_type.items.all():
        item.delete()
    dict_type.delete()


def _check_item(item: DictItem) -> None:
    if item.color and not COLOR_PATTERN.match(item.color):
        raise ValidationError({"color": "标签颜色请填写十六进制颜色值，例如 #1677ff；不需要颜色时留空。"})
    clash = DictItem.objects.filter(dict_type_id=item.dict_type_id, value=item.value).exclude(pk=item.pk)
    if clash.exists():
        raise ValidationError({"value": f"本字典已有键值「{item.value}」，同一字典内键值不能重复。"})


@transaction.atomic
def dict_item_create(*, user, dict_type: DictType, data: dict) -> DictItem:
    dict_type = fetch_for_update(DictType, user, "view", dict_type.pk)
    item = DictItem(dict_type=dict_type)
    assign_fields(item, DICT_ITEM_FIELDS, data, strip=True)
    _check_item(item)
    item.full_clean()
    item.save()
    ensure_in_scope(user, item, "add")
    return item


@transaction.atomic
def dict_item_update(*, user, item: DictItem, data: dict) -> DictItem:
    item = fetch_for_update(DictItem, user, "change", item.pk)
    item.snapshot()
    assign_fields(item, DICT_ITEM_FIELDS, data, strip=True)
    _check_item(item)
    item.full_clean()
    item.save()
    ensure_in_scope(user, item, "change")
    return item


@transaction.atomic
def dict_item_delete(*, user, item: DictItem) -> None:
    item = fetch_for_update(DictItem, user, "delete", item.pk)
    item.delete()
