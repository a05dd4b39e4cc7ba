"""建会 and 换届 pages. Thin: parse, call a selector or service, render."""

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

from gonghui.core.exports import write_xlsx, xlsx_response
from gonghui.core.forms import apply_form_errors
from gonghui.core.middleware import mark_operation
from gonghui.core.querysets import can, get_restricted_or_404
from gonghui.core.views_generic import ObjectDeleteView, ObjectListView, ScopedViewMixin
from gonghui.orgs import selectors_establishment as selectors
from gonghui.orgs import services_establishment as services
from gonghui.orgs.filtersets_establishment import (
    CommitteeMemberFilterSet,
    EstablishmentCaseFilterSet,
    ReElectionFilterSet,
    TermFilterSet,
)
from gonghui.orgs.forms_establishment import (
    ApproveForm,
    DocumentsForm,
    EstablishmentCaseForm,
    ReasonForm,
    ReElectionForm,
    ResultsForm,
    StepForm,
)
from gonghui.orgs.models import Employer, Organization
from gonghui.orgs.models_establishment import (
    NEXT_STEP,
    CommitteeMember,
    EstablishmentCase,
    EstablishmentDocument,
    EstablishmentState,
    LeadSource,
    ReElection,
    ReElectionDocument,
    ReElectionStatus,
)
from gonghui.orgs.tables_establishment import (
    CommitteeMemberTable,
    EstablishmentCaseTable,
    ReElectionTable,
    TermTable,
)

NO_PERMISSION = "您没有此功能的权限，请联系安全管理员分配角色。"


def _require(user, model, action: str) -> None:
    if not can(user, model, action):
        raise PermissionDenied(NO_PERMISSION)


def _files(request) -> list:
    return request.FILES.getlist("files")


# --- establishment cases -------------------------------------------------------------------------------


class EstablishmentCaseListView(ObjectListView):
    model = EstablishmentCase
    table_class = EstablishmentCaseTable
    filterset_class = EstablishmentCaseFilterSet
    title = "建会案卷"
    add_url_name = "orgs:establishment_add"
    export_filename = "建会案卷"
    empty_text = "没有符合条件的建会案卷。"

    def get_queryset(self, action):
        return selectors.cases_for(self.request.user, action)


class EstablishmentOverdueView(EstablishmentCaseListView):
    title = "建会超期预警"
    export_filename = "建会超期案卷"
    empty_text = "没有超期的建会案卷。"
    add_url_name = None

    def get_queryset(self, action):
        return selectors.overdue_cases(self.request.user).restrict(self.request.user, action)


class EstablishmentCreateView(ScopedViewMixin, View):
    model = EstablishmentCase

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.require("add")
        return super().dispatch(request, *args, **kwargs)

    def initial(self) -> dict:
        initial: dict = {}
        employer_id = self.request.GET.get("employer", "")
        if employer_id.isdigit():
            employer = Employer.objects.restrict(self.request.user, "view").filter(pk=employer_id).first()
            if employer is not None:
                initial.update(
                    employers=[employer.pk],
                    union_name=f"{employer.name}工会委员会",
                    region_code=employer.region_code,
                    worker_count=employer.staff_count,
                )
                parent = selectors.parents_for(self.request.user).filter(pk=employer.org_id).first()
                if parent is not None:
                    initial["org"] = parent.pk
        name = self.request.GET.get("name", "").strip()
        if name and "union_name" not in initial:
            initial["union_name"] = f"{name[:90]}工会委员会"
        source = self.request.GET.get("source", "")
        if source in LeadSource.values:
            initial["lead_source"] = source
        return initial

    def render_form(self, form):
        return render(
            self.request,
            "core/object_edit.html",
            {
                "title": "新建建会案卷",
                "form": form,
                "cancel_url": reverse("orgs:establishment_list"),
                "breadcrumbs": [("建会案卷", reverse("orgs:establishment_list")), ("新建", None)],
            },
        )

    def get(self, request):
        return self.render_form(EstablishmentCaseForm(user=request.user, initial=self.initial()))

    def post(self, request):
        form = EstablishmentCaseForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            parent = data.pop("org")
            employers = data.pop("employers")
            files = data.pop("files")
            try:
                case = services.establishment_create(
                    user=request.user, parent=parent, employers=employers, data=data, files=files
                )
            except (ValidationError, PermissionDenied) as error:
                apply_form_errors(form, error)
            else:
                messages.success(request, f"已登记建会申请「{case.union_name}」，案卷编号 {case.number}。")
                return HttpResponseRedirect(case.get_absolute_url())
        return self.render_form(form)


def _case(request, pk: int, action: str = "view") -> EstablishmentCase:
    return get_restricted_or_404(selectors.cases_for(request.user, action), request.user, action, pk=pk)


