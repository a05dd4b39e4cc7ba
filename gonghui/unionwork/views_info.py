"""Information pages: submissions, adoptions, the ranking and the scoring rules."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonghui.core.exports import write_xlsx, xlsx_response
from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import ObjectDeleteView, ObjectEditView, ObjectListView
from gonghui.unionwork import selectors, services_info
from gonghui.unionwork.filtersets import (
    InfoItemFilterSet,
)
from gonghui.unionwork.forms import (
    InfoAdoptionForm,
    InfoItemForm,
    InfoScoreRuleForm,
)
from gonghui.unionwork.models import (
    InfoItem,
    InfoScoreRule,
)
from gonghui.unionwork.tables import (
    InfoItemTable,
    InfoScoreRuleTable,
)
from gonghui.unionwork.views_common import _error_message, _may, _require, _root_and_period


class InfoListView(ObjectListView):
    model = InfoItem
    table_class = InfoItemTable
    filterset_class = InfoItemFilterSet
    title = "信息报送"
    add_url_name = "unionwork:info_add"
    export_filename = "信息报送"
    empty_text = "没有符合条件的报送信息。"

    def get_queryset(self, action):
        return (
            self.restricted(action)
            .select_related("org")
            .annotate(adoption_count=Count("adoptions"), score_total=Sum("adoptions__score"))
        )


@login_required
def info_detail(request, pk: int):
    user = request.user
    item = get_restricted_or_404(InfoItem.objects.select_related("org"), user, "view", pk=pk)
    may_adopt = (
        _may(user, item, "approve")
        and user.org_id is not None
        and user.org_id != item.org_id
        and item.org.path.startswith(user.org.path)
    )
    return render(
        request,
        "unionwork/info_detail.html",
        {
            "title": item.title,
            "item": item,
            "adoptions": item.adoptions.all(),
            "form": InfoAdoptionForm() if may_adopt else None,
            "may_adopt": may_adopt,
            "can_change": _may(user, item, "change"),
            "can_delete": _may(user, item, "delete"),
            "breadcrumbs": [("信息报送", reverse("unionwork:info_list")), (item.title, None)],
        },
    )


@login_required
def info_attachment(request, pk: int):
    item = get_restricted_or_404(InfoItem, request.user, "view", pk=pk)
    if not item.attachment:
        raise Http404("没有附件。")
    return FileResponse(item.attachment.open("rb"), as_attachment=True, filename=item.attachment_name or "附件")


class InfoEditView(ObjectEditView):
    model = InfoItem
    form_class = InfoItemForm
    list_url_name = "unionwork:info_list"

    def initial(self):
        return {"submitted_on": timezone.localdate(), "org": self.request.user.org_id}

    def _data(self, form):
        data = dict(form.cleaned_data)
        if data.get("attachment") is None:
            data.pop("attachment", None)
        return data

    def create(self, form):
        return services_info.info_create(user=self.request.user, data=self._data(form))

    def update(self, obj, form):
        return services_info.info_update(user=self.request.user, item=obj, data=self._data(form))


class InfoDeleteView(ObjectDeleteView):
    model = InfoItem
    list_url_name = "unionwork:info_list"

    def delete(self, obj):
        services_info.info_delete(user=self.request.user, item=obj)


@login_required
@require_POST
def adoption_add(request, pk: int):
    user = request.user
    _require(user, InfoItem, "approve")
    item = get_restricted_or_404(InfoItem, user, "approve", pk=pk)
    form = InfoAdoptionForm(request.POST)
    if form.is_valid():
        try:
            adoption = services_info.adoption_add(user=user, item=item, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_message(error))
        else:
            messages.success(request, f"已登记「{adoption.adopter_name}」采用，得 {adoption.score} 分。")
    else:
        messages.error(request, "；".join(f"{form.fields[k].label}：{' '.join(v)}" for k, v in form.errors.items()))
    return HttpResponseRedirect(item.get_absolute_url())


@login_required
def adoption_remove(request, pk: int, adoption_pk: int):
    user = request.user
    _require(user, InfoItem, "approve")
    item = get_restricted_or_404(InfoItem, user, "approve", pk=pk)
    adoption = item.adoptions.filter(pk=adoption_pk).first()
    if adoption is None:
        raise Http404("采用记录不存在。")
    if request.method != "POST":
        return render(
            request,
            "core/object_confirm.html",
            {
                "title": "删除采用记录",
                "question": f"确定要删除「{adoption}」的采用记录吗？其得分将从排名中扣除。",
                "confirm_label": "确认删除",
                "cancel_url": item.get_absolute_url(),
            },
        )
    try:
        services_info.adoption_remove(user=user, adoption=adoption)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "已删除采用记录。")
    return HttpResponseRedirect(item.get_absolute_url())


@login_required
def info_ranking(request):
    user = request.user
    _require(user, InfoItem, "view")
    root, year, month, visible = _root_and_period(request, InfoItem)
    rows = selectors.info_ranking(user, root, year, month)
    if request.GET.get("export") == "xlsx":
        _require(user, InfoItem, "export")
        mark_operation(request, f"导出信息报送排名（{root.name} {year}年{month}月）")
        content = write_xlsx(selectors.RANKING_HEADERS, selectors.ranking_rows_for_export(rows), sheet="信息报送排名")
        return xlsx_response(content, f"信息报送排名_{root.name}_{year}年{month}月")
    return render(
        request,
        "unionwork/info_ranking.html",
        {
            "title": "信息报送统计排名",
            "rows": rows,
            "root": root,
            "year": year,
            "month": month,
            "months": range(1, 13),
            "monthly": selectors.monthly_counts(user, root, year),
            "units": visible.filter(depth__lt=root.depth + 2).order_by("path")[:300],
            "can_export": can(user, InfoItem, "export"),
            "breadcrumbs": [("信息报送", reverse("unionwork:info_list")), ("统计排名", None)],
        },
    )


class RuleListView(ObjectListView):
    model = InfoScoreRule
    table_class = InfoScoreRuleTable
    title = "信息采用计分规则"
    add_url_name = "unionwork:rule_add"
    export_filename = "信息采用计分规则"
    empty_text = "尚未设置计分规则；没有规则时无法登记采用。"

    def get_queryset(self, action):
        return self.restricted(action).select_related("org")

    def extra_context(self):
        return {
            "can_change": can(self.request.user, InfoScoreRule, "change"),
            "can_delete": can(self.request.user, InfoScoreRule, "delete"),
        }


class RuleEditView(ObjectEditView):
    model = InfoScoreRule
    form_class = InfoScoreRuleForm
    list_url_name = "unionwork:rule_list"

    def create(self, form):
        return services_info.rule_create(user=self.request.user, data=form.cleaned_data)

    def update(self, obj, form):
        return services_info.rule_update(user=self.request.user, rule=obj, data=form.cleaned_data)


class RuleDeleteView(ObjectDeleteView):
    model = InfoScoreRule
    list_url_name = "unionwork:rule_list"

    def delete(self, obj):
        services_info.rule_delete(user=self.request.user, rule=obj)
