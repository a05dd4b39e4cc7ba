"""民生实事 pages: list with live progress, detail, create/edit/delete, 填报, and the public progress page."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.core.forms import apply_form_errors
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import ObjectDeleteView, ObjectEditView
from gonghui.orgs.models import Organization
from gonghui.programmes import selectors_projects, services_projects
from gonghui.programmes.forms import LivelihoodProjectForm, ProjectReportForm
from gonghui.programmes.models.projects import LivelihoodProject

LIST = "programmes:project_list"


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return datetime.date.today().year
    return year if 2000 <= year <= 2100 else datetime.date.today().year


@login_required
def project_list(request):
    if not can(request.user, LivelihoodProject, "view"):
        raise PermissionDenied("您没有查看民生实事的权限。")
    year = _year(request)
    projects = selectors_projects.projects_for(request.user).filter(year=year)
    rows = selectors_projects.progress_list(projects)
    orgs = sorted({row.project.org for row in rows}, key=lambda org: org.path)
    return render(
        request,
        "programmes/project_list.html",
        {
            "title": f"{year}年民生实事",
            "year": year,
            "years": [year - 1, year, year + 1],
            "rows": rows,
            "public_orgs": orgs,
            "breadcrumbs": [("民生实事", None)],
            "add_url": reverse("programmes:project_add") if can(request.user, LivelihoodProject, "add") else None,
        },
    )


@login_required
def project_detail(request, pk: int, report_form=None):
    project = get_restricted_or_404(
        LivelihoodProject.objects.select_related("org", "indicator"), request.user, "view", pk=pk
    )
    row = selectors_projects.progress(project)
    can_change = LivelihoodProject.objects.restrict(request.user, "change").filter(pk=pk).exists()
    records_link = ""
    if row.computed:
        from gonghui.targets import sources
        from gonghui.utilities.periods import Period

        records_link = sources.get(project.indicator.key).records_link(project.org, Period.year_of(project.year))
    return render(
        request,
        "programmes/project_detail.html",
        {
            "title": project.title,
            "project": project,
            "row": row,
            "records_link": records_link,
            "breadcrumbs": [("民生实事", reverse(LIST)), (project.title, None)],
            "can_change": can_change,
            "can_delete": LivelihoodProject.objects.restrict(request.user, "delete").filter(pk=pk).exists(),
            "report_form": report_form
            or (
                ProjectReportForm(
                    initial={"reported_value": project.reported_value, "reported_on": datetime.date.today()}
                )
                if can_change and not row.computed
                else None
            ),
        },
    )


@login_required
@require_POST
def project_report(request, pk: int):
    if not can(request.user, LivelihoodProject, "change"):
        raise PermissionDenied("您没有填报民生实事的权限。")
    project = get_restricted_or_404(LivelihoodProject, request.user, "change", pk=pk)
    form = ProjectReportForm(request.POST)
    if form.is_valid():
        try:
            services_projects.project_report(
                user=request.user,
                project=project,
                value=form.cleaned_data["reported_value"],
                as_of=form.cleaned_data["reported_on"],
            )
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, "已更新完成数。")
            return HttpResponseRedirect(project.get_absolute_url())
    return project_detail(request, pk, report_form=form)


class ProjectEditView(ObjectEditView):
    model = LivelihoodProject
    form_class = LivelihoodProjectForm
    list_url_name = LIST

    def initial(self):
        year = datetime.date.today().year
        return {"year": year, "deadline": datetime.date(year, 12, 31), "is_public": True}

    def create(self, form):
        return services_projects.project_create(user=self.request.user, data=form.cleaned_data)

    def update(self, obj, form):
        return services_projects.project_update(user=self.request.user, project=obj, data=form.cleaned_data)


class ProjectDeleteView(ObjectDeleteView):
    model = LivelihoodProject
    list_url_name = LIST

    def delete(self, obj):
        services_projects.project_delete(user=self.request.user, project=obj)


def public_progress(request, code: str):
    """No login: a union's published 民生实事 for the year with live progress (a city's public page)."""
    org = Organization.objects.filter(code=code).first()
    if org is None:
        raise Http404("没有这个单位。")
    year = _year(request)
    rows = selectors_projects.progress_list(selectors_projects.public_projects(org, year))
    return render(
        request,
        "programmes/public/projects.html",
        {"org": org, "year": year, "rows": rows, "today": datetime.date.today()},
    )
