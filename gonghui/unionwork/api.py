"""Union work over JSON: dues, training, information submissions and joint meetings."""

import datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import Field, FilterLookup, FilterSchema, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from gonghui.core.api_utils import raise_api_error, require_permission
from gonghui.core.querysets import get_restricted_or_404
from gonghui.orgs.models import Employer, Organization
from gonghui.unionwork import selectors, services_dues, services_info, services_meetings, services_training
from gonghui.unionwork.models import (
    AdopterLevel,
    CourseKind,
    CourseStatus,
    DuesChannel,
    DuesRecord,
    InfoItem,
    InfoKind,
    JointMeeting,
    JointMeetingObligation,
    TrainingCourse,
    obligation_status,
)

router = Router(tags=["工会自身建设"])


def _org(request, pk: int | None, label: str = "单位") -> Organization | None:
    if pk is None:
        return None
    try:
        return get_restricted_or_404(Organization, request.user, "view", pk=pk)
    except Http404:
        raise HttpError(422, f"{label} {pk} 不存在或不在您的数据权限范围内。") from None


def _call(func, **kwargs):
    try:
        return func(**kwargs)
    except (ValidationError, PermissionDenied) as error:
        raise_api_error(error)


def _root(request, org_id: int | None) -> Organization:
    if org_id is None:
        if request.user.org_id is None:
            raise HttpError(422, "请指定单位 org_id。")
        org_id = request.user.org_id
    return get_restricted_or_404(Organization, request.user, "view", pk=org_id)


# --- dues ----------------------------------------------------------------------------------------------


class DuesOut(Schema):
    id: int
    org_id: int
    employer_id: int
    period: datetime.date
    payroll_base: Decimal
    due: Decimal
    paid: Decimal
    arrears: Decimal
    channel: DuesChannel
    paid_on: datetime.date | None
    note: str


class DuesIn(Schema):
    employer_id: int
    period: datetime.date = Field(..., description="所属期（该月任一日期，按月记录）")
    payroll_base: Decimal = Field(..., ge=0, decimal_places=2)
    paid: Decimal = Field(Decimal("0"), ge=0, decimal_places=2)
    channel: DuesChannel = DuesChannel.TAX
    paid_on: datetime.date | None = None
    note: str = ""


class DuesPatch(Schema):
    payroll_base: Decimal | None = Field(None, ge=0, decimal_places=2)
    paid: Decimal | None = Field(None, ge=0, decimal_places=2)
    channel: DuesChannel | None = None
    paid_on: datetime.date | None = None
    note: str | None = None


class DuesFilter(FilterSchema):
    q: Annotated[str | None, FilterLookup(["employer__name__icontains", "employer__uscc__icontains"])] = None
    channel: DuesChannel | None = None
    period_from: Annotated[datetime.date | None, FilterLookup("period__gte")] = None
    period_to: Annotated[datetime.date | None, FilterLookup("period__lte")] = None


def _employer(request, pk: int) -> Employer:
    employer = Employer.objects.restrict(request.user, "view").filter(pk=pk).first()
    if employer is None:
        raise HttpError(422, f"用人单位 {pk} 不存在或不在您的数据权限范围内。")
    return employer


@router.get("/dues-records", response=list[DuesOut], summary="工会经费收缴记录列表")
@paginate(PageNumberPagination)
def dues_list(request, filters: Query[DuesFilter]):
    require_permission(request, DuesRecord, "view")
    return filters.filter(DuesRecord.objects.restrict(request.user, "view"))


@router.get("/dues-records/{int:pk}", response=DuesOut, summary="工会经费收缴记录详情")
def dues_get(request, pk: int):
    return get_restricted_or_404(DuesRecord, request.user, "view", pk=pk)


@router.post("/dues-records", response={201: DuesOut}, summary="登记工会经费收缴")
def dues_create(request, payload: DuesIn):
    require_permission(request, DuesRecord, "add")
    data = payload.dict()
    data["employer"] = _employer(request, data.pop("employer_id"))
    return Status(201, _call(services_dues.dues_create, user=request.user, data=data))


