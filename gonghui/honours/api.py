"""JSON API of the honours app: the same selectors, services and restrict as the pages.

People appear by name and masked ID number only, as in the member registry's own API.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from gonghui.core.api_utils import raise_api_error, require_permission
from gonghui.core.querysets import get_restricted_or_404
from gonghui.honours import selectors_competitions as competitions
from gonghui.honours import selectors_honours as honours
from gonghui.honours import selectors_studios as studios
from gonghui.honours import services_competitions as competition_services
from gonghui.honours import services_honours as honour_services
from gonghui.honours.models import (
    AwardGrade,
    CareRecord,
    Competition,
    CompetitionKind,
    CompetitionParticipant,
    CompetitionProject,
    CompetitionStatus,
    DemoSite,
    Honour,
    HonourKind,
    HonourState,
    InnovationStudio,
    Level,
    PilotEnterprise,
    PilotStatus,
    ProjectMode,
    ProjectState,
    StageKind,
    StudioKind,
    StudioStatus,
)

router = Router(tags=["建功立业"])


class StageOut(Schema):
    kind: StageKind
    held_on: datetime.date
    title: str
    report: str


class CompetitionOut(Schema):
    id: int
    name: str
    kind: CompetitionKind
    level: Level
    brand: str
    subject: str
    org_id: int = Field(..., description="主办单位")
    org_name: str
    co_organisers: str
    start_date: datetime.date
    end_date: datetime.date
    status: CompetitionStatus

    @staticmethod
    def resolve_org_name(obj):
        return obj.org.name


class CompetitionDetailOut(CompetitionOut):
    rules: str
    prizes: str
    stages: list[StageOut]

    @staticmethod
    def resolve_stages(obj):
        return list(obj.stages.all())


class ProjectOut(Schema):
    id: int
    competition_id: int
    title: str
    mode: ProjectMode
    challenge_id: int | None
    org_id: int = Field(..., description="申报单位")
    org_name: str
    leader_name: str
    state: ProjectState
    current_org_id: int = Field(..., description="当前审核单位（审核中时）")
    current_org_name: str
    submitted_on: datetime.date
    accepted_on: datetime.date | None
    award: str

    @staticmethod
    def resolve_org_name(obj):
        return obj.org.name

    @staticmethod
    def resolve_current_org_name(obj):
        return obj.current_org.name


class ReviewIn(Schema):
    note: str = Field("", max_length=500, description="审核意见；不予通过时必填")


class ParticipantOut(Schema):
    id: int
    competition_id: int
    member_id: int
    name: str
    id_number_masked: str = Field(..., description="脱敏身份证号")
    org_id: int = Field(..., description="参赛单位")
    team_id: int | None
    event: str
    score: Decimal | None
    rank: int | None
    award: AwardGrade | str

    @staticmethod
    def resolve_name(obj):
        return obj.member.name

    @staticmethod
    def resolve_id_number_masked(obj):
        return obj.member.id_number_masked


def _competition(request, pk: int) -> Competition:
    require_permission(request, Competition, "view")
    found = competitions.competitions_for(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404("竞赛不存在或不在您的数据权限范围内。")
    return found


@router.get("/honours/competitions", response=list[CompetitionOut], summary="劳动和技能竞赛列表")
@paginate(PageNumberPagination)
def list_competitions(request, status: CompetitionStatus | None = None, kind: CompetitionKind | None = None):
    """Competitions in scope plus the running ones organised by the user's unit or above."""
    require_permission(request, Competition, "view")
    queryset = competitions.competitions_for(request.user)
    if status is not None:
        queryset = queryset.filter(status=status)
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-start_date", "pk")


@router.get("/honours/competitions/{int:pk}", response=CompetitionDetailOut, summary="竞赛详情")
def get_competition(request, pk: int):
    return _competition(request, pk)


@router.get("/honours/competitions/{int:pk}/participants", response=list[ParticipantOut], summary="竞赛参赛职工")
@paginate(PageNumberPagination)
def list_participants(request, pk: int):
    competition = _competition(request, pk)
    return competitions.competition_participants(request.user, competition)


@router.get("/honours/projects", response=list[ProjectOut], summary="竞赛项目列表")
@paginate(PageNumberPagination)
def list_projects(request, state: ProjectState | None = None, awaiting: bool = False):
    """``awaiting=true``: the projects waiting for the user's own unit to review (待本单位审核)."""
    require_permission(request, CompetitionProject, "view")
    queryset = competitions.projects_awaiting(request.user) if awaiting else competitions.projects_for(request.user)
    if state is not None:
        queryset = queryset.filter(state=state)
    return queryset.order_by("-submitted_on", "pk")


