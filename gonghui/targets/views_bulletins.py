"""通报 pages: the list with its generate form, file downloads, and the Word template of a unit.

Thin: parse, call ``targets.bulletins`` (figures, writers, templates), render. A bulletin or unit outside the
user's scope answers 404.
"""

from __future__ import annotations

import zipfile

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.core.forms import apply_form_errors
from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import ObjectDeleteView, ObjectListView
from gonghui.jobs.models import JobStatus
from gonghui.orgs.models import Organization, OrgStatus
from gonghui.reports.bulletin import default_template_path
from gonghui.targets import bulletins
from gonghui.targets.jobs import file_stem
from gonghui.targets.models import Bulletin

LIST_URL = "targets:bulletin_list"
QUARTERS = [(1, "第一季度"), (2, "第二季度"), (3, "第三季度"), (4, "第四季度")]
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


# --- list ---------------------------------------------------------------------------------------------------


class BulletinFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="标题/文号/单位")
    year = django_filters.NumberFilter(label="年度")
    quarter = django_filters.ChoiceFilter(choices=QUARTERS, label="季度", empty_label="全部")

    class Meta:
        model = Bulletin
        fields = ["q", "year", "quarter"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(title__icontains=value) | Q(doc_number__icontains=value) | Q(org__name__icontains=value)
        )


class BulletinTable(tables.Table):
    title = tables.Column(verbose_name="标题")
    org = tables.Column(verbose_name="发文单位", order_by=("org__path",))
    year = tables.Column(verbose_name="年度")
    quarter = tables.Column(verbose_name="季度")
    doc_number = tables.Column(verbose_name="文号", default="—")
    status = tables.Column(verbose_name="生成状态", accessor="job__status", order_by=("job__status",), default="—")
    created_at = tables.DateTimeColumn(verbose_name="提交时间", format="Y-m-d H:i")
    files = tables.Column(verbose_name="下载", empty_values=(), orderable=False)

    class Meta:
        model = Bulletin
        fields = ("title", "org", "year", "quarter", "doc_number", "status", "created_at", "files")
        attrs = {"class": "table"}
        export_exclude = ("files",)

    def render_quarter(self, value):
        return dict(QUARTERS).get(value, value)

    def value_quarter(self, value):
        return dict(QUARTERS).get(value, value)

    def render_status(self, record):
        job = record.job
        if job is None:
            return "—"
        text = job.get_status_display()
        if job.status == JobStatus.FAILED:
            return format_html('<span class="{}" title="{}">{}</span>', job.tag_class, job.error, text)
        return format_html('<span class="{}">{}</span>', job.tag_class, text)

    def value_status(self, record):
        return record.job.get_status_display() if record.job else ""

    def render_files(self, record):
        if record.job is None or not record.job.has_file:
            return "—"
        links = [
            (reverse("targets:bulletin_download", args=[record.pk, fmt]), label)
            for fmt, label in (("docx", "Word"), ("pdf", "PDF"))
        ]
        return format_html(
            '<a class="btn primary" href="{}">{}</a> <a class="btn" href="{}">{}</a>',
            *(part for link in links for part in link),
        )


