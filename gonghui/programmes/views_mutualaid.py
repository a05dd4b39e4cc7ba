"""职工互助保障 pages: plans, enrolments (one by one and from Excel), payments, claims with their review page
(rule checks, approve / reject / pay), the overdue list, the figures, and the member's phone pages (no login).

Privacy: claim lists show masked names only; the claim page is logged on every view; health details, the bank
account and the document photos need ``programmes.view_claim_health`` over the claim; exports ask for a reason
that goes into the operation log. The phone pages never echo an ID number or phone number back: between the
two steps they travel in an encrypted, time-limited ticket (a hidden POST field, never the URL or the session).
"""

from __future__ import annotations

import datetime
import json
import time
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.core.exports import write_xlsx, xlsx_response
from gonghui.core.forms import apply_form_errors
from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import EXPORT_ROW_LIMIT, ObjectDeleteView, ObjectEditView, ObjectListView
from gonghui.members.views_join import THROTTLED, throttled
from gonghui.orgs.models import Organization
from gonghui.programmes import selectors_mutualaid as selectors
from gonghui.programmes import services_mutualaid as services
from gonghui.programmes.forms_mutualaid import (
    AgentClaimForm,
    ApproveForm,
    CancelForm,
    ClaimFilterSet,
    DocumentsForm,
    EnrolmentFilterSet,
    EnrolmentForm,
    EnrolmentImportForm,
    ExportReasonForm,
    IdentifyForm,
    PayForm,
    PaymentForm,
    PlanFilterSet,
    PlanForm,
    PublicClaimForm,
    RejectForm,
    StartClaimForm,
)
from gonghui.programmes.models.mutualaid import (
    ClaimState,
    EnrolmentStatus,
    MutualAidClaim,
    MutualAidEnrolment,
    MutualAidPayment,
    MutualAidPlan,
    PlanKind,
)
from gonghui.programmes.tables_mutualaid import ClaimTable, EnrolmentTable, PlanTable
from gonghui.utilities.importing import SpreadsheetError
from gonghui.utilities.pii import DecryptionError, decrypt, encrypt, mask_name

PLANS = "programmes:mutualaid_plan_list"
CLAIMS = "programmes:mutualaid_claim_list"
CRUMB = ("互助保障计划", None)


def _crumbs(*items):
    return [("互助保障计划", reverse(PLANS)), *items]


# --- plans --------------------------------------------------------------------------------------------


class PlanListView(ObjectListView):
    model = MutualAidPlan
    table_class = PlanTable
    filterset_class = PlanFilterSet
    title = "互助保障计划"
    add_url_name = "programmes:mutualaid_plan_add"
    export_filename = "互助保障计划"
    empty_text = "还没有互助保障计划。"

    def get_queryset(self, action):
        return selectors.plans_for(self.request.user, action)


@login_required
def plan_detail(request, pk: int, payment_form=None):
    user = request.user
    plan = selectors.plan_or_404(user, pk)
    enrolments = selectors.enrolments_for(user).filter(plan=plan, status=EnrolmentStatus.ACTIVE)
    by_union = list(
        enrolments.values("org__name", "org_id")
        .annotate(n=Count("pk"), premium=Sum("premium"))
        .order_by("org__path")[:200]
    )
    plan_payments = selectors.payments_for(user).filter(plan=plan)
    payments = list(plan_payments[:100])
    claims = selectors.claims_for(user).filter(plan=plan)
    states = dict(claims.values_list("state").annotate(n=Count("pk")).order_by())
    return render(
        request,
        "programmes/mutualaid/plan_detail.html",
        {
            "title": plan.name,
            "plan": plan,
            "breadcrumbs": _crumbs((plan.name, None)),
            "enrolled": enrolments.count(),
            "by_union": by_union,
            "payments": payments,
            "paid_premium": plan_payments.aggregate(total=Sum("amount"))["total"] or 0,
            "payment_count": plan_payments.count(),
            "states": [(label, states.get(value, 0), value) for value, label in ClaimState.choices],
            "can_change": MutualAidPlan.objects.restrict(user, "change").filter(pk=pk).exists(),
            "can_delete": MutualAidPlan.objects.restrict(user, "delete").filter(pk=pk).exists(),
            "can_enrol": can(user, MutualAidEnrolment, "add") and plan.status == "open",
            "can_pay": can(user, MutualAidPayment, "add"),
            "can_delete_payment": can(user, MutualAidPayment, "delete"),
            "payment_form": payment_form or PaymentForm(user=user, initial={"paid_on": timezone.localdate()}),
        },
    )