def _project(request, pk: int) -> CompetitionProject:
    return get_restricted_or_404(
        CompetitionProject.objects.select_related("org", "current_org", "competition__org"), request.user, pk=pk
    )


@router.get("/honours/projects/{int:pk}", response=ProjectOut, summary="竞赛项目详情")
def get_project(request, pk: int):
    return _project(request, pk)


def _project_step(request, pk: int, call, payload: ReviewIn):
    project = _project(request, pk)
    try:
        return call(user=request.user, project=project, note=payload.note)
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.post("/honours/projects/{int:pk}/recommend", response=ProjectOut, summary="审核推荐至上一级")
def recommend_project(request, pk: int, payload: ReviewIn):
    return _project_step(request, pk, competition_services.project_recommend, payload)


@router.post("/honours/projects/{int:pk}/accept", response=ProjectOut, summary="审定立项（主办单位）")
def accept_project(request, pk: int, payload: ReviewIn):
    return _project_step(request, pk, competition_services.project_accept, payload)


@router.post("/honours/projects/{int:pk}/reject", response=ProjectOut, summary="不予通过")
def reject_project(request, pk: int, payload: ReviewIn):
    return _project_step(request, pk, competition_services.project_reject, payload)


@router.get("/honours/participants", response=list[ParticipantOut], summary="参赛职工列表")
@paginate(PageNumberPagination)
def list_all_participants(request):
    require_permission(request, CompetitionParticipant, "view")
    return competitions.participants_for(request.user).order_by("competition", "pk")


# --- honours ---------------------------------------------------------------------------------------


class HonourOut(Schema):
    id: int
    kind: HonourKind
    level: Level
    title: str = Field(..., description="荣誉称号")
    year: int
    awarding_body: str
    org_id: int = Field(..., description="推荐单位")
    member_id: int | None
    holder_name: str = Field(..., description="获得者姓名或集体名称")
    id_number_masked: str = Field("", description="个人荣誉：脱敏身份证号")
    collective_name: str
    state: HonourState
    notice_start: datetime.date | None
    notice_end: datetime.date | None
    awarded_on: datetime.date | None
    certificate_no: str

    @staticmethod
    def resolve_title(obj):
        return obj.display_title

    @staticmethod
    def resolve_holder_name(obj):
        return obj.holder_name

    @staticmethod
    def resolve_id_number_masked(obj):
        return obj.member.id_number_masked if obj.member_id else ""


class PubliciseIn(Schema):
    notice_start: datetime.date
    notice_end: datetime.date
    note: str = Field("", max_length=500)


class AwardIn(Schema):
    awarded_on: datetime.date
    certificate_no: str = Field("", max_length=40)
    note: str = Field("", max_length=500)


class CareDueOut(Schema):
    honour_id: int
    holder_name: str
    kind: str
    kind_name: str
    due_on: datetime.date | None = Field(None, description="计划日期；本年度未安排时为空")
    overdue: bool


def _honour(request, pk: int) -> Honour:
    return get_restricted_or_404(Honour.objects.select_related("member", "org"), request.user, pk=pk)


@router.get("/honours/honours", response=list[HonourOut], summary="荣誉名册")
@paginate(PageNumberPagination)
def list_honours(request, state: HonourState | None = None, kind: HonourKind | None = None, year: int | None = None):
    require_permission(request, Honour, "view")
    queryset = honours.honours_for(request.user)
    if state is not None:
        queryset = queryset.filter(state=state)
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    if year is not None:
        queryset = queryset.filter(year=year)
    return queryset.order_by("-year", "pk")


@router.get("/honours/honours/{int:pk}", response=HonourOut, summary="荣誉详情")
def get_honour(request, pk: int):
    return _honour(request, pk)


def _honour_step(request, pk: int, call, **data):
    honour = _honour(request, pk)
    try:
        return call(user=request.user, honour=honour, **data)
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


@router.post("/honours/honours/{int:pk}/review", response=HonourOut, summary="审核通过")
def review_honour(request, pk: int, payload: ReviewIn):
    return _honour_step(request, pk, honour_services.honour_review, note=payload.note)


@router.post("/honours/honours/{int:pk}/publicise", response=HonourOut, summary="公示")
def publicise_honour(request, pk: int, payload: PubliciseIn):
    return _honour_step(request, pk, honour_services.honour_publicise, **payload.dict())


