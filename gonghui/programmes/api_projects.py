"""民生实事 over JSON: projects with their live progress."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Field, Router, Schema

from gonghui.core.api_utils import raise_api_error, require_permission
from gonghui.core.querysets import get_restricted_or_404
from gonghui.programmes import selectors_projects, services_projects
from gonghui.programmes.models.projects import LivelihoodProject

router = Router(tags=["民生实事"])


class ProjectOut(Schema):
    id: int
    org_id: int
    year: int
    title: str
    target_value: Decimal
    unit: str
    deadline: datetime.date
    indicator_key: str | None = Field(None, description="数据来源指标；系统计算时进度来自业务记录")
    computed: bool
    actual: Decimal | None
    completion: Decimal | None = Field(None, description="完成率（实际÷目标，可超过 1）")
    expected: Decimal = Field(description="序时进度")
    light: str = Field(description="green / yellow / red / none")
    status: str = Field(description="超额完成、已完成、正常、滞后、预警")
    as_of: datetime.date


class ReportIn(Schema):
    reported_value: Decimal = Field(..., ge=0)
    reported_on: datetime.date | None = None


def _out(row) -> dict:
    project = row.project
    return {
        "id": project.pk,
        "org_id": project.org_id,
        "year": project.year,
        "title": project.title,
        "target_value": project.target_value,
        "unit": project.unit,
        "deadline": project.deadline,
        "indicator_key": project.indicator.key if project.indicator_id else None,
        "computed": row.computed,
        "actual": row.actual,
        "completion": row.completion,
        "expected": row.expected,
        "light": str(row.light),
        "status": row.status_label,
        "as_of": row.as_of,
    }


@router.get("/livelihood-projects", response=list[ProjectOut], summary="民生实事及实时进度")
def list_livelihood_projects(request, year: int | None = None):
    require_permission(request, LivelihoodProject, "view")
    queryset = selectors_projects.projects_for(request.user).filter(year=year or datetime.date.today().year)
    return [_out(row) for row in selectors_projects.progress_list(queryset)]


@router.get("/livelihood-projects/{int:pk}", response=ProjectOut, summary="民生实事详情及进度")
def get_livelihood_project(request, pk: int):
    project = get_restricted_or_404(selectors_projects.projects_for(request.user), request.user, "view", pk=pk)
    return _out(selectors_projects.progress(project))


@router.post("/livelihood-projects/{int:pk}/report", response=ProjectOut, summary="填报民生实事完成数")
def report_livelihood_project(request, pk: int, payload: ReportIn):
    project = get_restricted_or_404(LivelihoodProject, request.user, "change", pk=pk)
    try:
        project = services_projects.project_report(
            user=request.user, project=project, value=payload.reported_value, as_of=payload.reported_on
        )
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)
    return _out(selectors_projects.progress(project))