def _detail_context(request, case: EstablishmentCase, **forms) -> dict:
    user = request.user
    may = {
        action: EstablishmentCase.objects.restrict(user, action).filter(pk=case.pk).exists()
        for action in ("change", "approve", "delete")
    }
    waiting = NEXT_STEP.get(case.state)
    step_action = "approve" if case.state in (EstablishmentState.APPLIED, EstablishmentState.ELECTED) else "change"
    can_step = case.is_open and (may[step_action] if waiting else may["change"])
    context = {
        "title": f"建会案卷：{case.union_name}",
        "case": case,
        "steps": case.steps.prefetch_related("documents"),
        "documents": case.documents.all(),
        "employers": case.employers.all(),
        "committee": case.committee_members.all(),
        "overdue_days": case.days_overdue(),
        "may": may,
        "can_step": can_step,
        "step_label": case.next_step_label,
        "step_form": forms.get("step_form") or (StepForm(state=case.state) if can_step else None),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "documents_form": forms.get("documents_form") or DocumentsForm(),
        "breadcrumbs": [("建会案卷", reverse("orgs:establishment_list")), (case.number, None)],
    }
    return context


@login_required
@require_GET
def establishment_detail(request, pk: int):
    case = _case(request, pk)
    return render(request, "orgs/establishment/detail.html", _detail_context(request, case))


@login_required
@require_POST
def establishment_step(request, pk: int):
    case = _case(request, pk)
    form = StepForm(request.POST, request.FILES, state=case.state)
    if form.is_valid():
        data = dict(form.cleaned_data)
        label = case.next_step_label
        try:
            if case.state == EstablishmentState.RETURNED:
                case = services.establishment_resubmit(
                    user=request.user,
                    case=case,
                    acted_on=data["acted_on"],
                    note=data.get("note", ""),
                    files=data.get("files", []),
                )
            else:
                case = services.establishment_advance(
                    user=request.user,
                    case=case,
                    acted_on=data.pop("acted_on"),
                    note=data.pop("note", ""),
                    files=data.pop("files", []),
                    data=data,
                )
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            if case.state == EstablishmentState.ESTABLISHED:
                messages.success(request, f"已批复成立「{case.created_union.name}」，新工会已加入组织架构。")
            else:
                messages.success(request, f"已办理：{label}。")
            return HttpResponseRedirect(case.get_absolute_url())
    case.refresh_from_db()
    return render(request, "orgs/establishment/detail.html", _detail_context(request, case, step_form=form), status=422)


class _CaseDecisionView(ScopedViewMixin, View):
    """退回 / 不予批准: GET asks for confirmation with the reason, POST records it."""

    model = EstablishmentCase
    title = ""
    question = ""
    confirm_label = ""

    def service(self, **kwargs):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.require("approve")
        self.case = _case(request, kwargs["pk"], "approve")
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, form, status=200):
        return render(
            self.request,
            "core/object_confirm.html",
            {
                "title": f"{self.title}：{self.case.union_name}",
                "question": self.question.format(name=self.case.union_name),
                "form": form,
                "confirm_label": self.confirm_label,
                "cancel_url": self.case.get_absolute_url(),
            },
            status=status,
        )

    def get(self, request, pk):
        return self.render_page(ReasonForm())

    def post(self, request, pk):
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                self.service(user=request.user, case=self.case, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                apply_form_errors(form, error)
            else:
                messages.success(request, f"已{self.confirm_label.removeprefix('确认')}：{self.case.union_name}。")
                return HttpResponseRedirect(self.case.get_absolute_url())
        return self.render_page(form, status=422)


class EstablishmentReturnView(_CaseDecisionView):
    title = "退回修改"
    question = "确定把「{name}」的建会案卷退回申请单位修改吗？请写明需要补正的内容。"
    confirm_label = "确认退回"

    def service(self, **kwargs):
        return services.establishment_return(**kwargs)


class EstablishmentRejectView(_CaseDecisionView):
    title = "不予批准"
    question = "确定对「{name}」的建会申请作不予批准处理吗？案卷将办结，不能再继续办理。"
    confirm_label = "确认不予批准"

    def service(self, **kwargs):
        return services.establishment_reject(**kwargs)


@login_required
@require_POST
def establishment_documents(request, pk: int):
    case = _case(request, pk)
    form = DocumentsForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.establishment_add_documents(user=request.user, case=case, files=form.cleaned_data["files"])
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, f"已上传 {len(form.cleaned_data['files'])} 个文件。")
            return HttpResponseRedirect(case.get_absolute_url())
    return render(
        request, "orgs/establishment/detail.html", _detail_context(request, case, documents_form=form), status=422
    )


