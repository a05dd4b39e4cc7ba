"""通知公告 and 站内消息 pages. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from gonghui.core.exports import write_xlsx, xlsx_response
from gonghui.core.forms import apply_form_errors
from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import can
from gonghui.core.views_generic import (
    EXPORT_ROW_LIMIT,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ScopedViewMixin,
)
from gonghui.notices import selectors, services
from gonghui.notices.filtersets import BOXES, AnnouncementFilterSet
from gonghui.notices.forms import AnnouncementForm, WithdrawForm
from gonghui.notices.models import Announcement, AnnouncementAttachment, AnnouncementStatus
from gonghui.notices.tables import AnnouncementTable, UnreadRecipientTable

NOT_FOUND = "通知不存在，或不在您的接收和管理范围内。"


def _managed(user, announcement: Announcement, action: str) -> bool:
    return Announcement.objects.restrict(user, action).filter(pk=announcement.pk).exists()


# --- announcements ----------------------------------------------------------------------------


class AnnouncementListView(ObjectListView):
    """Managed announcements (in scope) and the inbox (addressed to the user's unit), with tabs."""

    model = Announcement
    table_class = AnnouncementTable
    filterset_class = AnnouncementFilterSet
    template_name = "notices/announcement_list.html"
    title = "通知公告"
    add_url_name = "notices:announcement_add"
    export_filename = "通知公告"
    empty_text = "没有符合条件的通知公告。"

    def get_queryset(self, action):
        if action == "view":
            queryset = selectors.visible_announcements(self.request.user)
        else:
            queryset = selectors.managed_announcements(self.request.user, action)
        return selectors.with_read_counts(queryset.prefetch_related("targets__org"))

    def extra_context(self):
        current = self.request.GET.get("box", "")
        base = reverse("notices:announcement_list")
        tabs = [{"label": "全部", "url": base, "active": current not in dict(BOXES)}]
        tabs += [{"label": label, "url": f"{base}?box={key}", "active": current == key} for key, label in BOXES]
        return {"tabs": tabs}


class AnnouncementEditView(ObjectEditView):
    model = Announcement
    form_class = AnnouncementForm
    list_url_name = "notices:announcement_list"

    def get(self, request, *args, **kwargs):
        if self.obj is not None and not self.obj.is_draft:
            return self._not_editable()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.obj is not None and not self.obj.is_draft:
            return self._not_editable()
        return super().post(request, *args, **kwargs)

    def _not_editable(self):
        messages.error(self.request, "只有草稿可以修改；已发布的通知请先撤回，再重新起草。")
        return HttpResponseRedirect(self.obj.get_absolute_url())

    def create(self, form):
        data = dict(form.cleaned_data)
        files = data.pop("new_attachments", [])
        return services.announcement_create(user=self.request.user, data=data, files=files)

    def update(self, obj, form):
        data = dict(form.cleaned_data)
        files = data.pop("new_attachments", [])
        remove = data.pop("remove_attachments", None) or []
        return services.announcement_update(
            user=self.request.user, announcement=obj, data=data, files=files, remove_attachments=remove
        )


@login_required
def announcement_detail(request, pk: int):
    user = request.user
    announcement = get_object_or_404(selectors.visible_announcements(user), pk=pk)
    services.announcement_mark_read(user=user, announcement=announcement)
    can_approve = _managed(user, announcement, "approve")
    can_view_receipts = announcement.status != AnnouncementStatus.DRAFT and _managed(user, announcement, "view")
    return render(
        request,
        "notices/announcement_detail.html",
        {
            "title": announcement.title,
            "announcement": announcement,
            "attachments": announcement.attachments.all(),
            "breadcrumbs": [("通知公告", reverse("notices:announcement_list")), (announcement.title, None)],
            "can_change": announcement.is_draft and _managed(user, announcement, "change"),
            "can_delete": announcement.is_draft and _managed(user, announcement, "delete"),
            "can_publish": announcement.is_draft and can_approve,
            "can_withdraw": announcement.status == AnnouncementStatus.PUBLISHED and can_approve,
            "can_view_receipts": can_view_receipts,
            "summary": selectors.receipt_summary(announcement) if can_view_receipts else None,
        },
    )


class AnnouncementActionView(ScopedViewMixin, View):
    """A confirmation page (GET) and the action (POST) on one announcement in the user's scope."""

    model = Announcement
    action = "approve"
    confirm_label = "确认"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.obj = self.get_object(self.action, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def context(self, form=None) -> dict:
        raise NotImplementedError

    def render_page(self, form=None):
        context = {"confirm_label": self.confirm_label, "cancel_url": self.obj.get_absolute_url(), "form": form}
        context.update(self.context(form))
        return render(self.request, "core/object_confirm.html", context)


class AnnouncementPublishView(AnnouncementActionView):
    confirm_label = "确认发布"

    def context(self, form=None):
        count = selectors.announcement_recipients(self.obj).exclude(pk=self.request.user.pk).count()
        warning = None
        if count == 0:
            warning = (
                "接收范围内目前没有启用的用户账号：发布后暂时无人收到站内消息，以后开通账号的用户仍能在通知公告中看到。"
            )
        return {
            "title": f"发布通知：{self.obj.title}",
            "question": f"确定发布「{self.obj.title}」吗？发布后将向接收范围（{self.obj.audience_label()}）内的 "
            f"{count} 名用户发送站内消息，留有邮箱的同时发送邮件。发布后不能修改，只能撤回。",
            "warning": warning,
        }

    def get(self, request, pk):
        if not self.obj.is_draft:
            messages.error(request, f"「{self.obj.title}」已经{self.obj.get_status_display()}，只有草稿可以发布。")
            return HttpResponseRedirect(self.obj.get_absolute_url())
        return self.render_page()

    def post(self, request, pk):
        try:
            services.announcement_publish(user=request.user, announcement=self.obj)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
            return HttpResponseRedirect(self.obj.get_absolute_url())
        messages.success(request, f"已发布「{self.obj.title}」。")
        return HttpResponseRedirect(self.obj.get_absolute_url())


class AnnouncementWithdrawView(AnnouncementActionView):
    confirm_label = "确认撤回"

    def context(self, form=None):
        return {
            "title": f"撤回通知：{self.obj.title}",
            "question": f"确定撤回「{self.obj.title}」吗？撤回后接收单位将不能再查看这条通知，发布记录和阅读回执保留。",
        }

    def get(self, request, pk):
        if self.obj.status != AnnouncementStatus.PUBLISHED:
            messages.error(
                request, f"「{self.obj.title}」当前为{self.obj.get_status_display()}，只有已发布的通知可以撤回。"
            )
            return HttpResponseRedirect(self.obj.get_absolute_url())
        return self.render_page(WithdrawForm())

    def post(self, request, pk):
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                services.announcement_withdraw(
                    user=request.user, announcement=self.obj, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                apply_form_errors(form, error)
            else:
                messages.success(request, f"已撤回「{self.obj.title}」。")
                return HttpResponseRedirect(self.obj.get_absolute_url())
        return self.render_page(form)


class AnnouncementDeleteView(ObjectDeleteView):
    model = Announcement
    list_url_name = "notices:announcement_list"

    def context(self):
        context = super().context()
        context["question"] = f"确定要删除草稿「{self.obj}」吗？删除后不能恢复，附件一并删除。"
        return context

    def delete(self, obj):
        services.announcement_delete(user=self.request.user, announcement=obj)


@login_required
def announcement_receipts(request, pk: int):
    """阅读回执: per recipient unit read / unread, and who has not read it yet (exportable)."""
    user = request.user
    exporting = request.GET.get("export") == "xlsx"
    action = "export" if exporting else "view"
    if not can(user, Announcement, action):
        if exporting:
            raise PermissionDenied("您没有导出权限，请联系安全管理员分配角色。")
        raise Http404(NOT_FOUND)
    announcement = get_object_or_404(selectors.managed_announcements(user, action), pk=pk)
    if announcement.is_draft:
        messages.info(request, "草稿尚未发布，还没有阅读回执。")
        return HttpResponseRedirect(announcement.get_absolute_url())
    unit = request.GET.get("unit")
    unit_id = int(unit) if unit and unit.isdigit() else None
    unread = selectors.unread_recipients(announcement, unit_id).select_related("department")
    if exporting:
        headers = ["姓名", "登录账号", "所属单位", "部门"]
        rows = (
            (u.display_name, u.username, u.org.name if u.org else "", u.department.name if u.department else "")
            for u in unread[:EXPORT_ROW_LIMIT].iterator(chunk_size=2000)
        )
        mark_operation(request, f"导出未读名单：{announcement.title}")
        return xlsx_response(write_xlsx(headers, rows, sheet="未读名单"), f"未读名单_{announcement.title[:40]}")
    table = UnreadRecipientTable(unread, request=request)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    query = request.GET.copy()
    query["export"] = "xlsx"
    query.pop("page", None)
    return render(
        request,
        "notices/announcement_receipts.html",
        {
            "title": f"阅读回执：{announcement.title}",
            "announcement": announcement,
            "summary": selectors.receipt_summary(announcement),
            "table": table,
            "unit_id": unit_id,
            "export_url": f"{request.path}?{query.urlencode()}" if can(user, Announcement, "export") else None,
            "breadcrumbs": [
                ("通知公告", reverse("notices:announcement_list")),
                (announcement.title, announcement.get_absolute_url()),
                ("阅读回执", None),
            ],
        },
    )


@login_required
def attachment_download(request, pk: int):
    """Files only through here, after the same check as the announcement itself; never a public URL."""
    visible = selectors.visible_announcements(request.user).values("pk")
    attachment = get_object_or_404(AnnouncementAttachment.objects.filter(announcement__in=visible), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("附件文件已丢失，请联系发布单位重新上传。") from None
    mark_operation(request, f"下载附件「{attachment.original_name}」")
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name)


# --- messages ---------------------------------------------------------------------------------


@login_required
@require_GET
def message_list(request):
    tab = "all" if request.GET.get("tab") == "all" else "unread"
    queryset = selectors.messages_for(request.user)
    if tab == "unread":
        queryset = queryset.filter(is_read=False)
    page = Paginator(queryset, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/message_list.html",
        {
            "title": "站内消息",
            "tab": tab,
            "page": page,
            "unread_count": selectors.unread_message_count(request.user),
            "breadcrumbs": [("站内消息", None)],
        },
    )


@login_required
@require_GET
def message_detail(request, pk: int):
    message = get_object_or_404(selectors.messages_for(request.user), pk=pk)
    message = services.message_mark_read(user=request.user, message=message)
    return render(
        request,
        "notices/message_detail.html",
        {
            "title": message.title,
            "message": message,
            "breadcrumbs": [("站内消息", reverse("notices:message_list")), (message.title, None)],
        },
    )


@login_required
@require_POST
def message_mark_all_read(request):
    count = services.message_mark_all_read(user=request.user)
    messages.success(request, f"已将 {count} 条消息标记为已读。" if count else "没有未读消息。")
    return HttpResponseRedirect(reverse("notices:message_list"))


@login_required
@require_GET
def unread_count(request):
    """HTMX fragment: the header badge (replaces #unread-count)."""
    count = selectors.unread_message_count(request.user)
    return render(request, "notices/_unread_badge.html", {"count": count})
