"""Station import page (upload, mode, per-row result) and its template with dropdowns."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from gonghui.core.forms import apply_form_errors
from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import can
from gonghui.programmes import importing_stations, imports_common
from gonghui.programmes.models.stations import Station
from gonghui.utilities.importing import SpreadsheetError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_add(user) -> None:
    if not can(user, Station, "add"):
        raise PermissionDenied("您没有登记驿站的权限，请联系安全管理员分配角色。")


@login_required
def station_import(request):
    _require_add(request.user)
    report = token = None
    if request.method == "POST":
        form = imports_common.ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = importing_stations.import_stations(
                    user=request.user, file=form.cleaned_data["file"], mode=form.cleaned_data["mode"]
                )
            except SpreadsheetError as error:
                form.add_error("file", error.message)
            except (ValidationError, PermissionDenied) as error:
                apply_form_errors(form, error)
            else:
                token = imports_common.keep_report(request, report, "驿站")
                mark_operation(request, f"导入工会驿站：{report.summary()}")
    else:
        form = imports_common.ImportUploadForm()
    return render(
        request,
        "programmes/station_import.html",
        {
            "title": "导入工会驿站",
            "form": form,
            "report": report,
            "report_url": reverse("programmes:import_report", args=[token]) if token else None,
            "template_url": reverse("programmes:station_import_template"),
            "back_url": reverse("programmes:station_list"),
            "breadcrumbs": [("工会驿站", reverse("programmes:station_list")), ("导入", None)],
        },
    )


@login_required
def station_import_template(request):
    _require_add(request.user)
    from gonghui.utilities.templates_xlsx import write_template

    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('工会驿站导入模板.xlsx')}"
    write_template(
        importing_stations.COLUMNS,
        response,
        title="工会驿站导入模板",
        notes=importing_stations.TEMPLATE_NOTES,
        choices=importing_stations.TEMPLATE_CHOICES,
    )
    return response