class PlanEditView(ObjectEditView):
    model = MutualAidPlan
    form_class = PlanForm
    list_url_name = PLANS

    def initial(self):
        year = timezone.localdate().year
        return {
            "period_start": datetime.date(year, 1, 1),
            "period_end": datetime.date(year, 12, 31),
            "kind": PlanKind.INPATIENT,
            "waiting_days": 90,
            "claim_window_days": 180,
            "review_days": 15,
            "payment_days": 10,
        }

    def create(self, form):
        return services.plan_create(user=self.request.user, data=form.cleaned_data)

    def update(self, obj, form):
        return services.plan_update(user=self.request.user, plan=obj, data=form.cleaned_data)


class PlanDeleteView(ObjectDeleteView):
    model = MutualAidPlan
    list_url_name = PLANS

    def delete(self, obj):
        services.plan_delete(user=self.request.user, plan=obj)


@login_required
@require_POST
def payment_add(request, pk: int):
    if not can(request.user, MutualAidPayment, "add"):
        raise PermissionDenied("您没有登记缴费的权限。")
    plan = selectors.plan_or_404(request.user, pk)
    form = PaymentForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.payment_create(user=request.user, plan=plan, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, "已登记缴费。")
            return HttpResponseRedirect(plan.get_absolute_url() + "#payments")
    return plan_detail(request, pk, payment_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def payment_delete(request, pk: int, payment_pk: int):
    if not can(request.user, MutualAidPayment, "delete"):
        raise PermissionDenied("您没有删除缴费记录的权限。")
    plan = selectors.plan_or_404(request.user, pk)
    payment = get_restricted_or_404(MutualAidPayment, request.user, "delete", pk=payment_pk, plan=plan)
    if request.method == "POST":
        services.payment_delete(user=request.user, payment=payment)
        messages.success(request, "已删除缴费记录。")
        return HttpResponseRedirect(plan.get_absolute_url() + "#payments")
    return render(
        request,
        "core/object_confirm.html",
        {
            "title": "删除缴费记录",
            "question": f"确定要删除「{payment}」吗？删除后不能恢复。",
            "confirm_label": "确认删除",
            "cancel_url": plan.get_absolute_url(),
        },
    )


# --- enrolments ---------------------------------------------------------------------------------------


class EnrolmentListView(ObjectListView):
    model = MutualAidEnrolment
    table_class = EnrolmentTable
    filterset_class = EnrolmentFilterSet
    title = "互助保障参保名单"
    export_filename = "互助保障参保名单"
    empty_text = "没有符合条件的参保记录。"

    def get_queryset(self, action):
        return self.restricted(action).select_related("plan", "org", "member")


def _plan_for_enrolment(request, pk: int) -> MutualAidPlan:
    if not can(request.user, MutualAidEnrolment, "add"):
        raise PermissionDenied("您没有登记参保的权限。")
    return get_restricted_or_404(MutualAidPlan, request.user, "view", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_add(request, pk: int):
    plan = _plan_for_enrolment(request, pk)
    form = EnrolmentForm(request.POST or None, user=request.user, initial={"org": request.user.org_id})
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrolment_create(
                user=request.user,
                plan=plan,
                org=form.cleaned_data["org"],
                id_number=form.cleaned_data["id_number"],
                coverage_start=form.cleaned_data["coverage_start"],
            )
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, f"已为{enrolment.name}登记参保。")
            return HttpResponseRedirect(reverse("programmes:mutualaid_enrolment_add", args=[plan.pk]))
    return render(
        request,
        "programmes/mutualaid/form.html",
        {
            "title": f"登记参保：{plan}",
            "form": form,
            "cancel_url": plan.get_absolute_url(),
            "breadcrumbs": _crumbs((plan.name, plan.get_absolute_url()), ("登记参保", None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_import(request, pk: int):
    plan = _plan_for_enrolment(request, pk)
    form = EnrolmentImportForm(request.POST or None, request.FILES or None, user=request.user)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = services.enrolment_import(
                user=request.user, plan=plan, org=form.cleaned_data["org"], file=upload, filename=upload.name
            )
        except SpreadsheetError as error:
            form.add_error("file", error.message)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            mark_operation(request, f"导入互助保障参保名单：{plan}（{report.summary()}）")
    return render(
        request,
        "programmes/mutualaid/import.html",
        {
            "title": f"导入参保名单：{plan}",
            "plan": plan,
            "form": form,
            "report": report,
            "notes": services.IMPORT_NOTES,
            "breadcrumbs": _crumbs((plan.name, plan.get_absolute_url()), ("导入参保名单", None)),
        },
    )


@login_required
def enrolment_template(request):
    if not can(request.user, MutualAidEnrolment, "add"):
        raise PermissionDenied("您没有登记参保的权限。")
    from gonghui.utilities.templates_xlsx import write_template

    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('互助保障参保名单导入模板.xlsx')}"
    write_template(services.IMPORT_COLUMNS, response, title="互助保障参保名单导入模板", notes=services.IMPORT_NOTES)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_cancel(request, pk: int):
    if not can(request.user, MutualAidEnrolment, "change"):
        raise PermissionDenied("您没有办理退保的权限。")
    enrolment = get_restricted_or_404(selectors.enrolments_for(request.user, "change"), request.user, "change", pk=pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_cancel(user=request.user, enrolment=enrolment, reason=form.cleaned_data["cancel_reason"])
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, f"已为{enrolment.name}办理退保。")
            return HttpResponseRedirect(enrolment.plan.get_absolute_url())
    return render(
        request,
        "programmes/mutualaid/form.html",
        {
            "title": f"退保：{enrolment}",
            "question": "退保后该职工在本期计划中不再享受保障，已提交的理赔须先办结。",
            "form": form,
            "submit_label": "确认退保",
            "cancel_url": enrolment.plan.get_absolute_url(),
            "breadcrumbs": _crumbs((enrolment.plan.name, enrolment.plan.get_absolute_url()), ("退保", None)),
        },
    )


# --- claims -------------------------------------------------------------------------------------------


class ClaimListView(ObjectListView):
    model = MutualAidClaim
    table_class = ClaimTable
    filterset_class = ClaimFilterSet
    title = "互助保障理赔申请"
    template_name = "programmes/mutualaid/claim_list.html"
    add_url_name = "programmes:mutualaid_claim_add"
    export_filename = None  # exports are POSTed with a reason (claim_export)
    empty_text = "没有符合条件的理赔申请。"

    def get_queryset(self, action):
        return selectors.claims_for(self.request.user, action)

    def extra_context(self):
        return {
            "export_form": ExportReasonForm() if can(self.request.user, MutualAidClaim, "export") else None,
            "query": self.request.GET.urlencode(),
            "overdue_url": reverse("programmes:mutualaid_claim_overdue"),
        }


@login_required
@require_POST
def claim_export(request):
    """Claims to xlsx (masked names, no health details), only with a stated reason, which is logged."""
    if not can(request.user, MutualAidClaim, "export"):
        raise PermissionDenied("您没有导出理赔申请的权限。")
    form = ExportReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(form.errors["reason"]))
        return HttpResponseRedirect(f"{reverse(CLAIMS)}?{request.POST.get('query', '')}")
    query = QueryDict(request.POST.get("query", ""))
    filterset = ClaimFilterSet(query or None, queryset=selectors.claims_for(request.user, "export"), request=request)
    rows = filterset.qs.order_by("-submitted_at")[:EXPORT_ROW_LIMIT]
    headers = [
        "申请编号",
        "职工",
        "计划",
        "参保工会",
        "申请方式",
        "状态",
        "提交时间",
        "核定金额(元)",
        "支付日期",
        "审核意见",
    ]
    data = (
        [
            c.claim_no,
            mask_name(c.enrolment.name),
            str(c.plan),
            c.org.name,
            c.get_source_display(),
            c.get_state_display(),
            c.submitted_at,
            c.approved_amount,
            c.paid_on,
            c.decision_note,
        ]
        for c in rows
    )
    content = write_xlsx(headers, data, sheet="理赔申请")
    mark_operation(request, f"导出互助保障理赔申请（{filterset.qs.count()} 条），原因：{form.cleaned_data['reason']}")
    return xlsx_response(content, "互助保障理赔申请")


def _claim_or_404(request, pk: int, action: str = "view") -> MutualAidClaim:
    return get_restricted_or_404(selectors.claims_for(request.user, action), request.user, action, pk=pk)


@login_required
def claim_detail(request, pk: int, forms: dict | None = None):
    user = request.user
    claim = _claim_or_404(request, pk)
    show_health = selectors.may_view_health(user, claim)
    health = claim.reveal_health() if show_health else None
    assessment = services.assess(claim, disease=health["disease"] if health else None)
    may_approve = MutualAidClaim.objects.restrict(user, "approve").filter(pk=pk).exists()
    may_change = MutualAidClaim.objects.restrict(user, "change").filter(pk=pk).exists()
    forms = forms or {}
    today = timezone.localdate()
    steps = []
    if may_approve and claim.state == ClaimState.SUBMITTED:
        steps += ["approve", "reject"]
        forms.setdefault("approve", ApproveForm(initial={"approved_amount": assessment.suggested}))
        forms.setdefault("reject", RejectForm(initial={"decision_note": _rejection_text(assessment)}))
    if may_approve and claim.state == ClaimState.APPROVED:
        steps.append("pay")
        forms.setdefault("pay", PayForm(initial={"paid_on": today}))
    if may_change and show_health and claim.state == ClaimState.SUBMITTED:
        steps.append("documents")
        forms.setdefault("documents", DocumentsForm())
    mark_operation(request, f"查看互助保障理赔 {claim.claim_no}" + ("（含健康信息）" if show_health else ""))
    response = render(
        request,
        "programmes/mutualaid/claim_detail.html",
        {
            "title": f"理赔申请 {claim.claim_no}",
            "claim": claim,
            "member": claim.enrolment.member,
            "health": health,
            "bank_account": claim.reveal_bank_account() if show_health else claim.bank_account_masked,
            "documents": list(claim.documents.all()) if show_health else [],
            "document_count": claim.documents.count(),
            "assessment": assessment,
            "steps": steps,
            "forms": forms,
            "overdue": claim.is_overdue(today),
            "breadcrumbs": [("理赔申请", reverse(CLAIMS)), (claim.claim_no, None)],
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _rejection_text(assessment) -> str:
    return "；".join(f"{check.label}未通过：{check.detail}" for check in assessment.failures)[:300]


@login_required
@require_POST
def claim_step(request, pk: int, step: str):
    user = request.user
    if not can(user, MutualAidClaim, "change" if step == "documents" else "approve"):
        raise PermissionDenied("您没有审核理赔的权限。")
    claim = _claim_or_404(request, pk, "change" if step == "documents" else "approve")
    form_class = {"approve": ApproveForm, "reject": RejectForm, "pay": PayForm, "documents": DocumentsForm}.get(step)
    if form_class is None:
        raise Http404("没有这个办理环节。")
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if step == "approve":
                services.claim_approve(
                    user=user, claim=claim, amount=data["approved_amount"], note=data["decision_note"]
                )
                done = "已核准，等待支付。"
            elif step == "reject":
                services.claim_reject(user=user, claim=claim, reason=data["decision_note"])
                done = "已作出不予赔付决定，职工可在手机上查看原因。"
            elif step == "pay":
                services.claim_pay(user=user, claim=claim, paid_on=data["paid_on"], reference=data["payment_reference"])
                done = "已登记支付。"
            else:
                if not selectors.may_view_health(user, claim):
                    raise PermissionDenied("您没有查看理赔健康信息的权限，不能补充材料。")
                services.claim_add_documents(
                    user=user, claim=claim, documents=[(data["kind"], upload) for upload in data["files"]]
                )
                done = "已补充材料。"
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, done)
            return HttpResponseRedirect(claim.get_absolute_url())
    return claim_detail(request, pk, forms={step: form})


@login_required
def claim_document(request, pk: int, document_pk: int):
    claim = _claim_or_404(request, pk)
    document = selectors.document_for(request.user, claim, document_pk)
    if document is None:
        raise Http404("材料不存在或您没有查看理赔健康信息的权限。")
    mark_operation(request, f"查看互助保障理赔材料：{claim.claim_no} {document.get_kind_display()}")
    response = FileResponse(document.file.open("rb"), filename=document.original_name or None)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def claim_add(request):
    """工会代办: the agent enters a claim for an enrolled member, with the document photos."""
    user = request.user
    if not can(user, MutualAidClaim, "add"):
        raise PermissionDenied("您没有代办理赔申请的权限。")
    form = AgentClaimForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim = services.claim_create_agent(
                user=user, plan=data["plan"], id_number=data["id_number"], data=data, documents=form.documents()
            )
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, f"已提交理赔申请 {claim.claim_no}。")
            return HttpResponseRedirect(claim.get_absolute_url())
    return render(
        request,
        "programmes/mutualaid/form.html",
        {
            "title": "代办理赔申请",
            "form": form,
            "multipart": True,
            "cancel_url": reverse(CLAIMS),
            "breadcrumbs": [("理赔申请", reverse(CLAIMS)), ("代办理赔申请", None)],
        },
    )


class OverdueClaimListView(ObjectListView):
    """超时预警: claims past (or within three days of) their review or payment deadline."""

    model = MutualAidClaim
    table_class = ClaimTable
    title = "理赔超时预警"
    empty_text = "没有超时或临近时限的理赔申请。"

    def get_queryset(self, action):
        return selectors.overdue_claims(self.request.user, timezone.localdate(), action)

    def extra_context(self):
        return {"breadcrumbs": [("理赔申请", reverse(CLAIMS)), (self.title, None)]}


# --- figures ------------------------------------------------------------------------------------------


def _figure_unit(request) -> Organization:
    user = request.user
    visible = Organization.objects.restrict(user, "view")
    pk = request.GET.get("within")
    if pk:
        unit = visible.filter(pk=pk).first() if str(pk).isdigit() else None
        if unit is None:
            raise Http404("单位不存在或不在您的数据权限范围内。")
        return unit
    if user.org_id and visible.filter(pk=user.org_id).exists():
        return user.org
    unit = visible.order_by("depth", "path").first()
    if unit is None:
        raise PermissionDenied("您的账号没有可查看的单位。")
    return unit


FIGURE_HEADERS = [
    "",
    "参保人数",
    "理赔申请",
    "理赔率",
    "已审核",
    "核准",
    "核准率",
    "已支付",
    "平均办结天数",
    "赔付金额(元)",
]


def _figure_cells(row) -> list:
    def pct(value):
        return "" if value is None else f"{value * 100:.2f}%"

    return [
        row.label,
        row.enrolled,
        row.claims,
        pct(row.claims_rate),
        row.decided,
        row.granted,
        pct(row.approval_rate),
        row.paid,
        "" if row.average_days is None else float(row.average_days),
        float(row.paid_amount),
    ]


@login_required
def figures(request):
    user = request.user
    if not can(user, MutualAidClaim, "view"):
        raise PermissionDenied("您没有查看互助保障统计的权限。")
    unit = _figure_unit(request)
    plans = selectors.plans_for(user)
    kind = request.GET.get("kind", "")
    if kind in PlanKind.values:
        plans = plans.filter(kind=kind)
    year = request.GET.get("year", "")
    if year.isdigit():
        plans = plans.filter(period_start__year__lte=int(year), period_end__year__gte=int(year))
    plan_rows, plan_total = selectors.figures_by_plan(user, unit, plans)
    unit_rows, unit_total = selectors.figures_by_unit(user, unit, plans)
    if request.GET.get("export") == "xlsx":
        if not can(user, MutualAidClaim, "export"):
            raise PermissionDenied("您没有导出互助保障统计的权限。")
        data = [
            ["按计划"] + [""] * 9,
            *(_figure_cells(r) for r in [*plan_rows, plan_total]),
            [""] * 10,
            ["按单位"] + [""] * 9,
            *(_figure_cells(r) for r in [*unit_rows, unit_total]),
        ]
        mark_operation(request, f"导出互助保障统计：{unit.name}")
        headers = ["计划/单位", *FIGURE_HEADERS[1:]]
        return xlsx_response(write_xlsx(headers, data, sheet="互助保障统计"), f"互助保障统计_{unit.name}")
    query = request.GET.copy()
    query["export"] = "xlsx"
    return render(
        request,
        "programmes/mutualaid/figures.html",
        {
            "title": f"互助保障统计：{unit.name}",
            "unit": unit,
            "plan_rows": plan_rows,
            "plan_total": plan_total,
            "unit_rows": unit_rows,
            "unit_total": unit_total,
            "kinds": PlanKind.choices,
            "kind": kind,
            "year": year,
            "export_url": f"{request.path}?{query.urlencode()}" if can(user, MutualAidClaim, "export") else None,
            "breadcrumbs": [("互助保障统计", None)],
        },
    )


# --- the member's phone pages (no login) ---------------------------------------------------------------

TICKET_CONTEXT = "programmes.mutualaid.claim_ticket"
TICKET_MAX_AGE = 1800
TICKET_EXPIRED = "页面已过期，请重新输入身份证号码和手机号码后再提交。"
NOT_ENROLLED = "未查询到与该身份证号码和手机号码对应的在会会员的有效参保记录，请核对后重试，或联系所在工会。"


def claim_ticket(*, id_number: str, phone: str) -> str:
    return encrypt(json.dumps({"i": id_number, "p": phone, "t": int(time.time())}), context=TICKET_CONTEXT)


def open_claim_ticket(ticket: str) -> tuple[str, str] | None:
    try:
        data = json.loads(decrypt(ticket, context=TICKET_CONTEXT))
    except (DecryptionError, ValueError):
        return None
    if time.time() - data.get("t", 0) > TICKET_MAX_AGE:
        return None
    return data["i"], data["p"]


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def public_claim_start(request):
    """Step 1: who are you (ID number + phone against the registry) and consent."""
    form = StartClaimForm(request.POST or None)
    if request.method == "POST":
        if throttled(request, "mutualaid"):
            form.add_error(None, THROTTLED)
        elif form.is_valid():
            id_number, phone = form.cleaned_data["id_number"], form.cleaned_data["phone"]
            enrolments = services.person_enrolments(id_number=id_number, phone=phone)
            if not enrolments:
                form.add_error(None, NOT_ENROLLED)
            else:
                claim_form = PublicClaimForm(
                    enrolments=enrolments, initial={"ticket": claim_ticket(id_number=id_number, phone=phone)}
                )
                return _no_store(
                    render(request, "programmes/mutualaid/public/claim.html", {"form": claim_form, "step": 2})
                )
    return _no_store(render(request, "programmes/mutualaid/public/claim.html", {"form": form, "step": 1}))


@require_POST
def public_claim_submit(request):
    """Step 2: the claim and its photos; the ticket's ID number and phone are verified again."""
    credentials = open_claim_ticket(request.POST.get("ticket", ""))
    if credentials is None:
        context = {"form": StartClaimForm(), "step": 1, "errors": [TICKET_EXPIRED]}
        return _no_store(render(request, "programmes/mutualaid/public/claim.html", context))
    id_number, phone = credentials
    enrolments = services.person_enrolments(id_number=id_number, phone=phone)
    form = PublicClaimForm(request.POST, request.FILES, enrolments=enrolments)
    if throttled(request, "mutualaid"):
        form.add_error(None, THROTTLED)
    elif form.is_valid():
        data = {**form.cleaned_data, "consent": True}  # consent was given on step 1, the only way to a ticket
        try:
            claim = services.claim_submit_public(
                id_number=id_number,
                phone=phone,
                enrolment_id=data["enrolment"],
                data=data,
                documents=form.documents(),
            )
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            return _no_store(
                render(
                    request,
                    "programmes/mutualaid/public/done.html",
                    {"claim": claim, "masked_name": mask_name(claim.enrolment.name)},
                )
            )
    return _no_store(render(request, "programmes/mutualaid/public/claim.html", {"form": form, "step": 2}))


@require_http_methods(["GET", "POST"])
def public_claim_status(request):
    """进度查询: the person's claims with state, amount and reasons — no health details, no numbers echoed."""
    form = IdentifyForm(request.POST or None)
    claims = None
    if request.method == "POST":
        if throttled(request, "mutualaid-status"):
            form.add_error(None, THROTTLED)
        elif form.is_valid():
            claims = services.person_claims(**form.cleaned_data)
            form = IdentifyForm()
    rows = [
        {
            "claim_no": c.claim_no,
            "plan": str(c.plan),
            "state": c.get_state_display(),
            "state_code": c.state,
            "submitted": c.submitted_at,
            "amount": c.approved_amount,
            "paid_on": c.paid_on,
            "reason": c.decision_note if c.state == ClaimState.REJECTED else "",
            "due": c.current_due,
        }
        for c in claims or ()
    ]
    return _no_store(
        render(
            request,
            "programmes/mutualaid/public/status.html",
            {"form": form, "rows": rows, "searched": claims is not None},
        )
    )