def _download(request, document, label: str):
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("文件已丢失，请重新上传。") from None
    mark_operation(request, f"下载{label}「{document.original_name}」")
    return FileResponse(handle, as_attachment=True, filename=document.original_name)


@login_required
@require_GET
def establishment_document_download(request, pk: int):
    visible = selectors.cases_for(request.user).values("pk")
    document = get_object_or_404(EstablishmentDocument.objects.filter(case__in=visible), pk=pk)
    return _download(request, document, "建会材料")


class EstablishmentDeleteView(ObjectDeleteView):
    model = EstablishmentCase
    list_url_name = "orgs:establishment_list"

    def delete(self, obj):
        services.establishment_delete(user=self.request.user, case=obj)


LEAD_HEADERS = ("线索来源", "用人单位", "职工人数", "规模", "入会申请人数", "受理工会", "负责单位")


@login_required
@require_GET
def establishment_leads(request):
    """建会线索: join-cluster signals and size-band employers without a union; one click starts a case."""
    _require(request.user, Employer, "view")
    band = request.GET.get("band", "")
    q = request.GET.get("q", "").strip()
    leads = selectors.leads_for(request.user, band=band, q=q)
    if request.GET.get("export") == "xlsx":
        _require(request.user, Employer, "export")
        rows = (
            (
                lead.source_label,
                lead.employer_name,
                lead.staff_count,
                lead.band,
                lead.applicants,
                lead.unions,
                str(lead.responsible or ""),
            )
            for lead in leads
        )
        mark_operation(request, f"导出建会线索（{len(leads)} 条）")
        return xlsx_response(write_xlsx(list(LEAD_HEADERS), rows, sheet="建会线索"), "建会线索")
    page = Paginator(leads, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "orgs/establishment/leads.html",
        {
            "title": "建会线索",
            "page": page,
            "total": len(leads),
            "band": band,
            "q": q,
            "query": query.urlencode(),
            "can_start": can(request.user, EstablishmentCase, "add"),
            "breadcrumbs": [("建会线索", None)],
        },
    )


# --- re-election ---------------------------------------------------------------------------------------


class ReElectionListView(ObjectListView):
    model = ReElection
    table_class = ReElectionTable
    filterset_class = ReElectionFilterSet
    title = "换届选举"
    add_url_name = "orgs:reelection_add"
    export_filename = "换届选举"
    empty_text = "没有符合条件的换届记录。"

    def get_queryset(self, action):
        return selectors.reelections_for(self.request.user, action)


class ReElectionDueView(ObjectListView):
    """到期换届: unions whose term ends within six months (or three, or has ended) in the user's subtree."""

    model = Organization
    table_class = TermTable
    filterset_class = TermFilterSet
    template_name = "orgs/establishment/due.html"
    export_filename = "到期换届工会"
    empty_text = "没有需要换届的工会。"
    WINDOWS = {"due": "六个月内到期(含超期)", "three": "三个月内到期(含超期)", "overdue": "已超期未换届"}

    @property
    def window(self) -> str:
        value = self.request.GET.get("window", "due")
        return value if value in self.WINDOWS else "due"

    @property
    def title(self):
        return f"到期换届：{self.WINDOWS[self.window]}"

    def require(self, action):
        super().require(action)
        if not can(self.request.user, ReElection, "view"):
            raise PermissionDenied(NO_PERMISSION)

    def get_queryset(self, action):
        return selectors.term_orgs(self.request.user, window=self.window).restrict(self.request.user, action)

    def extra_context(self):
        return {"windows": self.WINDOWS, "window": self.window, "can_plan": can(self.request.user, ReElection, "add")}


class ReElectionCreateView(ScopedViewMixin, View):
    model = ReElection

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
                "title": "计划换届",
                "form": form,
                "cancel_url": reverse("orgs:reelection_list"),
                "breadcrumbs": [("换届选举", reverse("orgs:reelection_list")), ("计划换届", None)],
            },
        )

    def get(self, request):
        initial = {}
        org_id = request.GET.get("org", "")
        if org_id.isdigit():
            initial["org"] = int(org_id)
        return self.render_form(ReElectionForm(user=request.user, initial=initial))

    def post(self, request):
        form = ReElectionForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                re_election = services.reelection_create(
                    user=request.user, org=data.pop("org"), data=data, files=data.pop("files")
                )
            except (ValidationError, PermissionDenied) as error:
                apply_form_errors(form, error)
            else:
                messages.success(request, f"已登记「{re_election.org.name}」的换届计划。")
                return HttpResponseRedirect(re_election.get_absolute_url())
        return self.render_form(form)


def _reelection(request, pk: int, action: str = "view") -> ReElection:
    return get_restricted_or_404(selectors.reelections_for(request.user, action), request.user, action, pk=pk)


