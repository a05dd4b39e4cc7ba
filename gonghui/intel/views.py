"""工作材料 pages: search and list, register one (upload or paste), batch upload (a background job), one
document (cleaned text with its figures highlighted; confirm, correct or drop each), edit, delete,
download the original, and the figures list. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.core.forms import apply_form_errors
from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import ObjectDeleteView, ObjectListView
from gonghui.intel import selectors, services
from gonghui.intel.filtersets import DocumentFilterSet, FactFilterSet
from gonghui.intel.forms import BatchUploadForm, DocumentCreateForm, DocumentEditForm, FactReviewForm
from gonghui.intel.models import Document, DocumentStatus
from gonghui.intel.tables import DocumentTable, FactTable

LIST_TITLE = "工作材料"


def _require(user, action: str) -> None:
    if not can(user, Document, action):
        raise PermissionDenied("您没有此功能的权限，请联系安全管理员分配角色。")


def _may(user, document: Document, action: str) -> bool:
    return Document.objects.restrict(user, action).filter(pk=document.pk).exists()


def _crumbs(*tail):
    return [(LIST_TITLE, reverse("intel:document_list")), *tail]


class DocumentListView(ObjectListView):
    """全文检索: the words of 全文检索 (segmented by jieba) and the filters; snippets mark the words."""

    model = Document
    table_class = DocumentTable
    filterset_class = DocumentFilterSet
    template_name = "intel/document_list.html"
    title = LIST_TITLE
    export_filename = "工作材料"
    empty_text = "没有符合条件的工作材料。可以换个关键词，或减少筛选条件。"
    per_page = 20

    def get_queryset(self, action):
        return selectors.with_counts(selectors.documents_for(self.request.user, action))

    def extra_context(self):
        user = self.request.user
        return {"may_add": can(user, Document, "add")}


class FactListView(ObjectListView):
    model = Document
    table_class = FactTable
    filterset_class = FactFilterSet
    title = "材料数值"
    export_filename = "材料数值"
    empty_text = "没有符合条件的数值。"

    def get_queryset(self, action):
        return selectors.facts_for(self.request.user, action).order_by("-document__year", "-document__quarter", "pk")

    def extra_context(self):
        return {"breadcrumbs": _crumbs(("材料数值", None))}


FORM_PAGES = {
    "create": (
        "登记工作材料",
        "登记并读取",
        "上传文件或粘贴正文后，系统清理网页杂项、繁体转简体，并找出文中可对应到工作指标的数值，由您逐项确认。",
    ),
    "batch": (
        "批量上传工作材料",
        "上传并在后台读取",
        "文件在后台逐个读取，可在下载中心查看进度和读取结果；读取后请逐份确认数值。",
    ),
}


def _form_page(request, page: str, form):
    title, submit_label, hint = FORM_PAGES[page]
    return render(
        request,
        "intel/document_form.html",
        {
            "title": title,
            "form": form,
            "submit_label": submit_label,
            "hint": hint,
            "breadcrumbs": _crumbs((title, None)),
        },
    )


@login_required
def document_create(request):
    """登记工作材料: one file or a pasted text, read at once; then the figures wait for confirmation."""
    _require(request.user, "add")
    if request.method != "POST":
        return _form_page(request, "create", DocumentCreateForm(user=request.user))
    form = DocumentCreateForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            document = services.document_create(
                user=request.user,
                org=data["org"],
                year=data["year"],
                quarter=data["quarter"],
                file=data.get("file"),
                text=data.get("text") or "",
                title=data.get("title") or "",
            )
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            count = document.facts.count()
            messages.success(request, f"已登记「{document}」，读到 {count} 个数值，请逐项确认。")
            return HttpResponseRedirect(document.get_absolute_url())
    return _form_page(request, "create", form)


@login_required
def document_batch(request):
    """批量上传: the files are stored and a background job reads them; the job page shows the progress."""
    _require(request.user, "add")
    if request.method != "POST":
        return _form_page(request, "batch", BatchUploadForm(user=request.user))
    form = BatchUploadForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            documents, job = services.documents_batch_upload(
                user=request.user, org=data["org"], year=data["year"], quarter=data["quarter"], files=data["files"]
            )
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, f"已上传 {len(documents)} 个文件，正在后台读取，完成后可在下载中心查看读取结果。")
            return HttpResponseRedirect(job.get_absolute_url())
    return _form_page(request, "batch", form)


def _detail(request, document: Document, form: FactReviewForm | None):
    facts = list(document.facts.select_related("indicator", "report_value__report").order_by("start", "pk"))
    user = request.user
    if (
        form is None
        and _may(user, document, "change")
        and document.status
        not in (
            DocumentStatus.QUEUED,
            DocumentStatus.FAILED,
        )
    ):
        form = FactReviewForm(facts=facts)
    rows = form.rows() if form is not None else [{"fact": fact} for fact in facts]
    for number, row in enumerate(rows, start=1):
        row["number"] = number
    return render(
        request,
        "intel/document_detail.html",
        {
            "title": document.title,
            "document": document,
            "segments": selectors.body_segments(document, facts),
            "rows": rows,
            "form": form,
            "may_change": _may(user, document, "change"),
            "may_delete": _may(user, document, "delete"),
            "breadcrumbs": _crumbs((document.title, None)),
        },
    )


@login_required
def document_detail(request, pk: int):
    document = get_restricted_or_404(selectors.documents_for(request.user), request.user, "view", pk=pk)
    if request.method != "POST":
        return _detail(request, document, None)
    if not _may(request.user, document, "change"):
        raise PermissionDenied("您没有确认该材料数值的权限。")
    facts = list(document.facts.select_related("indicator").order_by("start", "pk"))
    form = FactReviewForm(request.POST, facts=facts)
    if form.is_valid():
        try:
            outcome = services.facts_review(user=request.user, document=document, decisions=form.decisions())
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, f"已保存：确认 {outcome.confirmed} 项，舍弃 {outcome.dropped} 项。")
            if outcome.prefill and outcome.prefill.message:
                level = messages.success if outcome.prefill.filled else messages.warning
                level(request, outcome.prefill.message)
            return HttpResponseRedirect(document.get_absolute_url())
    document.refresh_from_db()
    return _detail(request, document, form)


@login_required
def document_edit(request, pk: int):
    _require(request.user, "change")
    document = get_restricted_or_404(Document, request.user, "change", pk=pk)
    title = f"修改工作材料：{document}"
    form = DocumentEditForm(request.POST or None, document=document)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.document_update(
                user=request.user, document=document, title=data["title"], year=data["year"], quarter=data["quarter"]
            )
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, "已保存。")
            return HttpResponseRedirect(document.get_absolute_url())
    return render(
        request,
        "core/object_edit.html",
        {
            "title": title,
            "form": form,
            "cancel_url": document.get_absolute_url(),
            "breadcrumbs": _crumbs((document.title, document.get_absolute_url()), ("修改", None)),
        },
    )


@login_required
@require_POST
def document_reread(request, pk: int):
    """重新读取: read the original file again (after the library improved); reviewed figures stay."""
    _require(request.user, "change")
    document = get_restricted_or_404(Document, request.user, "change", pk=pk)
    try:
        services.document_read(user=request.user, document=document)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, "已重新读取原始文件。")
    return HttpResponseRedirect(document.get_absolute_url())


class DocumentDeleteView(ObjectDeleteView):
    model = Document
    list_url_name = "intel:document_list"

    def context(self):
        context = super().context()
        context["warning"] = "材料中的数值将一并删除；已填入季度报表的数值保持不变，但不再显示原文依据。"
        return context

    def delete(self, obj):
        services.document_delete(user=self.request.user, document=obj)


@login_required
def document_file(request, pk: int):
    """The original file, after the same scope check as the document; never a public URL."""
    document = get_restricted_or_404(Document, request.user, "view", pk=pk)
    if not document.file:
        raise Http404("该材料是粘贴的文本，没有原始文件。")
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("原始文件已丢失，请重新上传。") from None
    mark_operation(request, f"下载工作材料原件「{document.original_name}」")
    return FileResponse(handle, as_attachment=True, filename=document.original_name or document.file.name)
