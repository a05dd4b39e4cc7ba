"""统计年报 pages: campaigns (布置), the list of returns, one return to compile, correct, fill in, submit and
review, its sub-units' status (who is missing), and the xlsx of the form. Thin: parse, call a selector or
service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View
from django.views.decorators.http import require_POST

from gonghui.core.exports import xlsx_response
from gonghui.core.forms import apply_form_errors
from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import ObjectListView, ScopedViewMixin
from gonghui.reports import returns as forms
from gonghui.reports import selectors_returns as selectors
from gonghui.reports import services_returns as services
from gonghui.reports.forms_returns import CampaignOpenForm, ReturnBackForm, ReviewForm
from gonghui.reports.models import CampaignStatus, ReturnCampaign, ReturnStatus, UnitReturn
from gonghui.reports.tables_returns import CampaignTable, UnitReturnFilterSet, UnitReturnTable
from gonghui.reports.xlsx_returns import children_xlsx, return_xlsx

LIST_TITLE = "统计年报"
CAMPAIGN_TITLE = "年报任务"
PEOPLE_FIELDS = ("preparer_name", "preparer_phone", "head_name", "missing_note")


def _errors(error: Exception) -> str:
    return "；".join(getattr(error, "messages", None) or [str(error)])


def _may(user, ret: UnitReturn, action: str) -> bool:
    return UnitReturn.objects.restrict(user, action).filter(pk=ret.pk).exists()


# --- campaigns -------------------------------------------------------------------------------------------


class CampaignListView(ObjectListView):
    model = ReturnCampaign
    table_class = CampaignTable
    template_name = "reports/returns/campaign_list.html"
    title = CAMPAIGN_TITLE
    export_filename = "统计年报任务"
    empty_text = "还没有布置统计年报。"

    def get_queryset(self, action):
        return selectors.campaigns_for(self.request.user, action)

    def extra_context(self):
        user = self.request.user
        return {"open_url": reverse("reports:campaign_open") if can(user, ReturnCampaign, "add") else None}


class CampaignOpenView(ScopedViewMixin, View):
    """布置统计年报."""

    model = ReturnCampaign

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.require("add")
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form):
        return render(
            self.request,
            "core/object_edit.html",
            {
                "title": "布置统计年报",
                "form": form,
                "cancel_url": reverse("reports:campaign_list"),
                "breadcrumbs": [(CAMPAIGN_TITLE, reverse("reports:campaign_list")), ("布置统计年报", None)],
            },
        )

    def get(self, request):
        return self.render_form(CampaignOpenForm(user=request.user))

    def post(self, request):
        form = CampaignOpenForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = services.campaign_open(user=request.user, **data)
            except ValidationError as error:
                apply_form_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"已布置「{campaign}」，共 {campaign.returns.count()} 个单位需填报。")
                return HttpResponseRedirect(campaign.get_absolute_url())
        return self.render_form(form)


@login_required
def campaign_detail(request, pk: int):
    campaign = get_restricted_or_404(ReturnCampaign.objects.select_related("org"), request.user, "view", pk=pk)
    returns = selectors.returns_for(request.user).filter(campaign=campaign)
    own = returns.filter(org=campaign.org).first()
    late = [ret for ret in returns.exclude(status=ReturnStatus.ACCEPTED).order_by("org__path")[:200] if ret.is_late]
    return render(
        request,
        "reports/returns/campaign_detail.html",
        {
            "title": str(campaign),
            "campaign": campaign,
            "counts": selectors.status_counts(returns),
            "total": returns.count(),
            "own": own,
            "late": late,
            "list_url": f"{reverse('reports:return_list')}?campaign={campaign.pk}",
            "can_close": campaign.status == CampaignStatus.OPEN
            and ReturnCampaign.objects.restrict(request.user, "change").filter(pk=campaign.pk).exists(),
            "breadcrumbs": [(CAMPAIGN_TITLE, reverse("reports:campaign_list")), (str(campaign), None)],
        },
    )


@login_required
@require_POST
def campaign_close(request, pk: int):
    campaign = get_restricted_or_404(ReturnCampaign, request.user, "change", pk=pk)
    try:
        services.campaign_close(user=request.user, campaign=campaign)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, f"「{campaign}」已结束，各单位不能再修改年报。")
    return HttpResponseRedirect(campaign.get_absolute_url())


# --- returns ---------------------------------------------------------------------------------------------


class ReturnListView(ObjectListView):
    model = UnitReturn
    table_class = UnitReturnTable
    filterset_class = UnitReturnFilterSet
    title = LIST_TITLE
    export_filename = "统计年报填报情况"
    empty_text = "没有符合条件的统计年报。"

    def get_queryset(self, action):
        return selectors.returns_for(self.request.user, action)


def _detail(request, ret: UnitReturn, errors: dict | None = None, posted=None):
    user = request.user
    editable = ret.is_editable and ret.campaign.status == CampaignStatus.OPEN and _may(user, ret, "change")
    reviewer = services.may_review(user, ret)
    form = forms.FORMS[ret.form]
    errors = errors or {}
    sections = selectors.return_rows(ret)
    for _section, rows in sections:
        for row in rows:
            row.error = " ".join(errors.get(f"value_{row.field.code}", []))
            row.posted_value = posted.get(f"value_{row.field.code}") if posted is not None else None
            row.posted_reason = posted.get(f"reason_{row.field.code}") if posted is not None else None
    children = selectors.children_status(ret) if ret.form == forms.ABOVE_FORM.key else None
    people = {name: (posted.get(name) if posted is not None else getattr(ret, name)) for name in PEOPLE_FIELDS}
    return render(
        request,
        "reports/returns/return_detail.html",
        {
            "title": f"{ret.org.name} {ret.campaign.year}年{form.title}",
            "ret": ret,
            "form_def": form,
            "sections": sections,
            "editable": editable,
            "people": people,
            "general_errors": [
                message for key, items in errors.items() if not key.startswith("value_") for message in items
            ],
            "children": children,
            "log": selectors.return_log(ret),
            "can_accept": reviewer and ret.status == ReturnStatus.SUBMITTED,
            "can_return": reviewer and ret.status in (ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED),
            "can_export": _may(user, ret, "export") or _may(user, ret, "change"),
            "can_urge": ret.campaign.status == CampaignStatus.OPEN and _may(user, ret, "change"),
            "breadcrumbs": [
                (LIST_TITLE, reverse("reports:return_list")),
                (f"{ret.org.name} {ret.campaign.year}年", None),
            ],
        },
        status=422 if errors else 200,
    )


def _get_return(request, pk: int, action: str = "view") -> UnitReturn:
    queryset = UnitReturn.objects.select_related("org", "campaign", "campaign__org")
    return get_restricted_or_404(queryset, request.user, action, pk=pk)


def _entries(post) -> dict[str, dict[str, str]]:
    entries = {}
    for key, value in post.items():
        if key.startswith("value_"):
            code = key[len("value_") :]
            entries[code] = {"value": value, "reason": post.get(f"reason_{code}", "")}
    return entries


@login_required
def return_detail(request, pk: int):
    ret = _get_return(request, pk)
    if request.method != "POST":
        return _detail(request, ret)
    if not _may(request.user, ret, "change"):
        raise PermissionDenied("您没有修改该年报的权限。")
    action = request.POST.get("action", "save")
    try:
        if action == "compile":
            ret = services.return_compile(user=request.user, unit_return=ret)
            messages.success(request, "已按最新业务记录重新计算，更正过的数值保持不变。")
        else:
            people = {name: request.POST.get(name, "") for name in PEOPLE_FIELDS}
            with transaction.atomic():  # a refused submission saves nothing either
                ret = services.return_save(
                    user=request.user, unit_return=ret, entries=_entries(request.POST), people=people
                )
                if action == "submit":
                    ret = services.return_submit(user=request.user, unit_return=ret)
            messages.success(request, "年报已上报，等待上级单位审核。" if action == "submit" else "已保存。")
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"entries": error.messages}
        ret = _get_return(request, pk)
        return _detail(request, ret, errors, request.POST)
    except PermissionDenied as error:
        messages.error(request, str(error))
    return HttpResponseRedirect(ret.get_absolute_url())


class _ReviewView(ScopedViewMixin, View):
    model = UnitReturn
    form_class = ReviewForm
    verb = ""
    question = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.require("approve")
        self.ret = _get_return(request, kwargs["pk"], "approve")
        if not services.may_review(request.user, self.ret):
            raise PermissionDenied(f"只有「{self.ret.org.name}」的上级单位可以审核其年报。")
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form):
        return render(
            self.request,
            "reports/returns/review.html",
            {
                "title": f"{self.verb}：{self.ret}",
                "ret": self.ret,
                "form": form,
                "verb": self.verb,
                "question": self.question.format(ret=self.ret),
                "breadcrumbs": [
                    (LIST_TITLE, reverse("reports:return_list")),
                    (str(self.ret), self.ret.get_absolute_url()),
                    (self.verb, None),
                ],
            },
        )

    def get(self, request, pk):
        return self.render_form(self.form_class())

    def post(self, request, pk):
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.act(form.cleaned_data["comment"])
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, _errors(error))
            else:
                messages.success(request, f"已{self.verb}「{self.ret}」。")
                return HttpResponseRedirect(self.ret.get_absolute_url())
        return self.render_form(form)


class ReturnAcceptView(_ReviewView):
    verb = "审核通过"
    question = "确定审核通过「{ret}」吗？通过后该年报锁定，其数据（含更正）计入上级单位的汇总。"

    def act(self, comment):
        services.return_accept(user=self.request.user, unit_return=self.ret, comment=comment)


class ReturnBackView(_ReviewView):
    form_class = ReturnBackForm
    verb = "退回"
    question = "确定退回「{ret}」吗？退回后单位可修改并重新上报。"

    def act(self, comment):
        services.return_return(user=self.request.user, unit_return=self.ret, comment=comment)


@login_required
def return_export(request, pk: int):
    ret = _get_return(request, pk)
    if not (_may(request.user, ret, "export") or _may(request.user, ret, "change")):
        raise PermissionDenied("您没有导出该年报的权限。")
    if ret.status == ReturnStatus.NOT_STARTED:
        messages.error(request, "该年报尚未计算，请先打开并计算后再导出。")
        return HttpResponseRedirect(ret.get_absolute_url())
    mark_operation(request, f"导出统计年报：{ret}")
    form = forms.FORMS[ret.form]
    return xlsx_response(return_xlsx(ret), f"{ret.org.name}_{ret.campaign.year}年{form.title}")


@login_required
def return_children_export(request, pk: int):
    """下级汇总表 of an above-grassroots return."""
    ret = _get_return(request, pk)
    if ret.form != forms.ABOVE_FORM.key:
        raise Http404("基层工会统计表没有下级汇总表。")
    if not (_may(request.user, ret, "export") or _may(request.user, ret, "change")):
        raise PermissionDenied("您没有导出该年报的权限。")
    mark_operation(request, f"导出统计年报下级汇总表：{ret}")
    return xlsx_response(children_xlsx(ret), f"{ret.org.name}_{ret.campaign.year}年统计年报下级汇总表")


@login_required
@require_POST
def return_urge(request, pk: int):
    """催报 the sub-units that have not submitted."""
    ret = _get_return(request, pk, "change")
    try:
        count = services.return_urge(user=request.user, unit_return=ret)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, f"已向 {count} 个未上报的下级单位发送催报消息。")
    return HttpResponseRedirect(ret.get_absolute_url())
