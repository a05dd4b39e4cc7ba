"""建会 (union establishment cases) and 换届 (re-elections), with the committees they elect.

An establishment case belongs to the proposed parent union (``org``): the parent and its ancestors see
it, the parent approves each step. A re-election belongs to the union whose term it renews.
"""

from __future__ import annotations

import datetime
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import BUSINESS_PERMISSIONS, ChangeLoggedModel, ScopedModel
from gonghui.core.querysets import RestrictedQuerySet
from gonghui.notices.models import format_size, validate_attachment

# --- establishment -------------------------------------------------------------------------------------


class EstablishmentState(models.TextChoices):
    APPLIED = "applied", "已提交申请"
    PREPARING = "preparing", "已批复筹建"
    ASSEMBLED = "assembled", "已召开会员大会"
    ELECTED = "elected", "已报选举结果"
    ESTABLISHED = "established", "已批复成立"
    RETURNED = "returned", "退回修改"
    REJECTED = "rejected", "不予批准"


OPEN_STATES = (
    EstablishmentState.APPLIED,
    EstablishmentState.PREPARING,
    EstablishmentState.ASSEMBLED,
    EstablishmentState.ELECTED,
    EstablishmentState.RETURNED,
)


class EstablishmentStepKind(models.TextChoices):
    APPLICATION = "application", "建会申请"
    PREPARATION_APPROVAL = "preparation_approval", "上级工会批复筹建"
    ASSEMBLY = "assembly", "召开会员(代表)大会"
    ELECTION = "election", "报送选举结果"
    FINAL_APPROVAL = "final_approval", "上级工会批复成立"
    RETURN = "return", "退回修改"
    RESUBMIT = "resubmit", "修改后重新提交"
    REJECTION = "rejection", "不予批准"


# The step each open state waits for, and the state it leads to.
NEXT_STEP: dict[str, tuple[str, str]] = {
    EstablishmentState.APPLIED: (EstablishmentStepKind.PREPARATION_APPROVAL, EstablishmentState.PREPARING),
    EstablishmentState.PREPARING: (EstablishmentStepKind.ASSEMBLY, EstablishmentState.ASSEMBLED),
    EstablishmentState.ASSEMBLED: (EstablishmentStepKind.ELECTION, EstablishmentState.ELECTED),
    EstablishmentState.ELECTED: (EstablishmentStepKind.FINAL_APPROVAL, EstablishmentState.ESTABLISHED),
}
# Days allowed for the step a state waits for (settings.ESTABLISHMENT_STEP_DAYS overrides any of them).
DEFAULT_STEP_DAYS: dict[str, int] = {
    EstablishmentState.APPLIED: 15,  # the higher union answers the application
    EstablishmentState.PREPARING: 60,  # the preparatory group convenes the assembly
    EstablishmentState.ASSEMBLED: 15,  # the election results are reported
    EstablishmentState.ELECTED: 30,  # the higher union approves the results
    EstablishmentState.RETURNED: 30,  # the applicants resubmit
}
ESTABLISHED_TYPES = ("grassroots", "joint", "alliance", "industrial")


def step_days(state: str) -> int:
    configured = getattr(settings, "ESTABLISHMENT_STEP_DAYS", {}) or {}
    return int(configured.get(state, DEFAULT_STEP_DAYS[state]))


def default_term_years() -> int:
    """工会法: a grassroots committee serves three or five years; five unless the deployment says otherwise."""
    return int(getattr(settings, "UNION_TERM_YEARS", 5))


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class LeadSource(models.TextChoices):
    MANUAL = "manual", "主动申请"
    JOIN_CLUSTER = "join_cluster", "入会申请聚集(以入会促建会)"
    SIZE_BAND = "size_band", "规模以上未建会企业"


