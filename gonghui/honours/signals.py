"""Mark the computed figures stale when the records behind the honours sources change."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from gonghui.honours import models

SOURCE_MODELS = (
    models.Competition,
    models.CompetitionParticipant,
    models.Honour,
    models.InnovationStudio,
    models.PilotEnterprise,
    models.DemoSite,
)


def _records_changed(sender, **kwargs) -> None:
    from gonghui.targets.figures import mark_stale

    mark_stale()


for _model in SOURCE_MODELS:
    post_save.connect(_records_changed, sender=_model, dispatch_uid=f"honours.stale.{_model.__name__}.save")
    post_delete.connect(_records_changed, sender=_model, dispatch_uid=f"honours.stale.{_model.__name__}.delete")
