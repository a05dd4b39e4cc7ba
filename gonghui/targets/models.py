"""Targets and supervision: indicators, plans and targets broken down the tree, computed figures,
quarterly reports (一季一报) and supervision tasks (督办).

How the pieces fit:

- ``Indicator`` is the catalog (package data ``data/indicators.yaml`` plus local additions).
- ``Plan`` is one organisation's work plan for one year: its settings for schedule progress, lights and
  assessment. ``Target`` is one indicator's annual value for one unit. A federation sets its own targets
  (``assigned_by`` = itself) and breaks each down to its direct sub-units (``parent`` = its own target,
  ``assigned_by`` = itself); a sub-unit may break its share down further. Only the assigning unit changes a
  target, so a district cannot lower the figure the city gave it.
- ``Figure`` holds the computed actuals: per source indicator, unit and month, the total over the unit's whole
  subtree, rebuilt from the records in SQL (``figures.refresh``). Dashboards and rankings read it; quarterly
  reports and the drill-down compute the same numbers live from the records (``sources``).
- ``QuarterlyReport`` with its ``ReportValue`` rows is what a unit reports each quarter.
- ``Task`` is a supervision item (督办事项) with its steps, milestones and progress notes.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import BUSINESS_PERMISSIONS, ChangeLoggedModel, ScopedModel
from gonghui.core.querysets import RestrictedQuerySet
from gonghui.notices.models import validate_attachment

VALUE_DIGITS = {"max_digits": 18, "decimal_places": 4}


class IndicatorKind(models.TextChoices):
    """The same values as ``progress.IndicatorKind``."""

    CUMULATIVE = "cumulative", "累计型（各期相加）"
    STOCK = "stock", "存量型（取期末值）"
    RATE = "rate", "比率型（%）"
    DECREASING = "decreasing", "递减型（越低越好）"
    COMPOSITE = "composite", "综合型（加权平均）"


class IndicatorSource(models.TextChoices):
    COMPUTED = "computed", "系统计算"
    REPORTED = "reported", "单位填报"


class Indicator(ChangeLoggedModel):
    """工作指标. Built-in rows come from the catalog and are kept in step with it after every migrate."""

    scope_kind = "global"

    key = models.SlugField(
        "指标编码", max_length=60, unique=True, help_text="英文小写、数字和下划线，如 stations_built"
    )
    name = models.CharField("指标名称", max_length=60)
    unit = models.CharField("计量单位", max_length=10)
    category = models.CharField("指标类别", max_length=20, db_index=True)
    kind = models.CharField("指标类型", max_length=12, choices=IndicatorKind.choices, default=IndicatorKind.CUMULATIVE)
    source = models.CharField(
        "数据来源", max_length=10, choices=IndicatorSource.choices, default=IndicatorSource.REPORTED
    )
    phrases = models.JSONField("常见表述", default=list, blank=True)
    components = models.JSONField(
        "组成指标", default=list, blank=True, help_text='综合型指标填写，如 [{"key": "health_checks", "weight": 50}]'
    )
    description = models.CharField("说明", max_length=200, blank=True)
    is_builtin = models.BooleanField("内置指标", default=False, editable=False)
    is_active = models.BooleanField("启用", default=True)
    sort = models.PositiveIntegerField("排序", default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["sort", "pk"]
        # export as for business data: the built-in roles name targets.export_indicator (accounts.roles)
        default_permissions = ("add", "change", "delete", "view", "export")
        verbose_name = verbose_name_plural = "工作指标"

    def __str__(self) -> str:
        return self.name

    @property
    def is_computed(self) -> bool:
        return self.source == IndicatorSource.COMPUTED

    def get_absolute_url(self) -> str:
        return reverse("targets:indicator_detail", args=[self.pk])


class ProgressBasis(models.TextChoices):
    DAY = "day", "按天"
    MONTH = "month", "按月"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "编制中"
    ISSUED = "issued", "已下达"


class Plan(ScopedModel):
    """年度工作计划: one organisation, one year; the settings its progress, lights and assessment use."""

    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField("计划名称", max_length=100)
    status = models.CharField("状态", max_length=8, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    issued_at = models.DateTimeField("下达时间", null=True, blank=True, editable=False)
    progress_basis = models.CharField(
        "序时进度口径", max_length=6, choices=ProgressBasis.choices, default=ProgressBasis.DAY
    )
    yellow_margin = models.DecimalField(
        "黄灯容差（百分点）",
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="完成率落后序时进度不足该值为黄灯，达到或超过为红灯",
    )
    completion_cap = models.DecimalField(
        "完成率计分上限（%）",
        max_digits=6,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(0)],
        help_text="考核计分时完成率最多按此值计，如 100 表示超额完成不额外计分",
    )
    bonus_rate = models.DecimalField(
        "超额加分系数",
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
        help_text="超额部分每 1 个百分点按权重的该比例加分，0 表示不加分",
    )
    bonus_cap = models.DecimalField(
        "超额加分上限（百分点）",
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    report_due_days = models.PositiveSmallIntegerField(
        "季报报送期限（季后天数）", default=10, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    note = models.TextField("说明", blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-year", "org__path"]
        verbose_name = verbose_name_plural = "年度工作计划"
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="plan_one_per_org_year")]

    def __str__(self) -> str:
        return self.title or f"{self.org}{self.year}年工作计划"

    def get_absolute_url(self) -> str:
        return reverse("targets:plan_detail", args=[self.pk])


class Target(ScopedModel):
    """目标任务: one indicator's annual value for one unit (``org``), set by ``assigned_by``."""

    scope_owner_field = "created_by"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets", verbose_name="所属计划")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets", verbose_name="指标")
    year = models.PositiveSmallIntegerField("年度")
    value = models.DecimalField("目标值", **VALUE_DIGITS, validators=[MinValueValidator(0)])
    weight = models.DecimalField(
        "考核权重",
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="考核下级单位时本指标的权重，各指标合计 100",
    )
    assigned_by = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="下达单位"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="parts", verbose_name="分解自"
    )
    note = models.CharField("备注", max_length=200, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["year", "indicator__sort", "org__path"]
        verbose_name = verbose_name_plural = "目标任务"
        constraints = [
            models.UniqueConstraint(fields=["org", "indicator", "year"], name="target_one_per_unit_indicator_year")
        ]
        indexes = [models.Index(fields=["year", "indicator"], name="target_year_indicator")]

    def __str__(self) -> str:
        return f"{self.org} {self.year}年 {self.indicator}"

    def get_absolute_url(self) -> str:
        return reverse("targets:plan_detail", args=[self.plan_id])


class Figure(models.Model):
    """A computed actual: one source indicator's value for one unit's whole subtree in one month.

    ``month`` 1–12 holds the change within that month (joins, establishments, …); ``month`` 0 holds
    everything before the year (the opening balance stock indicators start from). Rebuilt per year by
    ``figures.refresh``; never edited by hand.
    """

    scope_kind = "org"

    indicator_key = models.CharField("指标编码", max_length=60)
    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    value = models.DecimalField("数值", **VALUE_DIGITS)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        verbose_name = verbose_name_plural = "计算指标值"
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "indicator_key", "month"], name="figure_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_key} {self.org_id} {self.year}-{self.month}: {self.value}"


