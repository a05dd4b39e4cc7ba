"""下载中心 (the download centre) and job pages. Thin: parse, call a selector or service, render.

Everyone signed in sees their own jobs; only the requester may download a job's file or
delete it. Administrators with jobs.view_job also see their scope's jobs in a separate tab.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import can
from gonghui.jobs import selectors, services
from gonghui.jobs.models import JobStatus

PER_PAGE = 20
NOT_FOUND = "任务不存在，或不是您提交的任务。"


def _own_job(request, pk: int):
    return get_object_or_404(selectors.own_jobs(request.user), pk=pk)


@login_required
@require_GET
def job_list(request):
    user = request.user
    may_scope = selectors.may_view_scope_jobs(user)
    tab = "scope" if may_scope and request.GET.get("tab") == "scope" else "mine"
    queryset = selectors.scope_jobs(user) if tab == "scope" else selectors.own_jobs(user)
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "jobs/job_list.html",
        {
            "title": "下载中心",
            "tab": tab,
            "may_scope": may_scope,
            "page": page,
            "breadcrumbs": [("下载中心", None)],
        },
    )


@login_required
@require_GET
def job_progress(request, pk: int):
    """HTMX fragment polled every 2 s while a job is unfinished: a list row (``?row=1``) or the card."""
    job = _own_job(request, pk)
    template = "jobs/_job_row.html" if request.GET.get("row") else "jobs/_progress.html"
    return render(request, template, {"job": job})


@login_required
@require_GET
def job_detail(request, pk: int):
    job = get_object_or_404(selectors.visible_jobs(request.user).select_related("requested_by", "org"), pk=pk)
    spec = services.handler_for(job.kind)
    labels = spec.labels if spec else {}
    summary = [
        (labels.get(key, key), value)
        for key, value in (job.result_summary or {}).items()
        if isinstance(value, str | int | float | bool) and key in labels
    ]
    own = job.requested_by_id == request.user.pk
    return render(
        request,
        "jobs/job_detail.html",
        {
            "title": job.title,
            "job": job,
            "own": own,
            "summary": summary,
            "breadcrumbs": [("下载中心", reverse("jobs:job_list")), (job.title, None)],
        },
    )


@login_required
@require_GET
def job_download(request, pk: int):
    """Result files only through here, for the requester; never a public MEDIA_URL."""
    job = _own_job(request, pk)
    if not job.has_file:
        raise Http404("这个任务没有可下载的文件。")
    try:
        handle = job.result_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("结果文件已丢失或已清理，请重新提交任务。") from None
    mark_operation(request, f"下载任务结果「{job.result_name}」")
    return FileResponse(handle, as_attachment=True, filename=job.result_name or "结果文件")


def _confirm(request, job, *, title: str, question: str, label: str, warning: str | None = None):
    return render(
        request,
        "core/object_confirm.html",
        {
            "title": title,
            "question": question,
            "warning": warning,
            "confirm_label": label,
            "cancel_url": job.get_absolute_url(),
            "breadcrumbs": [("下载中心", reverse("jobs:job_list")), (job.title, job.get_absolute_url()), (title, None)],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def job_delete(request, pk: int):
    job = _own_job(request, pk)
    if not job.is_finished:
        messages.error(request, f"任务「{job.title}」还在{job.get_status_display()}，不能删除。请等它结束，或先取消。")
        return HttpResponseRedirect(job.get_absolute_url())
    if request.method == "POST":
        try:
            services.job_delete(user=request.user, job=job)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, services.error_text(error))
            return HttpResponseRedirect(job.get_absolute_url())
        messages.success(request, f"已删除任务「{job.title}」。")
        return HttpResponseRedirect(reverse("jobs:job_list"))
    extra = "及其结果文件" if job.result_file else ""
    return _confirm(
        request,
        job,
        title=f"删除任务：{job.title}",
        question=f"确定要删除任务「{job.title}」{extra}吗？删除后不能恢复。",
        label="确认删除",
    )


@login_required
@require_http_methods(["GET", "POST"])
def job_cancel(request, pk: int):
    job = _own_job(request, pk)
    if request.method == "POST":
        try:
            job = services.job_cancel(user=request.user, job=job)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, services.error_text(error))
        else:
            done = job.status == JobStatus.CANCELLED
            messages.success(request, f"已取消任务「{job.title}」。" if done else f"正在取消任务「{job.title}」。")
        return HttpResponseRedirect(job.get_absolute_url())
    if job.is_finished:
        messages.error(request, f"任务「{job.title}」已经{job.get_status_display()}，不能再取消。")
        return HttpResponseRedirect(job.get_absolute_url())
    return _confirm(
        request,
        job,
        title=f"取消任务：{job.title}",
        question=f"确定要取消任务「{job.title}」吗？",
        warning="正在进行的任务会在下一个处理步骤停止，已经完成的部分视任务类型可能保留。"
        if job.status == JobStatus.RUNNING
        else None,
        label="确认取消",
    )


@login_required
@require_POST
def orgs_export(request):
    """Export the organisation list (the org list page's filters in the query string) as a job."""
    from gonghui.orgs.filtersets import OrganizationFilterSet
    from gonghui.orgs.models import Organization

    if not can(request.user, Organization, "export"):
        raise PermissionDenied("您没有导出工会组织的权限，请联系安全管理员分配角色。")
    filters = {
        name: request.GET.get(name)
        for name in OrganizationFilterSet.base_filters
        if request.GET.get(name) not in (None, "")
    }
    try:
        job = services.job_submit(
            user=request.user, kind="orgs.export", title="导出工会组织列表", params={"filters": filters}
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, services.error_text(error))
        return HttpResponseRedirect(reverse("orgs:org_list"))
    messages.success(request, "已提交导出任务，完成后可在本页或下载中心下载。")
    return HttpResponseRedirect(job.get_absolute_url())