@router.patch("/dues-records/{int:pk}", response=DuesOut, summary="修改工会经费收缴记录")
def dues_update(request, pk: int, payload: DuesPatch):
    record = get_restricted_or_404(DuesRecord, request.user, "change", pk=pk)
    return _call(services_dues.dues_update, user=request.user, record=record, data=payload.dict(exclude_unset=True))


@router.delete("/dues-records/{int:pk}", response={204: None}, summary="删除工会经费收缴记录")
def dues_delete(request, pk: int):
    record = get_restricted_or_404(DuesRecord, request.user, "delete", pk=pk)
    _call(services_dues.dues_delete, user=request.user, record=record)
    return Status(204, None)


class CollectionRowOut(Schema):
    org_id: int
    name: str
    employers: int
    due: Decimal
    paid: Decimal
    arrears: Decimal
    rate: Decimal | None
    paid_last_year: Decimal
    growth: Decimal | None


@router.get("/dues-collection", response=list[CollectionRowOut], summary="经费收缴率与同比（按下级单位）")
def dues_collection(request, org_id: int | None = None, year: int | None = None, month: int | None = None):
    require_permission(request, DuesRecord, "view")
    root = _root(request, org_id)
    today = timezone.localdate()
    year = year or today.year
    month = month or (max(today.month - 1, 1) if year == today.year else 12)
    if not 2000 <= year <= 2100 or not 1 <= month <= 12:
        raise HttpError(422, "年度应在 2000–2100 之间，月份应为 1–12。")
    table = selectors.collection_table(request.user, root, year, month)
    return [
        {"org_id": row.unit.pk, "name": row.label, "employers": row.employers, "due": row.due, "paid": row.paid,
         "arrears": row.arrears, "rate": row.rate, "paid_last_year": row.paid_last_year, "growth": row.growth}
        for row in table.rows
    ]  # fmt: skip


# --- training -------------------------------------------------------------------------------------------


class CourseOut(Schema):
    id: int
    org_id: int
    name: str
    kind: CourseKind
    start_on: datetime.date
    end_on: datetime.date
    hours: Decimal
    location: str
    status: CourseStatus


class CourseIn(Schema):
    org_id: int
    name: str = Field(..., min_length=1, max_length=120)
    kind: CourseKind = CourseKind.CADRE
    start_on: datetime.date
    end_on: datetime.date
    hours: Decimal = Field(..., gt=0)
    location: str = ""
    status: CourseStatus = CourseStatus.PLANNED
    note: str = ""


class TraineeIn(Schema):
    name: str = Field("", max_length=40)
    work_unit: str = ""
    position: str = ""
    is_chair: bool = False
    user_id: int | None = None
    member_card: str | None = Field(None, max_length=15, description="会员证号：学员是会员时填写")
    hours_attended: Decimal = Field(Decimal("0"), ge=0)
    completed: bool = False


class TraineeOut(Schema):
    id: int
    name: str
    work_unit: str
    position: str
    is_chair: bool
    hours_attended: Decimal
    completed: bool


class CourseFilter(FilterSchema):
    q: Annotated[str | None, FilterLookup(["name__icontains", "location__icontains"])] = None
    kind: CourseKind | None = None
    status: CourseStatus | None = None


@router.get("/training-courses", response=list[CourseOut], summary="培训班列表")
@paginate(PageNumberPagination)
def training_list(request, filters: Query[CourseFilter]):
    require_permission(request, TrainingCourse, "view")
    return filters.filter(TrainingCourse.objects.restrict(request.user, "view"))


@router.get("/training-courses/{int:pk}", response=CourseOut, summary="培训班详情")
def training_get(request, pk: int):
    return get_restricted_or_404(TrainingCourse, request.user, "view", pk=pk)


@router.post("/training-courses", response={201: CourseOut}, summary="登记培训班")
def training_create(request, payload: CourseIn):
    require_permission(request, TrainingCourse, "add")
    data = payload.dict()
    data["org"] = _org(request, data.pop("org_id"))
    return Status(201, _call(services_training.course_create, user=request.user, data=data))