class EstablishmentCase(ScopedModel):
    """建会: one union being set up under ``org`` (the proposed parent union) for one or more employers."""

    number = models.CharField("案卷编号", max_length=20, unique=True, editable=False)
    union_name = models.CharField("拟建工会名称", max_length=100, db_index=True)
    union_type = models.CharField(
        "工会类型",
        max_length=20,
        choices=[
            ("grassroots", "基层工会"),
            ("joint", "联合基层工会"),
            ("alliance", "区域性/行业性工会联合会"),
            ("industrial", "产业(行业)工会"),
        ],
        default="grassroots",
    )
    union_code = models.CharField("拟用组织编码", max_length=32, help_text="批复成立时作为新组织的编码，系统内唯一")
    region_code = models.CharField("行政区划代码", max_length=6)
    employers = models.ManyToManyField(
        "orgs.Employer", related_name="establishment_cases", verbose_name="用人单位", blank=True
    )
    lead_source = models.CharField("线索来源", max_length=20, choices=LeadSource.choices, default=LeadSource.MANUAL)
    # No personal phone here: the applicants are reached through their unit, so nothing needs encrypting.
    applicant_name = models.CharField("申请联系人", max_length=40)
    worker_count = models.PositiveIntegerField("职工人数", default=0)
    state = models.CharField(
        "办理状态", max_length=12, choices=EstablishmentState.choices, default=EstablishmentState.APPLIED, db_index=True
    )
    returned_from = models.CharField("退回前状态", max_length=12, blank=True, editable=False)
    applied_on = models.DateField("申请日期")
    deadline = models.DateField("当前环节办理时限", null=True, blank=True, db_index=True)
    member_count = models.PositiveIntegerField("会员人数", default=0)
    assembly_on = models.DateField("会员大会日期", null=True, blank=True)
    election_on = models.DateField("选举日期", null=True, blank=True)
    chair_name = models.CharField("当选主席", max_length=40, blank=True)
    vice_chairs = models.CharField("当选副主席", max_length=200, blank=True, help_text="多人用顿号或逗号分隔")
    committee = models.TextField("当选委员", blank=True, help_text="多人用顿号、逗号或换行分隔")
    term_years = models.PositiveSmallIntegerField("任期(年)", default=5)
    remark = models.TextField("备注", blank=True)
    created_union = models.OneToOneField(
        "orgs.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="establishment_case",
        verbose_name="成立的工会",
    )
    closed_on = models.DateField("办结日期", null=True, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-applied_on", "-pk"]
        verbose_name = verbose_name_plural = "建会案卷"

    def __str__(self) -> str:
        return f"{self.number} {self.union_name}"

    def get_absolute_url(self) -> str:
        return reverse("orgs:establishment_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def days_overdue(self, today: datetime.date | None = None) -> int:
        today = today or timezone.localdate()
        if not self.is_open or self.deadline is None or self.deadline >= today:
            return 0
        return (today - self.deadline).days

    @property
    def next_step_label(self) -> str:
        if self.state == EstablishmentState.RETURNED:
            return EstablishmentStepKind.RESUBMIT.label
        step = NEXT_STEP.get(self.state)
        return EstablishmentStepKind(step[0]).label if step else "—"

    def clean(self) -> None:
        errors = {}
        if self.union_type not in ESTABLISHED_TYPES:
            errors["union_type"] = "工会类型只能是基层工会、联合基层工会、工会联合会或产业(行业)工会。"
        if self.region_code and (len(self.region_code) != 6 or not self.region_code.isdigit()):
            errors["region_code"] = "行政区划代码应为 6 位数字，如 320412。"
        if errors:
            raise ValidationError(errors)


class EstablishmentStep(models.Model):
    """One step taken on a case: when, by whom, with what note; its documents hang on it."""

    scope_kind = "org"
    scope_org_field = "case__org"

    case = models.ForeignKey(EstablishmentCase, on_delete=models.CASCADE, related_name="steps", verbose_name="案卷")
    kind = models.CharField("环节", max_length=24, choices=EstablishmentStepKind.choices)
    acted_on = models.DateField("办理日期")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="办理人"
    )
    actor_name = models.CharField("办理人", max_length=150, blank=True)
    deadline = models.DateField("环节时限", null=True, blank=True)
    note = models.TextField("办理意见", blank=True)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["acted_on", "pk"]
        verbose_name = verbose_name_plural = "建会办理环节"
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.acted_on:%Y-%m-%d}"

    @property
    def was_late(self) -> bool:
        return bool(self.deadline and self.acted_on > self.deadline)


def document_upload_to(instance, filename: str) -> str:
    # A random stored name: the user's file name (kept in original_name) never reaches the file system.
    extension = PurePath(filename).suffix.lower()
    return f"orgs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class EstablishmentDocument(ChangeLoggedModel):
    scope_kind = "org"
    scope_org_field = "case__org"

    case = models.ForeignKey(EstablishmentCase, on_delete=models.CASCADE, related_name="documents")
    step = models.ForeignKey(
        EstablishmentStep, on_delete=models.CASCADE, related_name="documents", null=True, blank=True
    )
    file = models.FileField("文件", upload_to=document_upload_to, validators=[validate_attachment])
    original_name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小", default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = verbose_name_plural = "建会材料"
        default_permissions = ()

    def __str__(self) -> str:
        return self.original_name

    @property
    def size_label(self) -> str:
        return format_size(self.size)