class BulletinForm(forms.Form):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="发文单位", empty_label=None)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(choices=QUARTERS, coerce=int, label="季度")
    doc_number = forms.CharField(label="文号", max_length=60, required=False, help_text="例如 常总工〔2026〕12号")
    requirements = forms.CharField(
        label="下步要求",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"每行一条，最多 {bulletins.MAX_REQUIREMENTS} 条；留空则按完成情况自动生成",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = bulletins.bulletin_orgs(user, "add").exclude(status=OrgStatus.DISSOLVED)
        if user.org_id and not self.is_bound:
            self.fields["org"].initial = user.org_id
        year, quarter = _last_finished_quarter()
        self.fields["year"].initial = year
        self.fields["quarter"].initial = quarter


def _last_finished_quarter() -> tuple[int, int]:
    today = timezone.localdate()
    quarter = (today.month - 1) // 3
    return (today.year, quarter) if quarter else (today.year - 1, 4)


class BulletinListView(ObjectListView):
    model = Bulletin
    table_class = BulletinTable
    filterset_class = BulletinFilterSet
    template_name = "targets/bulletin_list.html"
    title = "通报"
    export_filename = "通报"
    empty_text = "还没有生成过通报。"

    def get_queryset(self, action):
        return bulletins.bulletins_for(self.request.user, action)

    def extra_context(self) -> dict:
        user = self.request.user
        context = {"template_url": reverse("targets:bulletin_template") if can(user, Bulletin, "change") else None}
        if can(user, Bulletin, "add"):
            context["form"] = getattr(self, "form", None) or BulletinForm(user=user)
        return context

    def post(self, request, *args, **kwargs):
        self.require("add")
        self.form = BulletinForm(request.POST, user=request.user)
        if self.form.is_valid():
            data = self.form.cleaned_data
            try:
                bulletin = bulletins.bulletin_generate(
                    user=request.user,
                    org=data["org"],
                    year=data["year"],
                    quarter=data["quarter"],
                    doc_number=data["doc_number"],
                    requirements=data["requirements"],
                )
            except ValidationError as error:
                apply_form_errors(self.form, error)
            except PermissionDenied as error:
                self.form.add_error("org", str(error))
            else:
                messages.success(
                    request, f"已提交「{bulletin.title}」的生成任务，完成后可在本页或下载中心下载 Word 和 PDF。"
                )
                return HttpResponseRedirect(reverse(LIST_URL))
        return self.get(request, *args, **kwargs)


class BulletinDeleteView(ObjectDeleteView):
    model = Bulletin
    list_url_name = LIST_URL

    def delete(self, obj) -> None:
        bulletins.bulletin_delete(user=self.request.user, bulletin=obj)


# --- files --------------------------------------------------------------------------------------------------


@login_required
@require_GET
def bulletin_download(request, pk: int, fmt: str):
    """The Word or PDF file of a generated bulletin, for anyone who may view the bulletin."""
    if fmt not in CONTENT_TYPES:
        raise Http404("不支持的文件格式。")
    bulletin = get_restricted_or_404(bulletins.bulletins_for(request.user), request.user, "view", pk=pk)
    job = bulletin.job
    if job is None or not job.has_file:
        raise Http404("这份通报还没有生成完成，或生成失败，请稍后再试或重新生成。")
    stem = file_stem(bulletin)
    try:
        with job.result_file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
            content = archive.read(f"{stem}.{fmt}")
    except (OSError, KeyError, zipfile.BadZipFile):
        raise Http404("通报文件已被清理或已损坏，请重新生成。") from None
    mark_operation(request, f"下载通报「{bulletin.title}」（{fmt.upper()}）")
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = _attachment(f"{stem}.{fmt}")
    return response


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename*=UTF-8''{quote(filename)}"


# --- Word template ------------------------------------------------------------------------------------------


class TemplateForm(forms.Form):
    file = forms.FileField(
        label="Word 模板（.docx）",
        help_text="先下载当前模板修改，保存为 .docx 后上传；上传时会用示例数据试生成一次",
    )


def _template_org(request) -> Organization:
    """The unit whose template the page is about: ``?org=`` or the user's own; outside the scope is 404."""
    user = request.user
    if not can(user, Bulletin, "change"):
        raise PermissionDenied("您没有更换通报模板的权限，请联系安全管理员分配角色。")
    pk = request.POST.get("org") or request.GET.get("org") or user.org_id
    return get_restricted_or_404(bulletins.bulletin_orgs(user, "change"), user, "view", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_template(request):
    org = _template_org(request)
    form = TemplateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            bulletins.bulletin_template_upload(user=request.user, org=org, file=form.cleaned_data["file"])
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            mark_operation(request, f"更换「{org.name}」的通报模板")
            messages.success(request, f"已更换「{org.name}」的通报模板，之后生成的通报将使用新模板。")
            return HttpResponseRedirect(f"{reverse('targets:bulletin_template')}?org={org.pk}")
    current = bulletins.template_for(org)
    return render(
        request,
        "targets/bulletin_template.html",
        {
            "title": "通报模板",
            "org": org,
            "orgs": bulletins.bulletin_orgs(request.user, "change").order_by("path")[:200],
            "current": current,
            "own_upload": current.org is not None and current.org.pk == org.pk,
            "form": form,
            "breadcrumbs": [("通报", reverse(LIST_URL)), ("通报模板", None)],
        },
    )


@login_required
@require_GET
def bulletin_template_download(request):
    """The template the unit's bulletins use now (its own, inherited or the default), to edit in Word."""
    org = _template_org(request)
    current = bulletins.template_for(org)
    path = current.path or default_template_path()
    name = "通报模板.docx" if current.is_default else f"{current.org.name}通报模板.docx"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=CONTENT_TYPES["docx"])


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_template_reset(request):
    org = _template_org(request)
    back = f"{reverse('targets:bulletin_template')}?org={org.pk}"
    if request.method == "POST":
        removed = bulletins.bulletin_template_reset(user=request.user, org=org)
        mark_operation(request, f"恢复「{org.name}」的默认通报模板")
        if removed:
            messages.success(request, f"已删除「{org.name}」上传的模板，之后生成的通报使用上级单位的模板或默认模板。")
        else:
            messages.info(request, f"「{org.name}」没有上传过模板，无需恢复。")
        return HttpResponseRedirect(back)
    return render(
        request,
        "core/object_confirm.html",
        {
            "title": "恢复默认模板",
            "question": f"确定删除「{org.name}」上传的通报模板，恢复使用上级单位的模板或系统默认模板吗？",
            "confirm_label": "确认恢复",
            "cancel_url": back,
            "breadcrumbs": [("通报", reverse(LIST_URL)), ("通报模板", back), ("恢复默认模板", None)],
        },
    )
