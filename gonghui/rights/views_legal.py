"""Pages of legal aid, lawyers, duty slots, committees, contracts and instructors (generic scoped views),
and the workers' public lawyer-duty page (phone layout, no login) where a slot is booked."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.forms import apply_form_errors
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import ObjectDeleteView, ObjectEditView, ObjectListView
from gonghui.members.views_join import THROTTLED, throttled
from gonghui.rights import selectors_supervision as selectors
from gonghui.rights import services_legal, services_supervision
from gonghui.rights.filtersets import (
    CommitteeFilterSet,
    ContractFilterSet,
    DutySlotFilterSet,
    InstructorFilterSet,
    LawyerFilterSet,
    LegalAidFilterSet,
)
from gonghui.rights.forms_legal import (
    BookingForm,
    CommitteeForm,
    ContractForm,
    DocumentForm,
    DutySlotForm,
    InstructorForm,
    LawyerForm,
    LegalAidForm,
    ReplyForm,
)
from gonghui.rights.models import (
    BargainingInstructor,
    BookingStatus,
    CollectiveContract,
    DutyBooking,
    DutySlot,
    Lawyer,
    LegalAidCase,
    LegalSupervisionCommittee,
)
from gonghui.rights.tables import (
    CommitteeTable,
    ContractTable,
    DutySlotTable,
    InstructorTable,
    LawyerTable,
    LegalAidTable,
)
from gonghui.utilities.pii import mask_name


def _data(form) -> dict:
    return dict(form.cleaned_data)


# --- legal aid ---------------------------------------------------------------------------------------


class AidListView(ObjectListView):
    model, table_class, filterset_class = LegalAidCase, LegalAidTable, LegalAidFilterSet
    title = export_filename = "法律援助案件"
    add_url_name = "rights:aid_add"
    empty_text = "没有符合条件的法律援助案件。"

    def get_queryset(self, action):
        return LegalAidCase.objects.restrict(self.request.user, action).select_related("org", "lawyer")


class AidEditView(ObjectEditView):
    model, form_class, list_url_name = LegalAidCase, LegalAidForm, "rights:aid_list"

    def create(self, form):
        return services_legal.legal_aid_create(user=self.request.user, data=_data(form))

    def update(self, obj, form):
        return services_legal.legal_aid_update(user=self.request.user, aid=obj, data=_data(form))

    def initial(self):
        case_id = self.request.GET.get("rights_case")
        return {"rights_case": case_id} if case_id and case_id.isdigit() else {}


class AidDeleteView(ObjectDeleteView):
    model, list_url_name = LegalAidCase, "rights:aid_list"

    def delete(self, obj):
        services_legal.legal_aid_delete(user=self.request.user, aid=obj)


# --- lawyers ------------------------------------------------------------------------------------------


class LawyerListView(ObjectListView):
    model, table_class, filterset_class = Lawyer, LawyerTable, LawyerFilterSet
    title = export_filename = "律师团"
    add_url_name = "rights:lawyer_add"
    empty_text = "律师团暂无成员。"

    def get_queryset(self, action):
        return Lawyer.objects.restrict(self.request.user, action).select_related("org")


class LawyerEditView(ObjectEditView):
    model, form_class, list_url_name = Lawyer, LawyerForm, "rights:lawyer_list"

    def create(self, form):
        return services_legal.lawyer_create(user=self.request.user, data=_data(form))

    def update(self, obj, form):
        return services_legal.lawyer_update(user=self.request.user, lawyer=obj, data=_data(form))


class LawyerDeleteView(ObjectDeleteView):
    model, list_url_name = Lawyer, "rights:lawyer_list"

    def delete(self, obj):
        services_legal.lawyer_delete(user=self.request.user, lawyer=obj)


# --- duty slots and bookings --------------------------------------------------------------------------


class DutyListView(ObjectListView):
    model, table_class, filterset_class = DutySlot, DutySlotTable, DutySlotFilterSet
    title = export_filename = "律师值班"
    add_url_name = "rights:duty_add"
    template_name = "rights/duty_list.html"
    empty_text = "没有符合条件的值班安排。"

    def get_queryset(self, action):
        return selectors.slots_for(self.request.user, action)


class DutyEditView(ObjectEditView):
    model, form_class, list_url_name = DutySlot, DutySlotForm, "rights:duty_list"
    template_name = "rights/duty_edit.html"

    def create(self, form):
        return services_legal.duty_slot_create(user=self.request.user, data=_data(form))

    def update(self, obj, form):
        return services_legal.duty_slot_update(user=self.request.user, slot=obj, data=_data(form))

    def render_form(self, form):
        bookings = []
        if self.obj is not None and can(self.request.user, DutyBooking, "view"):
            bookings = DutyBooking.objects.restrict(self.request.user, "view").filter(slot=self.obj)
        title = self.page_title()
        return render(
            self.request,
            self.template_name,
            {
                "title": title,
                "form": form,
                "slot": self.obj,
                "bookings": bookings,
                "statuses": BookingStatus.choices,
                "can_change_bookings": can(self.request.user, DutyBooking, "change"),
                "cancel_url": reverse(self.list_url_name),
                "breadcrumbs": [("律师值班", reverse(self.list_url_name)), (title, None)],
            },
        )


class DutyDeleteView(ObjectDeleteView):
    model, list_url_name = DutySlot, "rights:duty_list"

    def delete(self, obj):
        services_legal.duty_slot_delete(user=self.request.user, slot=obj)


@login_required
@require_POST
def booking_status(request, pk: int):
    booking = get_restricted_or_404(DutyBooking.objects.select_related("slot"), request.user, "change", pk=pk)
    try:
        services_legal.duty_booking_set_status(
            user=request.user, booking=booking, status=request.POST.get("status", "")
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, "已更新预约状态。")
    return HttpResponseRedirect(reverse("rights:duty_edit", args=[booking.slot_id]))


@require_http_methods(["GET", "POST"])
def public_duty(request):
    """律师驻点 on the worker's phone: the next two weeks' duty slots, each bookable (no login)."""
    today = timezone.localdate()
    form = BookingForm(request.POST or None)
    booked = None
    slot_id = request.POST.get("slot", "")
    if request.method == "POST":
        if throttled(request, "rights_booking"):
            form.add_error(None, THROTTLED)
        elif not slot_id.isdigit():
            form.add_error(None, "请选择要预约的值班时段。")
        elif form.is_valid():
            try:
                booking = services_legal.duty_booking_create(slot_id=int(slot_id), **form.cleaned_data)
            except ValidationError as error:
                apply_form_errors(form, error)
            else:
                booked = {"name": mask_name(booking.name), "slot": booking.slot, "lawyer": booking.slot.lawyer.name}
                form = BookingForm()
    return render(
        request,
        "rights/public_duty.html",
        {
            "title": "律师驻点 · 预约法律咨询",
            "slots": selectors.public_slots(today),
            "form": form,
            "selected": slot_id,
            "booked": booked,
            "full_status": BookingStatus.BOOKED,
        },
    )


# --- committees --------------------------------------------------------------------------------------


class CommitteeListView(ObjectListView):
    model, table_class, filterset_class = LegalSupervisionCommittee, CommitteeTable, CommitteeFilterSet
    title = export_filename = "劳动法律监督委员会"
    add_url_name = "rights:committee_add"
    empty_text = "没有符合条件的劳动法律监督委员会。"

    def get_queryset(self, action):
        return selectors.committees_for(self.request.user, action)


class CommitteeEditView(ObjectEditView):
    model, form_class, list_url_name = LegalSupervisionCommittee, CommitteeForm, "rights:committee_list"

    def create(self, form):
        data = _data(form)
        data.pop("members_text", None)
        return services_supervision.committee_create(user=self.request.user, data=data, members=form.member_rows())

    def update(self, obj, form):
        data = _data(form)
        data.pop("members_text", None)
        return services_supervision.committee_update(
            user=self.request.user, committee=obj, data=data, members=form.member_rows()
        )


class CommitteeDeleteView(ObjectDeleteView):
    model, list_url_name = LegalSupervisionCommittee, "rights:committee_list"

    def delete(self, obj):
        services_supervision.committee_delete(user=self.request.user, committee=obj)


def _committee_page(request, committee, document_form=None, reply_forms=None, status=200):
    can_change = LegalSupervisionCommittee.objects.restrict(request.user, "change").filter(pk=committee.pk).exists()
    documents = list(committee.documents.all())
    for document in documents:
        document.reply_form = (reply_forms or {}).get(document.pk) or ReplyForm(prefix=f"reply{document.pk}")
    return render(
        request,
        "rights/committee_detail.html",
        {
            "title": committee.name,
            "committee": committee,
            "members": committee.members.all(),
            "documents": documents,
            "can_change": can_change,
            "document_form": document_form or DocumentForm(),
            "breadcrumbs": [("劳动法律监督委员会", reverse("rights:committee_list")), (committee.name, None)],
        },
        status=status,
    )


def _committee_or_404(user, pk):
    return get_restricted_or_404(
        LegalSupervisionCommittee.objects.select_related("org", "employer"), user, "view", pk=pk
    )


@login_required
@require_GET
def committee_detail(request, pk: int):
    return _committee_page(request, _committee_or_404(request.user, pk))


@login_required
@require_POST
def committee_document_add(request, pk: int):
    committee = _committee_or_404(request.user, pk)
    form = DocumentForm(request.POST)
    if form.is_valid():
        try:
            services_supervision.document_create(user=request.user, committee=committee, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, "已登记一函两书。")
            return HttpResponseRedirect(committee.get_absolute_url())
    return _committee_page(request, committee, document_form=form)


@login_required
@require_POST
def committee_document_reply(request, pk: int, document_pk: int):
    committee = _committee_or_404(request.user, pk)
    document = committee.documents.filter(pk=document_pk).first()
    if document is None:
        messages.error(request, "该文书不属于这个委员会，请刷新页面后重试。")
        return HttpResponseRedirect(committee.get_absolute_url())
    form = ReplyForm(request.POST, prefix=f"reply{document.pk}")
    if form.is_valid():
        try:
            services_supervision.document_reply(user=request.user, document=document, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, "已记录单位答复。")
            return HttpResponseRedirect(committee.get_absolute_url())
    return _committee_page(request, committee, reply_forms={document.pk: form})


# --- contracts and instructors -------------------------------------------------------------------------


class ContractListView(ObjectListView):
    model, table_class, filterset_class = CollectiveContract, ContractTable, ContractFilterSet
    title = export_filename = "集体合同"
    add_url_name = "rights:contract_add"
    template_name = "rights/contract_list.html"
    empty_text = "没有符合条件的集体合同。"

    def get_queryset(self, action):
        return CollectiveContract.objects.restrict(self.request.user, action).select_related("org")


class ContractEditView(ObjectEditView):
    model, form_class, list_url_name = CollectiveContract, ContractForm, "rights:contract_list"

    def create(self, form):
        return services_supervision.contract_create(user=self.request.user, data=_data(form))

    def update(self, obj, form):
        return services_supervision.contract_update(user=self.request.user, contract=obj, data=_data(form))


class ContractDeleteView(ObjectDeleteView):
    model, list_url_name = CollectiveContract, "rights:contract_list"

    def delete(self, obj):
        services_supervision.contract_delete(user=self.request.user, contract=obj)


class InstructorListView(ObjectListView):
    model, table_class, filterset_class = BargainingInstructor, InstructorTable, InstructorFilterSet
    title = export_filename = "集体协商指导员"
    add_url_name = "rights:instructor_add"
    empty_text = "没有符合条件的集体协商指导员。"

    def get_queryset(self, action):
        return selectors.instructors_for(self.request.user, action)


class InstructorEditView(ObjectEditView):
    model, form_class, list_url_name = BargainingInstructor, InstructorForm, "rights:instructor_list"

    def create(self, form):
        return services_supervision.instructor_create(user=self.request.user, data=_data(form))

    def update(self, obj, form):
        return services_supervision.instructor_update(user=self.request.user, instructor=obj, data=_data(form))


class InstructorDeleteView(ObjectDeleteView):
    model, list_url_name = BargainingInstructor, "rights:instructor_list"

    def delete(self, obj):
        services_supervision.instructor_delete(user=self.request.user, instructor=obj)
