"""帮扶慰问 pages: campaigns (list, detail with totals by unit, edit), records (add, approve, list, export),
the beneficiary-list import (background job with the per-row report) and statistics by campaign, unit and kind.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from gonghui.core.forms import ScopedModelForm, apply_form_errors
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import ObjectDeleteView, ObjectEditView, ObjectListView
from gonghui.jobs import services as job_services
from gonghui.members.jobs import store_upload
from gonghui.orgs.models import Organization, OrgStatus
from gonghui.programmes import services_assistance as services
from gonghui.programmes.filtersets_hardship import AssistanceFilterSet, CampaignFilterSet
from gonghui.programmes.importing_assistance import COLUMNS as IMPORT_COLUMNS
from gonghui.programmes.models.assistance import (
    Assistance,
    AssistanceState,
    Campaign,
    CampaignKind,
    SchoolStage,
)
from gonghui.programmes.tables_hardship import AssistanceTable, CampaignTable
from gonghui.utilities.pii import mask_name
from gonghui.utilities.templates_xlsx import write_template

DATE = forms.DateInput(attrs={"type": "date"})
MONEY_FIELD = DecimalField(max_digits=16, decimal_places=2)
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _money(expression):
    return Coalesce(expression, Value(Decimal("0")), output_field=MONEY_FIELD)


def _totals():
    return {
        "people": Count("person_index", distinct=True),
        "records": Count("pk"),
        "cash": _money(Sum("cash_amount")),
        "in_kind": _money(Sum("in_kind_value")),
    }


def counted(queryset):
    """Records that count in totals: approved and pending (rejected ones do not)."""
    return queryset.exclude(state=AssistanceState.REJECTED)


# --- campaigns ----------------------------------------------------------------------------------


class CampaignForm(ScopedModelForm):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="发起单位")

    class Meta:
        model = Campaign
        fields = ["org", "name", "kind", "year", "starts_on", "ends_on", "budget", "participants", "description"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "participants": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.restrict(self.user, "view").exclude(status=OrgStatus.DISSOLVED).order_by("path")
        self.fields["org"].queryset = orgs
        self.fields["participants"].queryset = orgs
        standards = self.instance.standards if self.instance.pk else {}
        keys = {}
        for kind in CampaignKind.values:
            for key, label in services.standard_keys(kind):
                keys[key] = label
        for key, label in keys.items():
            hint = "金秋助学按就学阶段" if key in SchoolStage.values else "按困难类别"
            self.fields[f"std_{key}"] = forms.DecimalField(
                label=f"发放标准：{label}（元/人）",
                required=False,
                min_value=0,
                decimal_places=2,
                initial=(standards or {}).get(key),
                help_text=hint,
            )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        allowed = {key for key, _label in services.standard_keys(kind)} if kind else set()
        cleaned["standards"] = {
            key[4:]: value
            for key, value in cleaned.items()
            if key.startswith("std_") and value is not None and key[4:] in allowed
        }
        return cleaned

    def _post_clean(self):
        pass  # model validation runs in the service


class CampaignListView(ObjectListView):
    model = Campaign
    table_class = CampaignTable
    filterset_class = CampaignFilterSet
    title = "帮扶慰问活动"
    add_url_name = "programmes:campaign_add"
    export_filename = "帮扶慰问活动"
    empty_text = "没有符合条件的帮扶慰问活动。"

    def get_queryset(self, action):
        return (
            services.campaigns_for(self.request.user, action)
            .select_related("org")
            .annotate(
                people=Count("records__person_index", filter=~Q(records__state="rejected"), distinct=True),
                spent=_money(Sum("records__cash_amount", filter=~Q(records__state="rejected"))),
            )
        )


class CampaignEditView(ObjectEditView):
    model = Campaign
    form_class = CampaignForm
    list_url_name = "programmes:campaign_list"

    def create(self, form):
        return services.campaign_create(user=self.request.user, data=form.cleaned_data)

    def update(self, obj, form):
        return services.campaign_update(user=self.request.user, campaign=obj, data=form.cleaned_data)


class CampaignDeleteView(ObjectDeleteView):
    model = Campaign
    list_url_name = "programmes:campaign_list"

    def delete(self, obj):
        services.campaign_delete(user=self.request.user, campaign=obj)


def _campaign_or_404(user, pk: int) -> Campaign:
    return services.campaign_or_404(user, pk)


@login_required
@require_GET
def campaign_detail(request, pk: int):
    user = request.user
    campaign = _campaign_or_404(user, pk)
    records = Assistance.objects.restrict(user, "view").filter(campaign=campaign).select_related("org", "campaign")
    table = AssistanceTable(records, request=request, exclude=("campaign",))
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    totals = counted(records).aggregate(**_totals())
    by_unit = counted(records).values("org__name").annotate(**_totals()).order_by("-cash", "org__name")[:50]
    spent = totals["cash"] + totals["in_kind"]
    labels = dict(services.standard_keys(campaign.kind))
    return render(
        request,
        "programmes/hardship/campaign_detail.html",
        {
            "title": campaign.name,
            "campaign": campaign,
            "table": table,
            "totals": totals,
            "spent": spent,
            "over_budget": spent > campaign.budget,
            "by_unit": by_unit,
            "standards": [(labels.get(key, key), value) for key, value in (campaign.standards or {}).items()],
            "participants": campaign.participants.all(),
            "can_add": can(user, Assistance, "add"),
            "can_change": Campaign.objects.restrict(user, "change").filter(pk=campaign.pk).exists(),
            "can_delete": Campaign.objects.restrict(user, "delete").filter(pk=campaign.pk).exists(),
            "breadcrumbs": [("帮扶慰问活动", reverse("programmes:campaign_list")), (campaign.name, None)],
        },
    )


# --- records ------------------------------------------------------------------------------------


class AssistanceForm(forms.Form):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="发放单位")
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号码", max_length=30)
    phone = forms.CharField(label="手机号码", max_length=20, required=False)
    employer_name = forms.CharField(label="工作单位", max_length=100, required=False)
    school_stage = forms.ChoiceField(
        label="子女就学阶段", choices=[("", "（金秋助学必选）"), *SchoolStage.choices], required=False
    )
    cash_amount = forms.DecimalField(
        label="慰问金（元）", min_value=0, decimal_places=2, required=False, help_text="不填则按活动发放标准"
    )
    in_kind_value = forms.DecimalField(label="实物折价（元）", min_value=0, decimal_places=2, required=False)
    in_kind_items = forms.CharField(label="慰问物品", max_length=200, required=False)
    given_on = forms.DateField(label="发放日期", widget=DATE)
    note = forms.CharField(label="备注", max_length=300, required=False)

    def __init__(self, *args, user, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = (
            Organization.objects.restrict(user, "view")
            .filter(services.paying_unions_q(campaign))
            .exclude(status=OrgStatus.DISSOLVED)
            .order_by("path")
        )
        if campaign.kind != CampaignKind.STUDENT_AID:
            del self.fields["school_stage"]


@login_required
@require_http_methods(["GET", "POST"])
def assistance_add(request, pk: int):
    user = request.user
    if not can(user, Assistance, "add"):
        raise PermissionDenied("您没有登记帮扶慰问记录的权限。")
    campaign = _campaign_or_404(user, pk)
    initial = {"given_on": services.today(), "org": user.org_id}
    form = AssistanceForm(request.POST or None, user=user, campaign=campaign, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record, warning = services.assistance_create(user=user, campaign=campaign, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, f"已登记「{mask_name(record.name)}」的帮扶慰问，待审批。")
            if warning:
                messages.warning(request, warning)
            return HttpResponseRedirect(record.get_absolute_url())
    return render(
        request,
        "programmes/hardship/assistance_form.html",
        {
            "title": f"登记帮扶慰问：{campaign}",
            "form": form,
            "campaign": campaign,
            "breadcrumbs": [
                ("帮扶慰问活动", reverse("programmes:campaign_list")),
                (campaign.name, campaign.get_absolute_url()),
                ("登记", None),
            ],
        },
    )


class AssistanceListView(ObjectListView):
    model = Assistance
    table_class = AssistanceTable
    filterset_class = AssistanceFilterSet
    title = "帮扶慰问记录"
    export_filename = "帮扶慰问记录"
    empty_text = "没有符合条件的帮扶慰问记录。"

    def get_queryset(self, action):
        return self.restricted(action).select_related("org", "campaign")


def _record_or_404(user, pk: int, action: str = "view") -> Assistance:
    return get_restricted_or_404(
        Assistance.objects.select_related("org", "campaign", "hardship_file"), user, action, pk=pk
    )


@login_required
@require_GET
def assistance_detail(request, pk: int):
    user = request.user
    record = _record_or_404(user, pk)
    others = services.campaigns_in_year(record.person_index, record.given_on.year, exclude_pk=record.pk)
    return render(
        request,
        "programmes/hardship/assistance_detail.html",
        {
            "title": f"帮扶慰问：{mask_name(record.name)}",
            "record": record,
            "masked_name": mask_name(record.name),
            "others": others,
            "over_limit": len(others) + 1 > services.yearly_limit(),
            "limit": services.yearly_limit(),
            "hardship_visible": bool(
                record.hardship_file_id
                and record.hardship_file.__class__.objects.restrict(user, "view")
                .filter(pk=record.hardship_file_id)
                .exists()
            ),
            "can_decide": record.state == AssistanceState.PENDING
            and Assistance.objects.restrict(user, "approve").filter(pk=record.pk).exists(),
            "can_delete": record.state != AssistanceState.APPROVED
            and Assistance.objects.restrict(user, "delete").filter(pk=record.pk).exists(),
            "breadcrumbs": [
                ("帮扶慰问记录", reverse("programmes:assistance_list")),
                (record.campaign.name, record.campaign.get_absolute_url()),
                (mask_name(record.name), None),
            ],
        },
    )


@login_required
@require_POST
def assistance_decide(request, pk: int):
    user = request.user
    if not can(user, Assistance, "approve"):
        raise PermissionDenied("您没有审批帮扶慰问记录的权限。")
    record = _record_or_404(user, pk, "approve")
    approve = request.POST.get("decision") == "approve"
    try:
        services.assistance_decide(user=user, record=record, approve=approve, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, "已审批通过。" if approve else "已退回（不予通过）。")
    return HttpResponseRedirect(record.get_absolute_url())


class AssistanceDeleteView(ObjectDeleteView):
    model = Assistance
    list_url_name = "programmes:assistance_list"

    def delete(self, obj):
        services.assistance_delete(user=self.request.user, record=obj)


# --- import -------------------------------------------------------------------------------------


class ImportForm(forms.Form):
    org = forms.ModelChoiceField(queryset=Organization.objects.none(), label="发放单位")
    file = forms.FileField(label="名单文件", help_text="xlsx / xls / csv，不超过 20 MB；可先下载导入模板")

    def __init__(self, *args, user, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = (
            Organization.objects.restrict(user, "view").filter(services.paying_unions_q(campaign)).order_by("path")
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("文件超过 20 MB，请拆分后分批导入。")
        if not upload.name.lower().endswith((".xlsx", ".xls", ".csv", ".ods")):
            raise ValidationError("只能导入 xlsx、xls、csv 或 ods 格式的文件。")
        return upload


@login_required
@require_http_methods(["GET", "POST"])
def assistance_import(request, pk: int):
    user = request.user
    if not can(user, Assistance, "add"):
        raise PermissionDenied("您没有登记帮扶慰问记录的权限。")
    campaign = _campaign_or_404(user, pk)
    form = ImportForm(request.POST or None, request.FILES or None, user=user, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        upload = store_upload(form.cleaned_data["file"])
        job = job_services.job_submit(
            user=user,
            kind="programmes.assistance_import",
            title=f"导入帮扶慰问名单：{campaign.name}"[:200],
            params={
                "campaign_id": campaign.pk,
                "org_id": form.cleaned_data["org"].pk,
                "upload": upload,
                "filename": form.cleaned_data["file"].name[:200],
            },
        )
        messages.success(request, "名单已提交后台导入，完成后可在下载中心下载逐行导入结果。")
        return HttpResponseRedirect(reverse("jobs:job_detail", args=[job.pk]))
    return render(
        request,
        "programmes/hardship/assistance_import.html",
        {
            "title": f"导入帮扶慰问名单：{campaign}",
            "form": form,
            "campaign": campaign,
            "columns": IMPORT_COLUMNS,
            "breadcrumbs": [
                ("帮扶慰问活动", reverse("programmes:campaign_list")),
                (campaign.name, campaign.get_absolute_url()),
                ("导入名单", None),
            ],
        },
    )


@login_required
@require_GET
def assistance_template(request, pk: int):
    campaign = _campaign_or_404(request.user, pk)
    buffer = io.BytesIO()
    write_template(
        IMPORT_COLUMNS,
        buffer,
        title=f"{campaign.name} 帮扶慰问名单",
        notes=[
            "每人一行；同一活动每人只能领取一次（跨工会也会检查）。",
            "慰问金不填时按活动发放标准计算；金秋助学须填写就学阶段。",
            f"发放日期应在 {campaign.starts_on:%Y-%m-%d} 至 {campaign.ends_on:%Y-%m-%d} 之间。",
        ],
        choices={"school_stage": SchoolStage.labels},
    )
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''assistance_template.xlsx"
    return response


# --- statistics ---------------------------------------------------------------------------------


@login_required
@require_GET
def assistance_stats(request):
    user = request.user
    if not can(user, Assistance, "view"):
        raise PermissionDenied("您没有查看帮扶慰问记录的权限。")
    orgs = Organization.objects.restrict(user, "view")
    records = counted(Assistance.objects.restrict(user, "view"))
    root = None
    if request.GET.get("within"):
        root = orgs.filter(pk=request.GET["within"]).first()
        if root is None:
            raise Http404("单位不存在或不在您的数据权限范围内。")
    elif user.org_id and orgs.filter(pk=user.org_id).exists():
        root = user.org
    if root is not None:
        records = records.filter(org__path__subtree=root.path)
    year = request.GET.get("year")
    if year and year.isdigit():
        records = records.filter(given_on__year=int(year))
    kind_labels = dict(CampaignKind.choices)
    by_kind = [
        {**row, "label": kind_labels.get(row["campaign__kind"], "")}
        for row in records.values("campaign__kind").annotate(**_totals()).order_by("campaign__kind")
    ]
    by_campaign = records.values("campaign__pk", "campaign__name").annotate(**_totals()).order_by("-cash")[:100]
    units = []
    if root is not None:
        for child in Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1).order_by("path"):
            row = records.filter(org__path__subtree=child.path).aggregate(**_totals())
            units.append({"org": child, **row})
    return render(
        request,
        "programmes/hardship/assistance_stats.html",
        {
            "title": "帮扶慰问统计",
            "root": root,
            "year": year or "",
            "total": records.aggregate(**_totals()),
            "by_kind": by_kind,
            "by_campaign": by_campaign,
            "units": units,
            "breadcrumbs": [("帮扶慰问记录", reverse("programmes:assistance_list")), ("统计", None)],
        },
    )