@router.get("/training-courses/{int:pk}/trainees", response=list[TraineeOut], summary="培训班学员")
def training_trainees(request, pk: int):
    course = get_restricted_or_404(TrainingCourse, request.user, "view", pk=pk)
    return list(course.trainees.all())


@router.post("/training-courses/{int:pk}/trainees", response={201: TraineeOut}, summary="添加培训学员")
def training_add_trainee(request, pk: int, payload: TraineeIn):
    course = get_restricted_or_404(TrainingCourse, request.user, "change", pk=pk)
    data = payload.dict()
    user_id = data.pop("user_id")
    if user_id is not None:
        from gonghui.accounts.models import User

        account = User.objects.restrict(request.user, "view").filter(pk=user_id).first()
        if account is None:
            raise HttpError(422, f"账号 {user_id} 不存在或不在您的数据权限范围内。")
        data["user"] = account
    card = data.pop("member_card", None)
    if card:
        from gonghui.members.models import Member

        member = Member.objects.restrict(request.user, "view").filter(member_card_number=card.strip()).first()
        if member is None:
            raise HttpError(422, f"没有找到会员证号为 {card} 的会员（或不在您的数据权限范围内）。")
        data["member"] = member
    return Status(201, _call(services_training.trainee_add, user=request.user, course=course, data=data))


# --- information ----------------------------------------------------------------------------------------


class InfoOut(Schema):
    id: int
    org_id: int
    title: str
    kind: InfoKind
    submitted_on: datetime.date
    author: str
    content: str


class InfoIn(Schema):
    org_id: int
    title: str = Field(..., min_length=1, max_length=200)
    kind: InfoKind = InfoKind.INFO
    submitted_on: datetime.date
    author: str = ""
    content: str = Field(..., min_length=1)


class AdoptionIn(Schema):
    adopter_level: AdopterLevel
    adopter_name: str = Field(..., min_length=1, max_length=100)
    adopted_on: datetime.date


class AdoptionOut(Schema):
    id: int
    adopter_level: AdopterLevel
    adopter_name: str
    adopted_on: datetime.date
    score: Decimal


class InfoFilter(FilterSchema):
    q: Annotated[str | None, FilterLookup(["title__icontains", "author__icontains"])] = None
    kind: InfoKind | None = None
    submitted_from: Annotated[datetime.date | None, FilterLookup("submitted_on__gte")] = None
    submitted_to: Annotated[datetime.date | None, FilterLookup("submitted_on__lte")] = None


@router.get("/info-items", response=list[InfoOut], summary="报送信息列表")
@paginate(PageNumberPagination)
def info_list(request, filters: Query[InfoFilter]):
    require_permission(request, InfoItem, "view")
    return filters.filter(InfoItem.objects.restrict(request.user, "view"))


@router.get("/info-items/{int:pk}", response=InfoOut, summary="报送信息详情")
def info_get(request, pk: int):
    return get_restricted_or_404(InfoItem, request.user, "view", pk=pk)


@router.post("/info-items", response={201: InfoOut}, summary="报送信息")
def info_create(request, payload: InfoIn):
    require_permission(request, InfoItem, "add")
    data = payload.dict()
    data["org"] = _org(request, data.pop("org_id"))
    return Status(201, _call(services_info.info_create, user=request.user, data=data))


@router.post("/info-items/{int:pk}/adoptions", response={201: AdoptionOut}, summary="登记信息采用（上级工会）")
def info_adopt(request, pk: int, payload: AdoptionIn):
    item = get_restricted_or_404(InfoItem, request.user, "view", pk=pk)
    return Status(201, _call(services_info.adoption_add, user=request.user, item=item, data=payload.dict()))


class RankingOut(Schema):
    rank: int
    org_id: int
    name: str
    submitted: int
    submitted_last_month: int
    month_change: Decimal | None
    submitted_last_year: int
    year_change: Decimal | None
    adopted: int
    score: Decimal
    ytd_submitted: int
    ytd_score: Decimal