def _reelection_context(request, re_election: ReElection, **forms) -> dict:
    user = request.user
    may = {
        action: ReElection.objects.restrict(user, action).filter(pk=re_election.pk).exists()
        for action in ("change", "approve", "delete")
    }
    initial = {
        "election_on": re_election.election_on,
        "term_start": re_election.term_start,
        "term_end": re_election.term_end,
        "chair_name": re_election.chair_name,
        "vice_chairs": re_election.vice_chairs,
        "committee": re_election.committee,
    }
    return {
        "title": f"换届选举：{re_election.org.name}",
        "re_election": re_election,
        "documents": re_election.documents.all(),
        "committee": CommitteeMember.objects.restrict(user).filter(org=re_election.org, is_current=True),
        "may": may,
        "is_approved": re_election.status == ReElectionStatus.APPROVED,
        "results_form": forms.get("results_form") or ResultsForm(initial=initial),
        "approve_form": forms.get("approve_form") or ApproveForm(),
        "documents_form": forms.get("documents_form") or DocumentsForm(),
        "breadcrumbs": [("换届选举", reverse("orgs:reelection_list")), (re_election.org.name, None)],
    }


@login_required
@require_GET
def reelection_detail(request, pk: int):
    re_election = _reelection(request, pk)
    return render(request, "orgs/establishment/reelection_detail.html", _reelection_context(request, re_election))


@login_required
@require_POST
def reelection_results(request, pk: int):
    re_election = _reelection(request, pk)
    form = ResultsForm(request.POST, request.FILES)
    if form.is_valid():
        data = dict(form.cleaned_data)
        files = data.pop("files")
        try:
            services.reelection_record_results(user=request.user, re_election=re_election, data=data, files=files)
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, "已保存选举结果，等待上级工会批复。")
            return HttpResponseRedirect(re_election.get_absolute_url())
    return render(
        request,
        "orgs/establishment/reelection_detail.html",
        _reelection_context(request, re_election, results_form=form),
        status=422,
    )


class ReElectionApproveView(ScopedViewMixin, View):
    model = ReElection

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.require("approve")
        self.re_election = _reelection(request, kwargs["pk"], "approve")
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, form, status=200):
        item = self.re_election
        return render(
            self.request,
            "core/object_confirm.html",
            {
                "title": f"批复换届结果：{item.org.name}",
                "question": f"确定批复「{item.org.name}」的换届选举结果吗？"
                f"批复后工会主席将更新为「{item.chair_name}」，"
                f"任期届满日期更新为 {item.term_end or '—'}，并以本次当选人员替换委员会名单。",
                "form": form,
                "confirm_label": "确认批复",
                "cancel_url": item.get_absolute_url(),
            },
            status=status,
        )

    def get(self, request, pk):
        return self.render_page(ApproveForm())

    def post(self, request, pk):
        form = ApproveForm(request.POST)
        if form.is_valid():
            try:
                services.reelection_approve(
                    user=request.user, re_election=self.re_election, approved_on=form.cleaned_data["approved_on"]
                )
            except (ValidationError, PermissionDenied) as error:
                apply_form_errors(form, error)
            else:
                messages.success(request, f"已批复「{self.re_election.org.name}」的换届结果。")
                return HttpResponseRedirect(self.re_election.get_absolute_url())
        return self.render_page(form, status=422)


@login_required
@require_POST
def reelection_documents(request, pk: int):
    re_election = _reelection(request, pk)
    form = DocumentsForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.reelection_add_documents(
                user=request.user, re_election=re_election, files=form.cleaned_data["files"]
            )
        except (ValidationError, PermissionDenied) as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, f"已上传 {len(form.cleaned_data['files'])} 个文件。")
            return HttpResponseRedirect(re_election.get_absolute_url())
    return render(
        request,
        "orgs/establishment/reelection_detail.html",
        _reelection_context(request, re_election, documents_form=form),
        status=422,
    )


@login_required
@require_GET
def reelection_document_download(request, pk: int):
    visible = selectors.reelections_for(request.user).values("pk")
    document = get_object_or_404(ReElectionDocument.objects.filter(re_election__in=visible), pk=pk)
    return _download(request, document, "换届材料")


class ReElectionDeleteView(ObjectDeleteView):
    model = ReElection
    list_url_name = "orgs:reelection_list"

    def delete(self, obj):
        services.reelection_delete(user=self.request.user, re_election=obj)


class CommitteeMemberListView(ObjectListView):
    model = CommitteeMember
    table_class = CommitteeMemberTable
    filterset_class = CommitteeMemberFilterSet
    title = "工会委员会"
    export_filename = "工会委员会委员"
    empty_text = "没有符合条件的委员。"

    def get_queryset(self, action):
        return self.restricted(action).select_related("org")
