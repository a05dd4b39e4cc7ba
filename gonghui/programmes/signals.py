"""Mark the targets module's computed figures stale when the records behind our sources change."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from gonghui.programmes.indicators import SOURCE_MODELS


def _records_changed(sender, **kwargs) -> None:
    from gonghui.targets.figures import mark_stale

    mark_stale()


for _model in SOURCE_MODELS:
    post_save.connect(_records_changed, sender=_model, dispatch_uid=f"programmes.stale.save.{_model}")
    post_delete.connect(_records_changed, sender=_model, dispatch_uid=f"programmes.stale.delete.{_model}")
