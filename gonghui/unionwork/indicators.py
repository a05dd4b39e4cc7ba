"""Computed indicator sources of the union's own work (see gonghui/targets/sources.py).

- ``dues_collected``: dues paid (实缴金额) by the date they reached the account (入库日期);
- ``trainings_held``: courses that finished (已结业) in the period, by their closing date;
- ``union_chairs_trained``: trainees flagged 工会主席 who completed a finished course, by its closing date.
"""

from __future__ import annotations

from django.db.models import Q, Sum
from django.db.models.signals import post_delete, post_save

from gonghui.targets.sources import RecordSource, register


def _paid():
    return Sum("paid")


SOURCES: tuple[RecordSource, ...] = (
    RecordSource(
        key="dues_collected",
        model="unionwork.DuesRecord",
        date_field="paid_on",
        filter=Q(paid_on__isnull=False, paid__gt=0),
        value=_paid,
        records_page=("unionwork:dues_list", "within", "paid_from", "paid_to", ""),
    ),
    RecordSource(
        key="trainings_held",
        model="unionwork.TrainingCourse",
        date_field="end_on",
        filter=Q(status="finished"),
        records_page=("unionwork:course_list", "within", "end_from", "end_to", "status=finished"),
    ),
    RecordSource(
        key="union_chairs_trained",
        model="unionwork.Trainee",
        date_field="course__end_on",
        org_field="course__org",
        filter=Q(is_chair=True, completed=True, course__status="finished"),
        records_page=("unionwork:course_list", "within", "end_from", "end_to", "status=finished"),
    ),
)

for _source in SOURCES:
    register(_source)

SOURCE_MODELS = sorted({source.model for source in SOURCES})


def _records_changed(sender, **kwargs) -> None:
    from gonghui.targets.figures import mark_stale

    mark_stale()


for _model in SOURCE_MODELS:
    post_save.connect(_records_changed, sender=_model, dispatch_uid=f"unionwork.stale.save.{_model}")
    post_delete.connect(_records_changed, sender=_model, dispatch_uid=f"unionwork.stale.delete.{_model}")
