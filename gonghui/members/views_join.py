"""入会申请 pages: the public join/status/card pages (no login, phone layout) and the union's side.

Public pages never show an ID number or phone number, not even masked ones the worker typed:
the status page shows the masked name, the union and the decision only. To withdraw an open
application the status page carries the typed ID number and phone forward in an encrypted,
time-limited ticket (a hidden POST field, never the URL or the session); the withdrawal
re-verifies both against the application.
"""

from __future__ import annotations

import json
import time

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.core.forms import apply_form_errors
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import ObjectListView
from gonghui.members import card, join
from gonghui.members.models import (
    EmploymentCategory,
    JoinApplication,
    JoinSource,
    JoinStatus,
    Member,
    MemberStatus,
    NewEmploymentType,
    TransferState,
)
from gonghui.members.views import ActionView
from gonghui.orgs.models import Employer, Organization
from gonghui.utilities.pii import DecryptionError, decrypt, encrypt, mask_name

THROTTLE_LIMIT = 20  # submissions per IP and window
THROTTLE_WINDOW = 600  # seconds
THROTTLED = "操作过于频繁，请 10 分钟后再试。"
NOT_FOUND = "未查询到与该身份证号码和手机号码对应的入会申请或转会申请，请核对后重试。"
ROUTE_SESSION_KEY = "join_route"
TICKET_CONTEXT = "members.join.status_ticket"
TICKET_MAX_AGE = 1800  # seconds a status result may be acted on (withdrawal)
TICKET_EXPIRED = "页面已过期，请重新输入身份证号码和手机号码查询后再操作。"
ALREADY_DECIDED = "该申请已不在待审批状态，不能撤回，请查看下方的最新状态。"


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def throttled(request, scope: str) -> bool:
    """Count one attempt for the client's IP; True once it exceeds the limit in the window."""
    key = f"throttle:{scope}:{_client_ip(request)}"
    if cache.add(key, 1, THROTTLE_WINDOW):
        return False
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, THROTTLE_WINDOW)
        return False
    return count > THROTTLE_LIMIT


# ---------------------------------------------------------------------------
# Public: apply


class JoinForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请填写姓名（与身份证一致）。"})
    id_number = forms.CharField(
        label="身份证号码", max_length=30, error_messages={"required": "请填写 18 位居民身份证号码。"}
    )
    phone = forms.CharField(label="手机号码", max_length=20, error_messages={"required": "请填写手机号码。"})
    employer = forms.ModelChoiceField(
        label="选择工作单位",
        queryset=Employer.objects.none(),
        required=False,
        empty_label="（不在列表中请在下面填写）",
    )
    employer_name = forms.CharField(label="工作单位名称", max_length=100, required=False)
    employment_category = forms.ChoiceField(
        label="人员类别", choices=EmploymentCategory.choices, initial=EmploymentCategory.EMPLOYEE
    )
    new_employment_type = forms.ChoiceField(
        label="新就业形态类型", choices=[("", "（非新就业形态不选）"), *NewEmploymentType.choices], required=False
    )
    consent = forms.BooleanField(
        label="我已阅读并同意《个人信息处理告知书》",
        error_messages={"required": "请阅读并勾选同意《个人信息处理告知书》后再提交。"},
    )

    def __init__(self, *args, union: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Employer.objects.filter(union=union).order_by("name")
        self.fields["id_number"].widget.attrs.update(autocomplete="off", inputmode="text")
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="numeric")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("employer") and not (cleaned.get("employer_name") or "").strip():
            self.add_error("employer_name", "请选择或填写工作单位名称。")
        return cleaned


def _public_union(code: str) -> Organization:
    union = Organization.objects.filter(code=code).first()
    if union is None or not join.is_open_union(union):
        raise Http404("没有找到该工会的入会页面，请核对二维码。")
    return union