class FigureRefresh(models.Model):
    """When the figures of a year were last rebuilt from the records."""

    scope_kind = "global"

    year = models.PositiveSmallIntegerField("年度", primary_key=True)
    refreshed_at = models.DateTimeField("刷新时间")
    duration_ms = models.PositiveIntegerField("耗时(毫秒)", default=0)
    rows = models.PositiveIntegerField("行数", default=0)
    stale = models.BooleanField("待刷新", default=True)
    #: when a background rebuild was queued (a large year is rebuilt by the job worker, not by a page)
    queued_at = models.DateTimeField("排队时间", null=True, blank=True)
    #: the largest membership event id the figures include: events loaded by COPY send no signals
    event_watermark = models.BigIntegerField(default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        verbose_name = verbose_name_plural = "指标数据刷新记录"

    def __str__(self) -> str:
        return f"{self.year} @ {self.refreshed_at:%Y-%m-%d %H:%M}"


# --- quarterly reports ---------------------------------------------------------------------------


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已审核"


class QuarterlyReport(ScopedModel):
    """一季一报: one unit's report for one quarter (``org`` is the reporting unit)."""

    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", validators=[MinValueValidator(1), MaxValueValidator(4)])
    status = models.CharField("状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    due_date = models.DateField("报送期限")
    highlights = models.TextField("工作亮点", blank=True)
    problems = models.TextField("存在问题", blank=True)
    next_steps = models.TextField("下步打算", blank=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    review_comment = models.CharField("审核意见", max_length=500, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-year", "-quarter", "org__path"]
        verbose_name = verbose_name_plural = "季度报表"
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "quarter"], name="report_one_per_unit_quarter"),
        ]
        indexes = [models.Index(fields=["year", "quarter", "status"], name="report_period_status")]

    def __str__(self) -> str:
        return f"{self.org} {self.year}年第{self.quarter}季度报表"

    def get_absolute_url(self) -> str:
        return reverse("targets:report_detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)

    @property
    def is_late(self) -> bool:
        if self.submitted_at:
            return timezone.localdate(self.submitted_at) > self.due_date
        return timezone.localdate() > self.due_date


class ReportValue(models.Model):
    """One indicator's figure in a quarterly report: the value within the quarter (期末值 for stock)."""

    scope_kind = "org"
    scope_org_field = "report__org"

    report = models.ForeignKey(QuarterlyReport, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+", verbose_name="指标")
    value = models.DecimalField("本季数值", **VALUE_DIGITS, null=True, blank=True)
    is_computed = models.BooleanField("系统计算", default=False)
    note = models.CharField("说明", max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        ordering = ["indicator__sort", "pk"]
        verbose_name = verbose_name_plural = "季度报表数值"
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="report_value_unique")]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value}"


def report_upload_to(instance: ReportAttachment, filename: str) -> str:
    extension = PurePath(filename).suffix.lower()
    return f"reports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class ReportAttachment(models.Model):
    scope_kind = "org"
    scope_org_field = "report__org"

    report = models.ForeignKey(QuarterlyReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("附件", upload_to=report_upload_to, validators=[validate_attachment])
    original_name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小", default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        ordering = ["pk"]
        verbose_name = verbose_name_plural = "季度报表附件"

    def __str__(self) -> str:
        return self.original_name


class ReportAction(models.TextChoices):
    CREATE = "create", "创建"
    SAVE = "save", "保存"
    SUBMIT = "submit", "报送"
    ACCEPT = "accept", "审核通过"
    RETURN = "return", "退回"
    REOPEN = "reopen", "重新打开"


class ReportLog(models.Model):
    """The report's workflow history: who did what, when, and why (reopening needs a reason)."""

    scope_kind = "org"
    scope_org_field = "report__org"

    report = models.ForeignKey(QuarterlyReport, on_delete=models.CASCADE, related_name="log")
    action = models.CharField("操作", max_length=10, choices=ReportAction.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    user_name = models.CharField("操作人", max_length=150, blank=True)
    time = models.DateTimeField("时间", auto_now_add=True)
    comment = models.CharField("意见/原因", max_length=500, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        ordering = ["time", "pk"]
        verbose_name = verbose_name_plural = "季度报表操作记录"

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.user_name}"


# --- supervision tasks ---------------------------------------------------------------------------


class TaskSource(models.TextChoices):
    WORK_PLAN = "work_plan", "年度工作要点"
    LIVELIHOOD = "livelihood", "民生实事"
    JOINT_MEETING = "joint_meeting", "联席会议"
    ASSIGNED = "assigned", "上级交办"
    INSTRUCTION = "instruction", "领导批示"


class TaskState(models.TextChoices):
    ASSIGNED = "assigned", "立项交办"
    RECEIVED = "received", "已接收"
    IN_PROGRESS = "in_progress", "推进中"
    REPORTED = "reported", "办结报告"
    CLOSED = "closed", "验收销号"


class Task(ScopedModel):
    """督办事项: ``org`` is the lead unit (牵头单位); ``assigned_by`` the unit that set and checks it."""

    title = models.CharField("事项名称", max_length=200)
    source = models.CharField("事项来源", max_length=16, choices=TaskSource.choices)
    description = models.TextField("工作内容及要求", blank=True)
    assigned_by = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="交办单位"
    )
    cooperating_units = models.ManyToManyField(
        "orgs.Organization", blank=True, related_name="+", verbose_name="配合单位"
    )
    responsible_leader = models.CharField("责任领导", max_length=40, blank=True)
    department = models.CharField("责任部门", max_length=60, blank=True)
    owner_name = models.CharField("具体责任人", max_length=40, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="责任人账号",
    )
    deadline = models.DateField("完成时限")
    state = models.CharField("办理状态", max_length=12, choices=TaskState.choices, default=TaskState.ASSIGNED)
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True, editable=False)
    received_at = models.DateTimeField("接收时间", null=True, blank=True, editable=False)
    started_at = models.DateTimeField("开始推进时间", null=True, blank=True, editable=False)
    reported_at = models.DateTimeField("办结报告时间", null=True, blank=True, editable=False)
    closed_at = models.DateTimeField("验收销号时间", null=True, blank=True, editable=False)
    completion_report = models.TextField("办结情况", blank=True)
    acceptance_note = models.CharField("验收意见", max_length=500, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["deadline", "pk"]
        verbose_name = verbose_name_plural = "督办事项"
        indexes = [models.Index(fields=["state", "deadline"], name="task_state_deadline")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("targets:task_detail", args=[self.pk])

    def clean(self) -> None:
        if self.state == TaskState.CLOSED and not self.completion_report:
            raise ValidationError({"completion_report": "验收销号前须填写办结情况。"})


class TaskMilestone(models.Model):
    scope_kind = "org"
    scope_org_field = "task__org"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField("节点", max_length=200)
    due_date = models.DateField("节点时限")
    done_on = models.DateField("完成日期", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        ordering = ["due_date", "pk"]
        verbose_name = verbose_name_plural = "督办事项节点"

    def __str__(self) -> str:
        return self.title


class TaskNoteKind(models.TextChoices):
    PROGRESS = "progress", "进展情况"
    STEP = "step", "流转"
    URGE = "urge", "催办"


def task_upload_to(instance: TaskNote, filename: str) -> str:
    extension = PurePath(filename).suffix.lower()
    return f"tasks/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class TaskNote(models.Model):
    """A progress note, a step of the chain, or an urge (催办) from the assigning unit; may carry a file."""

    scope_kind = "org"
    scope_org_field = "task__org"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField("类型", max_length=10, choices=TaskNoteKind.choices, default=TaskNoteKind.PROGRESS)
    text = models.TextField("内容")
    file = models.FileField(
        "附件", upload_to=task_upload_to, validators=[validate_attachment], blank=True, max_length=200
    )
    original_name = models.CharField("文件名", max_length=200, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    user_name = models.CharField("记录人", max_length=150, blank=True)
    time = models.DateTimeField("时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        ordering = ["time", "pk"]
        verbose_name = verbose_name_plural = "督办事项记录"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.user_name}"


# --- bulletins -----------------------------------------------------------------------------------


class Bulletin(ScopedModel):
    """通报: a generated quarterly bulletin of ``org``; the files live with the job in the download centre."""

    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", validators=[MinValueValidator(1), MaxValueValidator(4)])
    doc_number = models.CharField("文号", max_length=60, blank=True)
    title = models.CharField("标题", max_length=200)
    job = models.ForeignKey("jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta(ScopedModel.Meta):
        ordering = ["-created_at", "-pk"]
        verbose_name = verbose_name_plural = "通报"
        default_permissions = BUSINESS_PERMISSIONS

    def __str__(self) -> str:
        return self.title