@router.post("/honours/honours/{int:pk}/award", response=HonourOut, summary="授予")
def award_honour(request, pk: int, payload: AwardIn):
    return _honour_step(request, pk, honour_services.honour_award, **payload.dict())


@router.post("/honours/honours/{int:pk}/reject", response=HonourOut, summary="不予授予")
def reject_honour(request, pk: int, payload: ReviewIn):
    return _honour_step(request, pk, honour_services.honour_reject, note=payload.note)


@router.get("/honours/care/due", response=list[CareDueOut], summary="劳模待遇待落实清单")
def list_care_due(request):
    require_permission(request, CareRecord, "view")
    today = timezone.localdate()
    planned, missing = honours.care_due(request.user, today)
    rows = [
        CareDueOut(
            honour_id=r.honour_id,
            holder_name=r.honour.holder_name,
            kind=r.kind,
            kind_name=r.get_kind_display(),
            due_on=r.due_on,
            overdue=r.due_on < today,
        )
        for r in planned
    ]
    rows += [
        CareDueOut(
            honour_id=m.honour.pk, holder_name=m.honour.holder_name, kind=m.kind, kind_name=m.kind.label, overdue=False
        )
        for m in missing
    ]
    return rows


# --- innovation studios ----------------------------------------------------------------------------


class StudioOut(Schema):
    id: int
    name: str
    kind: StudioKind
    level: Level
    org_id: int = Field(..., description="所属工会")
    leader_id: int
    leader_name: str
    field: str
    named_on: datetime.date
    named_by: str
    status: StudioStatus
    team_size: int
    patent_count: int
    award_count: int
    savings: Decimal = Field(..., description="创效/节约金额（元）")

    @staticmethod
    def resolve_leader_name(obj):
        return obj.leader.name


@router.get("/honours/studios", response=list[StudioOut], summary="创新工作室列表")
@paginate(PageNumberPagination)
def list_studios(request, status: StudioStatus | None = None, kind: StudioKind | None = None):
    require_permission(request, InnovationStudio, "view")
    queryset = studios.with_achievements(studios.studios_for(request.user))
    if status is not None:
        queryset = queryset.filter(status=status)
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-named_on", "pk")


@router.get("/honours/studios/{int:pk}", response=StudioOut, summary="创新工作室详情")
def get_studio(request, pk: int):
    require_permission(request, InnovationStudio, "view")
    found = studios.with_achievements(studios.studios_for(request.user)).filter(pk=pk).first()
    if found is None:
        raise Http404("工作室不存在或不在您的数据权限范围内。")
    return found


# --- 产改 ------------------------------------------------------------------------------------------


class PilotOut(Schema):
    id: int
    employer_id: int
    employer_name: str
    uscc: str
    batch: int
    designated_on: datetime.date
    feature: str
    status: PilotStatus
    org_id: int = Field(..., description="负责工会")
    measures_total: int
    measures_done: int

    @staticmethod
    def resolve_employer_name(obj):
        return obj.employer.name

    @staticmethod
    def resolve_uscc(obj):
        return obj.employer.uscc

    @staticmethod
    def resolve_measures_total(obj):
        return obj.measures.count()

    @staticmethod
    def resolve_measures_done(obj):
        return obj.measures.filter(status="done").count()


class DemoSiteOut(Schema):
    id: int
    name: str
    level: Level
    employer_id: int | None
    named_on: datetime.date
    named_by: str
    org_id: int


@router.get("/honours/reform/pilots", response=list[PilotOut], summary="产改试点企业")
@paginate(PageNumberPagination)
def list_pilots(request, batch: int | None = None, status: PilotStatus | None = None):
    require_permission(request, PilotEnterprise, "view")
    queryset = PilotEnterprise.objects.restrict(request.user).select_related("employer")
    if batch is not None:
        queryset = queryset.filter(batch=batch)
    if status is not None:
        queryset = queryset.filter(status=status)
    return queryset.order_by("batch", "pk")


@router.get("/honours/reform/pilots/{int:pk}", response=PilotOut, summary="产改试点企业详情")
def get_pilot(request, pk: int):
    return get_restricted_or_404(PilotEnterprise.objects.select_related("employer"), request.user, pk=pk)


@router.get("/honours/reform/sites", response=list[DemoSiteOut], summary="产改示范点")
@paginate(PageNumberPagination)
def list_demo_sites(request):
    require_permission(request, DemoSite, "view")
    return DemoSite.objects.restrict(request.user).order_by("-named_on", "pk")