@require_http_methods(["GET", "POST"])
def join_union(request, code: str):
    union = _public_union(code)
    route = request.session.get(ROUTE_SESSION_KEY) or {}
    if route.get("org") != union.pk:
        route = {}
    initial = {"employer_name": route.get("employer_name", ""), "employer": route.get("employer")}
    form = JoinForm(request.POST or None, union=union, initial=initial)
    offer_transfer = False
    if request.method == "POST":
        if throttled(request, "join"):
            form.add_error(None, THROTTLED)
        elif form.is_valid():
            source = route.get("source") or JoinSource.QR
            try:
                application = join.join_application_submit(org=union, data=form.cleaned_data, source=source)
            except ValidationError as error:
                apply_form_errors(form, error)
                offer_transfer = join.ALREADY_MEMBER in getattr(error, "message_dict", {}).get("id_number", [])
            else:
                request.session.pop(ROUTE_SESSION_KEY, None)
                return render(
                    request,
                    "members/join/done.html",
                    {"union": union, "application": application, "masked_name": mask_name(application.name)},
                )
    return render(
        request,
        "members/join/apply.html",
        {
            "union": union,
            "form": form,
            "routed": bool(route),
            "step2_errors": bool(form.errors.get("consent")) and set(form.errors) <= {"consent", "__all__"},
            "consent_version": join.CONSENT_VERSION,
            "offer_transfer": offer_transfer,
        },
    )


class TransferSelfForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请填写姓名（与身份证一致）。"})
    id_number = forms.CharField(
        label="身份证号码", max_length=30, error_messages={"required": "请填写 18 位居民身份证号码。"}
    )
    phone = forms.CharField(
        label="手机号码",
        max_length=20,
        help_text="请填写在原工会登记的手机号码",
        error_messages={"required": "请填写手机号码。"},
    )
    reason = forms.CharField(
        label="转会事由",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如：已调入新单位工作"}),
        error_messages={"required": "请填写转会事由，如「已调入新单位工作」。"},
    )
    consent = forms.BooleanField(
        label="我已阅读并同意《个人信息处理告知书》",
        error_messages={"required": "请阅读并勾选同意《个人信息处理告知书》后再提交。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id_number"].widget.attrs.update(autocomplete="off", inputmode="text")
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="numeric")


PREFILL_FIELDS = ("name", "id_number", "phone")


@require_http_methods(["GET", "POST"])
def join_transfer(request, code: str):
    """会员本人申请转会: an active member of another union asks to move to this union (the QR's).

    A POST with ``prefill`` comes from the join page's offer and only fills in what the worker
    typed there; nothing is checked or saved until the form itself is submitted."""
    union = _public_union(code)
    if request.method == "POST" and request.POST.get("prefill"):
        form = TransferSelfForm(initial={name: request.POST.get(name, "")[:50] for name in PREFILL_FIELDS})
    else:
        form = TransferSelfForm(request.POST or None)
        if request.method == "POST":
            if throttled(request, "join"):
                form.add_error(None, THROTTLED)
            elif form.is_valid():
                try:
                    transfer = join.transfer_request_by_member(org=union, data=form.cleaned_data)
                except ValidationError as error:
                    apply_form_errors(form, error)
                else:
                    return render(
                        request,
                        "members/join/transfer_done.html",
                        {
                            "union": union,
                            "transfer": transfer,
                            "masked_name": mask_name(transfer.member.name),
                            "phone_on_file": bool(transfer.member.phone_index),
                        },
                    )
    return render(
        request,
        "members/join/transfer.html",
        {"union": union, "form": form, "consent_version": join.CONSENT_VERSION},
    )