# --- re-election ---------------------------------------------------------------------------------------


class ReElectionStatus(models.TextChoices):
    PLANNED = "planned", "计划换届"
    HELD = "held", "已选举待批复"
    APPROVED = "approved", "已批复"


class ReElection(ScopedModel):
    """换届: the election that ends ``org``'s current term and starts the next one."""

    previous_term_end = models.DateField("上届任期届满", null=True, blank=True)
    planned_on = models.DateField("计划选举日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=ReElectionStatus.choices, default=ReElectionStatus.PLANNED, db_index=True
    )
    election_on = models.DateField("选举日期", null=True, blank=True)
    term_start = models.DateField("新一届任期开始", null=True, blank=True)
    term_end = models.DateField("新一届任期届满", null=True, blank=True)
    chair_name = models.CharField("当选主席", max_length=40, blank=True)
    vice_chairs = models.CharField("当选副主席", max_length=200, blank=True, help_text="多人用顿号或逗号分隔")
    committee = models.TextField("当选委员", blank=True, help_text="多人用顿号、逗号或换行分隔")
    approved_on = models.DateField("批复日期", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    remark = models.TextField("备注", blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-planned_on", "-pk"]
        verbose_name = verbose_name_plural = "换届选举"

    def __str__(self) -> str:
        return f"{self.org} 换届（{self.get_status_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("orgs:reelection_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.term_start and self.term_end and self.term_end <= self.term_start:
            errors["term_end"] = "新一届任期届满日期应晚于任期开始日期。"
        if self.election_on and self.election_on > timezone.localdate():
            errors["election_on"] = "选举日期不能晚于今天；尚未选举请先保持「计划换届」状态。"
        if errors:
            raise ValidationError(errors)


class ReElectionDocument(ChangeLoggedModel):
    scope_kind = "org"
    scope_org_field = "re_election__org"

    re_election = models.ForeignKey(ReElection, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField("文件", upload_to=document_upload_to, validators=[validate_attachment])
    original_name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小", default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = verbose_name_plural = "换届材料"
        default_permissions = ()

    def __str__(self) -> str:
        return self.original_name

    @property
    def size_label(self) -> str:
        return format_size(self.size)


class ReminderKind(models.TextChoices):
    SIX_MONTHS = "six_months", "届满前六个月"
    THREE_MONTHS = "three_months", "届满前三个月"
    OVERDUE = "overdue", "已超期未换届"


class ReElectionReminder(models.Model):
    """One reminder sent for one term end: the unique key makes the daily job idempotent."""

    scope_kind = "org"

    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="reelection_reminders")
    term_end = models.DateField("任期届满")
    kind = models.CharField("提醒", max_length=14, choices=ReminderKind.choices)
    sent_on = models.DateField("发送日期")
    recipients = models.PositiveIntegerField("接收人数", default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_on", "-pk"]
        verbose_name = verbose_name_plural = "换届提醒"
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["org", "term_end", "kind"], name="reelection_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.get_kind_display()}"


class CommitteeRole(models.TextChoices):
    CHAIR = "chair", "主席"
    VICE_CHAIR = "vice_chair", "副主席"
    MEMBER = "member", "委员"


class CommitteeMember(ScopedModel):
    """工会委员会委员: one person elected to ``org``'s committee for one term."""

    name = models.CharField("姓名", max_length=40)
    role = models.CharField("职务", max_length=12, choices=CommitteeRole.choices, default=CommitteeRole.MEMBER)
    term_start = models.DateField("任期开始", null=True, blank=True)
    term_end = models.DateField("任期届满", null=True, blank=True)
    is_current = models.BooleanField("本届", default=True, db_index=True)
    re_election = models.ForeignKey(
        ReElection, on_delete=models.SET_NULL, null=True, blank=True, related_name="committee_members"
    )
    establishment_case = models.ForeignKey(
        EstablishmentCase, on_delete=models.SET_NULL, null=True, blank=True, related_name="committee_members"
    )
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta(ScopedModel.Meta):
        ordering = ["org", "-is_current", "sort", "pk"]
        verbose_name = verbose_name_plural = "工会委员会委员"
        default_permissions = BUSINESS_PERMISSIONS

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"
