"""Roster import pages: upload a file for one union, choose the mode (and the sheet when the file
has several), follow the background job's progress; the template download; the export job.

The union must be in the user's scope for adding members (otherwise 404; no add permission at
all is 403). The upload is stored under MEDIA_ROOT/imports/ and the job gets its name, never data.
"""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import can, permission_name, permission_scope_q
from gonghui.jobs import services as job_services
from gonghui.jobs.models import Job
from gonghui.members.importing import (
    COLUMNS,
    MODES,
    TEMPLATE_CHOICES,
    TEMPLATE_NOTES,
    check_import_target,
    member_pipeline,
)
from gonghui.members.jobs import IMPORT_DIR, store_upload
from gonghui.members.models import MEMBER_UNION_TYPES, Member
from gonghui.orgs.models import Organization, OrgStatus
from gonghui.utilities.importing import SheetChoiceRequired, SpreadsheetError

MODE_CHOICES = [
    ("valid-only", "只导入正确的行（有错误的行跳过，在结果中列出）"),
    ("all-or-nothing", "整批导入（任何一行有错误则全部不导入）"),
]
MAX_UPLOAD_BYTES = 60 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(label="花名册文件", required=False, help_text="支持 .xlsx、.xls、.csv；可先下载导入模板")
    mode = forms.ChoiceField(label="导入方式", choices=MODE_CHOICES, initial="valid-only", widget=forms.RadioSelect)
    sheet = forms.ChoiceField(label="工作表", required=False, choices=[])
    upload = forms.CharField(required=False, widget=forms.HiddenInput)
    filename = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, sheets=(), **kwargs):
        super().__init__(*args, **kwargs)
        if sheets:
            self.fields["sheet"].choices = [(s.name, s.describe()) for s in sheets]
            self.fields["sheet"].required = True
        else:
            del self.fields["sheet"]

    def clean_upload(self) -> str:
        value = self.cleaned_data.get("upload") or ""
        if value and (not value.startswith(f"{IMPORT_DIR}/") or ".." in value or not default_storage.exists(value)):
            raise ValidationError("上传的文件已失效，请重新选择文件。")
        return value

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if not upload and not data.get("upload"):
            self.add_error("file", "请选择要导入的花名册文件。")
        if upload and upload.size > MAX_UPLOAD_BYTES:
            self.add_error("file", "文件超过 60 MB，请拆分成几个文件分别导入。")
        return data


def _union_for_import(user, pk: int) -> Organization:
    if not can(user, Member, "add"):
        raise PermissionDenied("您没有登记会员的权限，请联系安全管理员分配角色。")
    condition = permission_scope_q(user, Organization, permission_name(Member, "add"))
    org = Organization.objects.filter(condition).filter(pk=pk).first() if condition is not None else None
    if org is None:
        raise Http404("对象不存在或不在您的数据权限范围内。")
    return org


def _sheets_of(path: str, filename: str):
    """The sheets to choose from when the file has several with data, else (); SpreadsheetError for a bad file."""
    try:
        member_pipeline().open(path, filename=filename).close()
    except SheetChoiceRequired as choice:
        return choice.sheets
    return ()


@login_required
def import_page(request, org_pk: int):
    user = request.user
    org = _union_for_import(user, org_pk)
    job = None
    if request.GET.get("job"):
        job = Job.objects.filter(pk=request.GET["job"], requested_by=user, kind="members.import").first()
    sheets = ()
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            upload, filename = data.get("upload"), data.get("filename") or ""
            if data.get("file"):
                filename = data["file"].name[:200]
                upload = store_upload(data["file"])
            try:
                check_import_target(user, org)
                sheets = _sheets_of(default_storage.path(upload), filename)
            except (SpreadsheetError, ValidationError) as error:
                default_storage.delete(upload)
                message = error.message if isinstance(error, SpreadsheetError) else "；".join(error.messages)
                form.add_error(None, message)
            else:
                sheet = request.POST.get("sheet") or ""
                if sheets and sheet not in {s.name for s in sheets}:
                    form = ImportForm(
                        initial={"upload": upload, "filename": filename, "mode": data["mode"]}, sheets=sheets
                    )
                    messages.info(request, SheetChoiceRequired(list(sheets)).message)
                else:
                    new_job = job_services.job_submit(
                        user=user,
                        kind="members.import",
                        title=f"导入会员花名册到「{org.name}」"[:200],
                        params={
                            "org_id": org.pk,
                            "upload": upload,
                            "filename": filename,
                            "sheet": sheet,
                            "mode": data["mode"] if data["mode"] in MODES else "valid-only",
                        },
                    )
                    messages.success(request, "已提交导入任务，完成后可在本页或下载中心下载逐行结果。")
                    return HttpResponseRedirect(f"{reverse('members_import:import', args=[org.pk])}?job={new_job.pk}")
    else:
        form = ImportForm()
    return render(
        request,
        "members/import_page.html",
        {"title": f"导入会员：{org.name}", "org": org, "form": form, "job": job, "choosing_sheet": bool(sheets)},
    )


@login_required
def import_index(request):
    """Choose the union to import into (those in the user's scope for adding members)."""
    if not can(request.user, Member, "add"):
        raise PermissionDenied("您没有登记会员的权限，请联系安全管理员分配角色。")
    condition = permission_scope_q(request.user, Organization, permission_name(Member, "add"))
    unions = (
        Organization.objects.filter(condition, org_type__in=MEMBER_UNION_TYPES)
        .exclude(status=OrgStatus.DISSOLVED)
        .order_by("path")[:500]
    )
    return render(request, "members/import_index.html", {"title": "导入会员花名册", "unions": unions})


@login_required
def import_template(request):
    if not can(request.user, Member, "add"):
        raise PermissionDenied("您没有登记会员的权限，请联系安全管理员分配角色。")
    from gonghui.utilities.templates_xlsx import write_template

    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('会员花名册导入模板.xlsx')}"
    write_template(COLUMNS, response, title="会员花名册导入模板", notes=TEMPLATE_NOTES, choices=TEMPLATE_CHOICES)
    return response


@login_required
@require_POST
def export_job(request):
    """Submit a members.export job (``org`` narrows to a union's subtree; ``unmasked=1`` asks for full data)."""
    user = request.user
    if not can(user, Member, "export"):
        raise PermissionDenied("您没有导出会员的权限，请联系安全管理员分配角色。")
    org_id = request.POST.get("org") or None
    if org_id and not Organization.objects.restrict(user, "view").filter(pk=org_id).exists():
        raise Http404("对象不存在或不在您的数据权限范围内。")
    unmasked = request.POST.get("unmasked") == "1"
    job = job_services.job_submit(
        user=user,
        kind="members.export",
        title="导出会员名册（含完整个人信息）" if unmasked else "导出会员名册",
        params={"org_id": int(org_id) if org_id else None, "unmasked": unmasked},
    )
    mark_operation(request, "提交会员名册导出任务" + ("（含完整个人信息）" if unmasked else ""))
    messages.success(request, "已提交导出任务，完成后可在下载中心下载。")
    return HttpResponseRedirect(job.get_absolute_url())