class RouteForm(forms.Form):
    town = forms.ModelChoiceField(
        label="所在镇（街道）",
        queryset=Organization.objects.none(),
        empty_label="请选择",
        error_messages={"required": "请选择工作单位所在的镇（街道）。"},
    )
    employer_name = forms.CharField(
        label="工作单位名称", max_length=100, error_messages={"required": "请填写工作单位名称。"}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = join.join_towns()
        self.fields["town"].label_from_instance = lambda org: org.name


@require_http_methods(["GET", "POST"])
def join_start(request):
    """For workers without a union QR: find the union by town and employer."""
    form = RouteForm(request.POST or None)
    if request.method == "POST":
        if throttled(request, "join"):
            form.add_error(None, THROTTLED)
        elif form.is_valid():
            try:
                route = join.route_join(
                    town=form.cleaned_data["town"], employer_name=form.cleaned_data["employer_name"]
                )
            except ValidationError as error:
                apply_form_errors(form, error)
            else:
                source = JoinSource.ONLINE_HOME if route.source == JoinSource.QR else route.source
                own = route.employer is not None and route.employer.union_id == route.union.pk
                own_employer = route.employer.pk if own else None
                request.session[ROUTE_SESSION_KEY] = {
                    "org": route.union.pk,
                    "employer": own_employer,
                    "employer_name": form.cleaned_data["employer_name"].strip(),
                    "source": source,
                }
                return redirect("join_union", code=route.union.code)
    return render(request, "members/join/start.html", {"form": form})


# ---------------------------------------------------------------------------
# Public: status check and member card


class StatusForm(forms.Form):
    id_number = forms.CharField(label="身份证号码", max_length=30, error_messages={"required": "请填写身份证号码。"})
    phone = forms.CharField(label="手机号码", max_length=20, error_messages={"required": "请填写手机号码。"})


def status_ticket(*, id_number: str, phone: str) -> str:
    """The typed ID number and phone, encrypted and time-stamped, for the next POST of the status page."""
    payload = json.dumps({"i": id_number, "p": phone, "t": int(time.time())})
    return encrypt(payload, context=TICKET_CONTEXT)


def open_status_ticket(ticket: str) -> tuple[str, str] | None:
    """(id_number, phone) from a ticket, or None if it is forged, damaged or older than ``TICKET_MAX_AGE``."""
    try:
        data = json.loads(decrypt(ticket or "", context=TICKET_CONTEXT))
        issued, id_number, phone = int(data["t"]), str(data["i"]), str(data["p"])
    except (DecryptionError, ValueError, KeyError, TypeError):
        return None
    if not 0 <= time.time() - issued <= TICKET_MAX_AGE:
        return None
    return id_number, phone


def _card_url(member: Member | None) -> str | None:
    if member is not None and member.status == MemberStatus.ACTIVE:
        return reverse("member_card", args=[card.card_token(member)])
    return None


def _status_context(*, id_number: str, phone: str) -> dict:
    """What the status page shows a person who typed this ID number and phone: their latest
    application and their latest transfer (each only if both numbers match)."""
    application = join.find_application(id_number=id_number, phone=phone)
    transfer = join.find_transfer(id_number=id_number, phone=phone)
    result = transfer_result = None
    if application is not None:
        result = {
            "pk": application.pk,
            "masked_name": mask_name(application.name),
            "union": application.org.name,
            "union_code": application.org.code,
            "status": application.get_status_display(),
            "status_code": application.status,
            "submitted": application.created_at,
            "decided": application.decided_at,
            "withdrawn": application.updated_at if application.status == JoinStatus.WITHDRAWN else None,
            "reason": application.reject_reason,
            "card_url": _card_url(application.member) if application.status == JoinStatus.APPROVED else None,
            "can_withdraw": application.is_open,
            "can_reapply": application.status == JoinStatus.WITHDRAWN and join.is_open_union(application.org),
        }
    if transfer is not None:
        approved = transfer.state == TransferState.APPROVED
        transfer_result = {
            "masked_name": mask_name(transfer.member.name),
            "from_union": transfer.from_org.name,
            "to_union": transfer.org.name,
            "state": transfer.get_state_display(),
            "state_code": transfer.state,
            "source": transfer.get_source_display(),
            "submitted": transfer.created_at,
            "decided": transfer.decided_at,
            "effective_on": transfer.effective_on,
            "note": transfer.decision_note if transfer.state == TransferState.REJECTED else "",
            "card_url": _card_url(transfer.new_member) if approved else None,
        }
    ticket = status_ticket(id_number=id_number, phone=phone) if result and result["can_withdraw"] else ""
    return {
        "result": result,
        "transfer": transfer_result,
        "ticket": ticket,
        "not_found": result is None and transfer_result is None,
    }


@require_http_methods(["GET", "POST"])
def join_status(request):
    form = StatusForm(request.POST or None)
    context = {"result": None, "transfer": None, "not_found": False}
    if request.method == "POST":
        if throttled(request, "join-status"):
            form.add_error(None, THROTTLED)
        elif form.is_valid():
            context = _status_context(**form.cleaned_data)
            form = StatusForm()  # never echo the typed ID number back into the page
    response = render(request, "members/join/status.html", {"form": form, **context})
    response["Cache-Control"] = "no-store"
    return response


class WithdrawForm(forms.Form):
    ticket = forms.CharField(max_length=1000)
    application = forms.IntegerField(min_value=1)
    confirm = forms.BooleanField(required=False)


@require_POST
def join_withdraw(request):
    """撤回申请: a confirmation step, then the withdrawal; both re-verify the ID number and phone."""
    form = WithdrawForm(request.POST)
    credentials = open_status_ticket(form.cleaned_data["ticket"]) if form.is_valid() else None
    errors: list[str] = []
    if throttled(request, "join-status"):
        errors.append(THROTTLED)
    elif credentials is None:
        errors.append(TICKET_EXPIRED)
    if errors:
        return render(request, "members/join/status.html", {"form": StatusForm(), "errors": errors})
    id_number, phone = credentials
    pk = form.cleaned_data["application"]
    if not form.cleaned_data["confirm"]:
        context = _status_context(id_number=id_number, phone=phone)
        result = context["result"]
        if result is not None and result["pk"] == pk and result["can_withdraw"]:
            response = render(
                request,
                "members/join/withdraw_confirm.html",
                {"result": result, "ticket": form.cleaned_data["ticket"]},
            )
            response["Cache-Control"] = "no-store"
            return response
        errors.append(join.WITHDRAW_NOT_FOUND if result is None or result["pk"] != pk else ALREADY_DECIDED)
    else:
        try:
            join.join_application_withdraw(application_id=pk, id_number=id_number, phone=phone)
        except ValidationError as error:
            errors.extend(error.messages)
        context = _status_context(id_number=id_number, phone=phone)
    response = render(
        request,
        "members/join/status.html",
        {"form": StatusForm(), "errors": errors, "withdrawn": not errors, **context},
    )
    response["Cache-Control"] = "no-store"
    return response


def member_card(request, token: str):
    check = card.verify_card_token(token)
    if check.member is None:
        raise Http404("会员证链接无效。")
    verify_url = request.build_absolute_uri(reverse("card_verify", args=[token]))
    return render(
        request,
        "members/card/card.html",
        {"check": check, "member": check.member, "qr": card.qr_svg(verify_url), "verify_url": verify_url},
    )


def card_verify(request, token: str):
    return render(request, "members/card/verify.html", {"check": card.verify_card_token(token)})


# ---------------------------------------------------------------------------
# Union side


class JoinApplicationTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="姓名")
    id_number_masked = tables.Column(verbose_name="身份证号", orderable=False)
    phone_masked = tables.Column(verbose_name="手机号", orderable=False)
    org = tables.Column(verbose_name="申请加入的工会", order_by=("org__path",))

    class Meta:
        model = JoinApplication
        fields = (
            "name",
            "id_number_masked",
            "phone_masked",
            "org",
            "employer_name",
            "employment_category",
            "source",
            "status",
            "created_at",
            "due_date",
        )
        order_by = ("-created_at",)
        attrs = {"class": "table"}

    def render_due_date(self, value, record):
        return f"{value:%Y-%m-%d}（已超期）" if record.is_overdue else f"{value:%Y-%m-%d}"


class JoinApplicationFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="姓名")
    status = django_filters.ChoiceFilter(choices=JoinStatus.choices, label="状态", empty_label="全部")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="已超期")

    class Meta:
        model = JoinApplication
        fields = ["name", "status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(join.overdue_q()) if value else queryset.exclude(join.overdue_q())


class JoinApplicationListView(ObjectListView):
    model = JoinApplication
    table_class = JoinApplicationTable
    filterset_class = JoinApplicationFilterSet
    title = "入会申请"
    export_filename = "入会申请.xlsx"

    template_name = "members/join/application_list.html"

    def get_queryset(self, action):
        return join.join_applications_for(self.request.user, action)

    def extra_context(self) -> dict:
        user = self.request.user
        org = getattr(user, "org", None)
        qr_org = org if org is not None and join.is_open_union(org) else None
        return {"overdue_count": join.join_applications_for(user).filter(join.overdue_q()).count(), "qr_org": qr_org}


@login_required
def join_application_detail(request, pk: int):
    application = get_restricted_or_404(join.join_applications_for(request.user), request.user, "view", pk=pk)
    user = request.user
    can_approve = application.is_open and JoinApplication.objects.restrict(user, "approve").filter(pk=pk).exists()
    member_visible = (
        application.member_id is not None
        and Member.objects.restrict(user, "view").filter(pk=application.member_id).exists()
    )
    return render(
        request,
        "members/join/application_detail.html",
        {
            "title": f"入会申请：{application.name}",
            "application": application,
            "can_approve": can_approve,
            "member_visible": member_visible,
            "breadcrumbs": [("入会申请", reverse("members:join_application_list")), (application.name, None)],
        },
    )


class JoinApproveForm(forms.Form):
    note = forms.CharField(label="审批意见", max_length=200, required=False)


class JoinRejectForm(forms.Form):
    reason = forms.CharField(
        label="未通过原因",
        max_length=200,
        error_messages={"required": "请填写未通过的原因，申请人查询进度时会看到它。"},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class JoinApplicationApproveView(ActionView):
    model = JoinApplication
    permission = "approve"
    form_class = JoinApproveForm
    template_name = "members/join/confirm.html"
    confirm_label = "批准入会"

    def page(self):
        return {
            "title": "批准入会申请",
            "question": f"批准「{self.obj.name}」加入「{self.obj.org.name}」，将登记为会员并分配会员证号。",
        }

    def perform(self, form):
        return join.join_application_approve(user=self.request.user, application=self.obj, **form.cleaned_data)

    def success_message(self, result):
        return f"已批准，会员证号 {result.member.member_card_number}。"


class JoinApplicationRejectView(ActionView):
    model = JoinApplication
    permission = "approve"
    form_class = JoinRejectForm
    template_name = "members/join/confirm.html"
    confirm_label = "不予通过"

    def page(self):
        return {"title": "入会申请不予通过", "question": f"「{self.obj.name}」的入会申请不予通过。"}

    def perform(self, form):
        return join.join_application_reject(user=self.request.user, application=self.obj, **form.cleaned_data)

    def success_message(self, result):
        return "已办理，申请人查询进度时可看到原因。"


def _require(request, model, action: str) -> None:
    if not can(request.user, model, action):
        raise PermissionDenied("您没有此功能的权限，请联系安全管理员分配角色。")


@login_required
def join_leads(request):
    """建会线索: employers without a union that several applicants named."""
    _require(request, JoinApplication, "view")
    leads = join.establishment_leads(request.user)
    return render(
        request,
        "members/join/leads.html",
        {
            "title": "建会线索",
            "leads": leads,
            "threshold": join.lead_threshold(),
            "breadcrumbs": [("入会申请", reverse("members:join_application_list")), ("建会线索", None)],
        },
    )


@login_required
def join_qr(request, pk: int):
    """The printable join poster of a union in the user's scope."""
    _require(request, Organization, "view")
    union = get_restricted_or_404(Organization, request.user, "view", pk=pk)
    if not join.is_open_union(union):
        raise Http404("只有基层工会、联合基层工会和网上会员之家有入会二维码。")
    url = request.build_absolute_uri(reverse("join_union", args=[union.code]))
    return render(
        request,
        "members/join/poster.html",
        {"union": union, "join_url": url, "qr": card.qr_svg(url, scale=8), "title": f"入会二维码：{union.name}"},
    )
