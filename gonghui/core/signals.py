"""Write a ChangeLog row for every create/update/delete of a change-logged model."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from gonghui.core.changelog import redacted_attnames, serialize, volatile_fields
from gonghui.core.models import ChangeAction, ChangeLoggedModel


def _write(instance, action: str, before, after) -> None:
    from gonghui.core.services import changelog_record

    changelog_record(obj=instance, action=action, before=before, after=after)


@receiver(pre_save)
def _snapshot_before_save(sender, instance, raw=False, **kwargs):
    if raw or not isinstance(instance, ChangeLoggedModel) or instance.pk is None:
        return
    if getattr(instance, "_prechange_snapshot", None) is None:
        previous = type(instance)._base_manager.filter(pk=instance.pk).first()
        instance._prechange_snapshot = serialize(previous) if previous is not None else None
    secret = redacted_attnames(type(instance))
    if secret:
        # Kept in memory only, to notice a change (a new password) that redaction hides.
        instance._prechange_secrets = type(instance)._base_manager.filter(pk=instance.pk).values(*secret).first()


def _changed(instance, before, after) -> bool:
    volatile = volatile_fields(type(instance))
    if {k: v for k, v in (before or {}).items() if k not in volatile} != {
        k: v for k, v in after.items() if k not in volatile
    }:
        return True
    secrets = getattr(instance, "_prechange_secrets", None) or {}
    return any(getattr(instance, name) != value for name, value in secrets.items())


@receiver(post_save)
def _log_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, ChangeLoggedModel):
        return
    before = None if created else getattr(instance, "_prechange_snapshot", None)
    after = serialize(instance)
    changed = created or _changed(instance, before, after)
    instance._prechange_snapshot = None
    instance._prechange_secrets = None
    if changed:
        _write(instance, ChangeAction.CREATE if created else ChangeAction.UPDATE, before, after)


@receiver(post_delete)
def _log_delete(sender, instance, **kwargs):
    if not isinstance(instance, ChangeLoggedModel):
        return
    _write(instance, ChangeAction.DELETE, serialize(instance), None)
