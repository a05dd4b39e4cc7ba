"""Writers for livelihood projects (民生实事)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from gonghui.core.querysets import ensure_in_scope
from gonghui.core.services import assign_fields, fetch_for_update
from gonghui.programmes.common import owning_union
from gonghui.programmes.models.projects import LivelihoodProject

PROJECT_FIELDS = (
    "year",
    "title",
    "target_value",
    "unit",
    "deadline",
    "indicator",
    "department",
    "description",
    "is_public",
    "sort",
)


def _save(project: LivelihoodProject) -> None:
    project.full_clean(validate_constraints=False)
    if (
        LivelihoodProject.objects.filter(org=project.org, year=project.year, title=project.title)
        .exclude(pk=project.pk)
        .exists()
    ):
        raise ValidationError({"title": f"{project.year} 年已有同名的民生实事「{project.title}」。"})
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError:
        raise ValidationError({"title": f"{project.year} 年已有同名的民生实事「{project.title}」。"}) from None


@transaction.atomic
def project_create(*, user, data: dict) -> LivelihoodProject:
    project = LivelihoodProject(created_by=user, org=owning_union(user, data.get("org"), "民生实事"))
    assign_fields(project, PROJECT_FIELDS, data, strip=True)
    _save(project)
    ensure_in_scope(user, project, "add")
    return project


@transaction.atomic
def project_update(*, user, project: LivelihoodProject, data: dict) -> LivelihoodProject:
    project = fetch_for_update(LivelihoodProject, user, "change", project.pk)
    project.snapshot()
    if "org" in data and data["org"] != project.org:
        project.org = owning_union(user, data["org"], "民生实事")
    assign_fields(project, PROJECT_FIELDS, data, strip=True)
    _save(project)
    ensure_in_scope(user, project, "change")
    return project


@transaction.atomic
def project_report(*, user, project: LivelihoodProject, value, as_of: datetime.date | None = None) -> LivelihoodProject:
    """填报 the figure of a project whose indicator is not computed from our records."""
    from gonghui.programmes.selectors_projects import is_computed

    project = fetch_for_update(LivelihoodProject, user, "change", project.pk)
    if is_computed(project):
        raise ValidationError(
            {"reported_value": f"「{project}」的进度由系统按「{project.indicator}」自动统计，无需填报。"}
        )
    project.snapshot()
    project.reported_value = value
    project.reported_on = as_of or datetime.date.today()
    _save(project)
    ensure_in_scope(user, project, "change")
    return project


@transaction.atomic
def project_delete(*, user, project: LivelihoodProject) -> None:
    project = fetch_for_update(LivelihoodProject, user, "delete", project.pk)
    project.delete()
