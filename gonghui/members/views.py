"""Member registry pages. Thin: parse, call a selector or service, render.

Personal data is shown masked everywhere. The full ID and phone appear only on the
response to the permission-checked POST ``member_reveal`` (logged in the operation
log without the values) and in the unmasked export (permission-checked, logged).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from gonghui.core.exports import write_xlsx, xlsx_response
from gonghui.core.forms import apply_form_errors
from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import (
    EXPORT_ROW_LIMIT,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ScopedViewMixin,
)
from gonghui.members import selectors, services
from gonghui.members.filtersets import MemberFilterSet, TransferFilterSet
from gonghui.members.forms import (
    DeceasedForm,
    LeaveForm,
    MemberForm,
    RejoinForm,
    TransferApproveForm,
    TransferDirectForm,
    TransferRejectForm,
    TransferRequestForm,
)
from gonghui.members.models import (
    ID_NUMBER_CONTEXT,
    PHONE_CONTEXT,
    EmploymentCategory,
    Gender,
    Member,
    MembershipEvent,
    MemberStatus,
    NewEmploymentType,
    Transfer,
    TransferState,
)
from gonghui.members.tables import MemberTable, TransferTable
from gonghui.utilities.pii import decrypt

FULL_PII_DENIED = "您没有查看完整个人信息的权限。如工作需要，请联系安全管理员为您的角色授予「查看完整个人信息」。"


def _allowed(user, model, action: str, obj) -> bool:
    return model.objects.restrict(user, action).filter(pk=obj.pk).exists()


# --- member list and export -----------------------------------------------------------------------


class MemberListView(ObjectListView):
    model = Member
    table_class = MemberTable
    filterset_class = MemberFilterSet
    template_name = "members/member_list.html"
    title = "会员名册"
    add_url_name = "members:member_add"
    export_filename = "会员名册"
    empty_text = "没有符合条件的会员。"

    def get_queryset(self, action):
        return selectors.members_for(self.request.user, action)

    def extra_context(self) -> dict:
        user = self.request.user
        unmasked = None
        if can(user, Member, "export") and selectors.has_full_pii_permission(user):
            unmasked = self._export_url() + "&unmasked=1"
        return {"unmasked_export_url": unmasked, "lookup_term": ""}

    def post(self, request, *args, **kwargs):
        """精确查找: an exact ID number or phone number, sent in the body so it stays out of URLs
        and access logs; the list shows the matching members (masked)."""
        self.require("view")
        term = request.POST.get("lookup", "").strip()
        condition = selectors.exact_lookup_q(term)
        if condition is None:
            messages.error(request, "精确查找请输入完整的 18 位身份证号码、11 位手机号码或 15 位会员证号。")
            queryset = self.get_queryset("view").none()
        else:
            queryset = self.get_queryset("view").filter(condition)
        table = self.table_class(queryset, request=request)
        RequestConfig(request, paginate=False).configure(table)
        context = {
            "title": self.title,
            "table": table,
            "filter_form": self.filterset_class(None, queryset=queryset, request=request).form,
            "empty_text": "没有找到该证件号码或手机号码对应的会员（或不在您的数据权限范围内）。",
            "breadcrumbs": [(self.title, reverse("members:member_list")), ("精确查找", None)],
            "add_url": reverse(self.add_url_name) if can(request.user, Member, "add") else None,
            "export_url": None,
            "unmasked_export_url": None,
            "lookup_active": True,
        }
        return render(request, self.template_name, context)

    def export(self):
        """Masked by default; ``unmasked=1`` (with the permission) decrypts the rows in its scope.

        Rows are read as plain values (django-tables2's per-cell rendering costs milliseconds a
        row); the table still decides the columns, headers and ordering.
        """
        self.require("export")
        user = self.request.user
        unmasked = self.request.GET.get("unmasked") == "1"
        if unmasked and not selectors.has_full_pii_permission(user):
            raise PermissionDenied(FULL_PII_DENIED)
        queryset, _form = self.filter(self.get_queryset("export"))
        if unmasked:
            queryset = selectors.with_full_pii_flag(queryset, user)
        table = self.table_class(queryset, request=self.request)
        columns = self.export_columns(table)
        getters = [EXPORT_VALUES[name] for name, _header in columns]
        needed = {"name", "gender", "birth_date", "id_number_masked", "phone_masked", "org__name"}
        needed |= {name for name, _header in columns if name in EXPORT_FIELDS}
        if unmasked:
            needed |= {"full_pii", "id_number_cipher", "phone_cipher"}
        records = table.data.data.values(*sorted(needed))[:EXPORT_ROW_LIMIT]
        openers = {"id_number_masked": _open_id_number, "phone_masked": _open_phone}
        reveal = [openers.get(name) if unmasked else None for name, _header in columns]

        def rows():
            for record in records.iterator(chunk_size=2000):
                full = unmasked and record["full_pii"]
                yield [
                    opener(record) if full and opener is not None else getter(record)
                    for getter, opener in zip(getters, reveal, strict=True)
                ]

        content = write_xlsx([header for _name, header in columns], rows(), sheet=self.title)
        count = queryset.count()
        if unmasked:
            mark_operation(self.request, f"导出会员名册（含完整身份证号和手机号，{count} 条）")
            return xlsx_response(content, f"{self.export_filename}_完整信息")
        mark_operation(self.request, f"导出会员名册（{count} 条）")
        return xlsx_response(content, self.export_filename)


def _labels(choices) -> dict:
    return dict(choices)


GENDER, CATEGORY, NEW_TYPE, STATUS = (
    _labels(Gender.choices),
    _labels(EmploymentCategory.choices),
    _labels(NewEmploymentType.choices),
    _labels(MemberStatus.choices),
)
EXPORT_FIELDS = {
    "employment_category",
    "new_employment_type",
    "is_migrant_worker",
    "employer_name",
    "join_date",
    "status",
    "member_card_number",
}
EXPORT_VALUES = {
    "name": lambda r: r["name"],
    "gender": lambda r: GENDER.get(r["gender"], ""),
    "birth_year_month": lambda r: f"{r['birth_date']:%Y-%m}",
    "id_number_masked": lambda r: r["id_number_masked"],
    "phone_masked": lambda r: r["phone_masked"],
    "org": lambda r: r["org__name"],
    "employment_category": lambda r: CATEGORY.get(r["employment_category"], ""),
    "new_employment_type": lambda r: NEW_TYPE.get(r["new_employment_type"], ""),
    "is_migrant_worker": lambda r: "是" if r["is_migrant_worker"] else "否",
    "employer_name": lambda r: r["employer_name"],
    "join_date": lambda r: r["join_date"],
    "status": lambda r: STATUS.get(r["status"], ""),
    "member_card_number": lambda r: r["member_card_number"],
}


def _open_id_number(record: dict) -> str:
    return decrypt(record["id_number_cipher"], context=ID_NUMBER_CONTEXT)


def _open_phone(record: dict) -> str:
    return decrypt(record["phone_cipher"], context=PHONE_CONTEXT) if record["phone_cipher"] else ""


# --- member detail and the full view of personal data ---------------------------------------------


def _detail_context(request, member: Member, revealed: dict | None = None) -> dict:
    user = request.user
    can_change = _allowed(user, Member, "change", member)
    return {
        "title": member.name,
        "member": member,
        "revealed": revealed,
        "history": selectors.member_history(user, member),
        "other_memberships": selectors.other_memberships(user, member),
        "open_transfer": selectors.open_transfer_for(member),
        "can_change": can_change,
        "can_delete": _allowed(user, Member, "delete", member),
        "can_transfer": can_change and member.status == MemberStatus.ACTIVE,
        "can_view_events": can(user, MembershipEvent, "view"),
        "can_reveal": selectors.may_view_full_pii(user, member),
        "breadcrumbs": [("会员名册", reverse("members:member_list")), (member.name, None)],
    }


@login_required
def member_detail(request, pk: int):
    member = get_restricted_or_404(Member.objects.select_related("org", "employer"), request.user, "view", pk=pk)
    return render(request, "members/member_detail.html", _detail_context(request, member))


@login_required
@require_POST
def member_reveal(request, pk: int):
    """显示完整信息: decrypt once for this response, and log who looked (never the values)."""
    member = get_restricted_or_404(Member.objects.select_related("org", "employer"), request.user, "view", pk=pk)
    if not selectors.may_view_full_pii(request.user, member):
        raise PermissionDenied(FULL_PII_DENIED)
    revealed = {
        "id_number": member.reveal_id_number(),
        "phone": member.reveal_phone(),
        "birth_date": member.birth_date,
    }
    mark_operation(request, f"查看会员完整个人信息：{member.pk}")
    response = render(request, "members/member_detail.html", _detail_context(request, member, revealed))
    response["Cache-Control"] = "no-store"
    return response


# --- create / edit / delete -----------------------------------------------------------------------


class MemberEditView(ObjectEditView):
    model = Member
    form_class = MemberForm
    list_url_name = "members:member_list"

    def page_title(self) -> str:
        return f"修改会员信息：{self.obj}" if self.obj else "会员入会登记"

    def _warn(self, member: Member) -> None:
        for warning in getattr(member, "id_warnings", ()):
            messages.warning(self.request, warning)

    def create(self, form):
        member = services.member_create(user=self.request.user, data=services.member_data_from_form(form.cleaned_data))
        self._warn(member)
        return member

    def update(self, obj, form):
        member = services.member_update(
            user=self.request.user, member=obj, data=services.member_data_from_form(form.cleaned_data)
        )
        self._warn(member)
        return member


class MemberDeleteView(ObjectDeleteView):
    model = Member
    list_url_name = "members:member_list"

    def context(self) -> dict:
        context = super().context()
        context["warning"] = (
            "删除只用于录入错误的记录，会同时删除其会籍变动记录。会员退会、转会、去世请使用相应的办理功能。"
        )
        return context

    def delete(self, obj) -> None:
        services.member_delete(user=self.request.user, member=obj)


# --- actions with a confirmation form ---------------------------------------------------------------


class ActionView(ScopedViewMixin, View):
    """GET shows a confirmation page with a small form; POST calls ``perform`` (a service)."""

    permission = "change"
    form_class = None
    confirm_label = "确认"
    template_name = "core/object_confirm.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.require(self.permission)
        self.obj = self.get_object(self.permission, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, data=None):
        return self.form_class(data)

    def page(self) -> dict:
        raise NotImplementedError

    def perform(self, form):
        """Call the service; return the object to go to afterwards."""
        raise NotImplementedError

    def success_message(self, result) -> str:
        return "已办理。"

    def render_page(self, form):
        context = {"form": form, "confirm_label": self.confirm_label, "cancel_url": self.obj.get_absolute_url()}
        context.update(self.page())
        return render(self.request, self.template_name, context)

    def get(self, request, *args, **kwargs):
        return self.render_page(self.make_form())

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                result = self.perform(form)
            except ValidationError as error:
                apply_form_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, self.success_message(result))
                return HttpResponseRedirect(result.get_absolute_url())
        return self.render_page(form)


class MemberLeaveView(ActionView):
    model = Member
    form_class = LeaveForm
    confirm_label = "确认退会"

    def page(self):
        return {
            "title": f"办理退会：{self.obj.name}",
            "question": f"为「{self.obj.name}」（{self.obj.id_number_masked}，{self.obj.org.name}）办理退会。",
            "warning": "退会后会籍记录保留备查；该人员今后可以在任何工会重新入会。",
        }

    def perform(self, form):
        return services.member_leave(user=self.request.user, member=self.obj, **form.cleaned_data)

    def success_message(self, result):
        return f"已为「{result.name}」办理退会。"


class MemberRejoinView(ActionView):
    model = Member
    form_class = RejoinForm
    confirm_label = "确认重新入会"

    def page(self):
        return {
            "title": f"重新入会：{self.obj.name}",
            "question": f"恢复「{self.obj.name}」在「{self.obj.org.name}」的会籍。",
        }

    def perform(self, form):
        return services.member_rejoin(user=self.request.user, member=self.obj, **form.cleaned_data)

    def success_message(self, result):
        return f"「{result.name}」已重新入会。"


class MemberDeceasedView(ActionView):
    model = Member
    form_class = DeceasedForm
    confirm_label = "确认标记"

    def page(self):
        return {
            "title": f"标记已故：{self.obj.name}",
            "question": f"将「{self.obj.name}」（{self.obj.id_number_masked}）标记为已故。",
            "warning": "标记后该身份证号码不能再登记为会员，请核实后再操作。",
        }

    def perform(self, form):
        return services.member_mark_deceased(user=self.request.user, member=self.obj, **form.cleaned_data)

    def success_message(self, result):
        return f"已将「{result.name}」标记为已故。"


class MemberTransferView(ActionView):
    """Direct transfer between two unions the user manages."""

    model = Member
    form_class = TransferDirectForm
    confirm_label = "确认转会"

    def make_form(self, data=None):
        return self.form_class(data, user=self.request.user, member=self.obj)

    def page(self):
        return {
            "title": f"办理转会：{self.obj.name}",
            "question": f"把「{self.obj.name}」的会籍从「{self.obj.org.name}」转到您管理的另一个工会。",
            "warning": "原工会的会籍将标记为「已转出」。转入其他地区的工会请由转入工会发起转会申请。",
        }

    def perform(self, form):
        return services.member_transfer_direct(user=self.request.user, member=self.obj, **form.cleaned_data)

    def success_message(self, result):
        return f"「{result.name}」已转入「{result.org.name}」。"


# --- transfers ---------------------------------------------------------------------------------------


class TransferListView(ObjectListView):
    model = Transfer
    table_class = TransferTable
    filterset_class = TransferFilterSet
    title = "转会申请"
    add_url_name = "members:transfer_add"
    export_filename = "转会申请"
    empty_text = "没有转会申请。"

    def get_queryset(self, action):
        return selectors.transfers_for(self.request.user, action)


class TransferRequestView(ScopedViewMixin, View):
    model = Transfer

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
                "title": "发起转会申请",
                "form": form,
                "cancel_url": reverse("members:transfer_list"),
                "breadcrumbs": [("转会申请", reverse("members:transfer_list")), ("发起转会申请", None)],
            },
        )

    def get(self, request):
        return self.render_form(TransferRequestForm(user=request.user))

    def post(self, request):
        form = TransferRequestForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                transfer = services.transfer_request(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_form_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"已发起转会申请：{transfer.member.name} 转入「{transfer.org.name}」。")
                return HttpResponseRedirect(transfer.get_absolute_url())
        return self.render_form(form)


@login_required
def transfer_detail(request, pk: int):
    transfer = get_restricted_or_404(
        Transfer.objects.select_related("member", "org", "from_org", "requested_by", "decided_by", "new_member"),
        request.user,
        "view",
        pk=pk,
    )
    user = request.user
    is_open = transfer.state == TransferState.REQUESTED
    return render(
        request,
        "members/transfer_detail.html",
        {
            "title": f"转会申请：{transfer.member.name}",
            "transfer": transfer,
            "can_approve": is_open and _allowed(user, Transfer, "approve", transfer),
            "can_cancel": is_open and _allowed(user, Transfer, "change", transfer),
            "new_member_visible": transfer.new_member_id is not None
            and _allowed(user, Member, "view", transfer.new_member),
            "breadcrumbs": [("转会申请", reverse("members:transfer_list")), (transfer.member.name, None)],
        },
    )


class TransferApproveView(ActionView):
    model = Transfer
    permission = "approve"
    form_class = TransferApproveForm
    confirm_label = "批准转会"

    def page(self):
        t = self.obj
        return {
            "title": "批准转会申请",
            "question": (
                f"批准「{t.member.name}」（{t.member.id_number_masked}）从「{t.from_org.name}」转入「{t.org.name}」。"
            ),
            "warning": "批准后原工会的会籍标记为「已转出」，并通知原工会。",
        }

    def perform(self, form):
        return services.transfer_approve(user=self.request.user, transfer=self.obj, **form.cleaned_data)

    def success_message(self, result):
        return f"已批准转会，「{result.member.name}」已转入「{result.org.name}」。"


class TransferRejectView(ActionView):
    model = Transfer
    permission = "approve"
    form_class = TransferRejectForm
    confirm_label = "驳回"

    def page(self):
        return {"title": "驳回转会申请", "question": f"驳回「{self.obj.member.name}」的转会申请。"}

    def perform(self, form):
        return services.transfer_reject(user=self.request.user, transfer=self.obj, **form.cleaned_data)

    def success_message(self, result):
        return "已驳回转会申请。"


class TransferCancelView(ActionView):
    model = Transfer
    permission = "change"
    confirm_label = "撤回申请"

    def make_form(self, data=None):
        from django import forms

        return forms.Form(data)

    def page(self):
        return {"title": "撤回转会申请", "question": f"撤回「{self.obj.member.name}」的转会申请。"}

    def perform(self, form):
        return services.transfer_cancel(user=self.request.user, transfer=self.obj)

    def success_message(self, result):
        return "已撤回转会申请。"