@router.get("/info-ranking", response=list[RankingOut], summary="信息报送统计排名（按下级单位）")
def info_ranking(request, year: int, month: int = Query(..., ge=1, le=12), org_id: int | None = None):
    require_permission(request, InfoItem, "view")
    if not 2000 <= year <= 2100:
        raise HttpError(422, "年度应在 2000–2100 之间。")
    root = _root(request, org_id)
    return [
        {"rank": row.rank, "org_id": row.unit.pk, "name": row.label, "submitted": row.submitted,
         "submitted_last_month": row.submitted_last_month, "month_change": row.month_change,
         "submitted_last_year": row.submitted_last_year, "year_change": row.year_change, "adopted": row.adopted,
         "score": row.score, "ytd_submitted": row.ytd_submitted, "ytd_score": row.ytd_score}
        for row in selectors.info_ranking(request.user, root, year, month)
    ]  # fmt: skip


# --- joint meetings ---------------------------------------------------------------------------------------


class MeetingOut(Schema):
    id: int
    org_id: int
    title: str
    held_on: datetime.date
    location: str
    government_attendees: str
    union_attendees: str
    departments: str
    agenda: str


class MeetingIn(Schema):
    org_id: int
    title: str = Field(..., min_length=1, max_length=200)
    held_on: datetime.date
    location: str = ""
    government_attendees: str = Field(..., min_length=1)
    union_attendees: str = Field(..., min_length=1)
    departments: str = ""
    agenda: str = Field(..., min_length=1)


class DecisionIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    lead_department: str = Field("", max_length=60)
    lead_unit_id: int | None = None
    deadline: datetime.date


class DecisionOut(Schema):
    id: int
    title: str
    lead_department: str
    lead_unit_id: int
    deadline: datetime.date
    task_id: int | None
    task_state: str | None = None

    @staticmethod
    def resolve_task_state(obj) -> str | None:
        return obj.task.state if obj.task_id else None


class ObligationOut(Schema):
    id: int
    org_id: int
    year: int
    deadline: datetime.date
    held_on: datetime.date | None
    status: str

    @staticmethod
    def resolve_status(obj) -> str:
        return obligation_status(obj)


@router.get("/joint-meetings", response=list[MeetingOut], summary="联席会议列表")
@paginate(PageNumberPagination)
def jointmeeting_list(request):
    require_permission(request, JointMeeting, "view")
    return JointMeeting.objects.restrict(request.user, "view")


@router.get("/joint-meetings/{int:pk}", response=MeetingOut, summary="联席会议详情")
def jointmeeting_get(request, pk: int):
    return get_restricted_or_404(JointMeeting, request.user, "view", pk=pk)


@router.post("/joint-meetings", response={201: MeetingOut}, summary="登记联席会议")
def jointmeeting_create(request, payload: MeetingIn):
    require_permission(request, JointMeeting, "add")
    data = payload.dict()
    data["org"] = _org(request, data.pop("org_id"))
    return Status(201, _call(services_meetings.meeting_create, user=request.user, data=data))


@router.get("/joint-meetings/{int:pk}/decisions", response=list[DecisionOut], summary="联席会议议定事项及督办状态")
def jointmeeting_decisions(request, pk: int):
    meeting = get_restricted_or_404(JointMeeting, request.user, "view", pk=pk)
    return list(meeting.decisions.select_related("task"))


@router.post("/joint-meetings/{int:pk}/decisions", response={201: DecisionOut}, summary="登记议定事项并交办为督办事项")
def jointmeeting_add_decision(request, pk: int, payload: DecisionIn):
    meeting = get_restricted_or_404(JointMeeting, request.user, "change", pk=pk)
    data = payload.dict()
    data["lead_unit"] = _org(request, data.pop("lead_unit_id"), "牵头工会")
    return Status(201, _call(services_meetings.decision_add, user=request.user, meeting=meeting, data=data))


@router.get("/joint-meeting-obligations", response=list[ObligationOut], summary="联席会议年度任务（含逾期）")
@paginate(PageNumberPagination)
def jointmeeting_obligations(request, year: int | None = None, overdue: bool = False):
    require_permission(request, JointMeetingObligation, "view")
    queryset = selectors.obligations_for(request.user)
    if year:
        queryset = queryset.filter(year=year)
    if overdue:
        queryset = queryset.filter(selectors.overdue_q(timezone.localdate()))
    return queryset
