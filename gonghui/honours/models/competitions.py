"""Labour and skills competitions (劳动竞赛 / 技能竞赛).

- ``Competition`` is organised by its ``org`` (主办单位) and runs 筹备中 → 进行中 (启动) → 已总结表彰.
- ``CompetitionStage`` rows are its stages with their reports: 启动, any number of 阶段小结, 总结表彰.
- Projects (``CompetitionProject``) open two ways. By call (揭榜挂帅): the organiser publishes a
  ``Challenge`` and units bid for it; the organiser picks the winning bids. By self-declaration (自主申报):
  a unit declares a project, which is recommended upward level by level (``current_org``) until the
  organiser accepts it. Each step is a ``ProjectReview`` row. A project's ``org`` is the unit that runs it.
- ``CompetitionTeam`` and ``CompetitionParticipant`` are the entries, owned by the entering unit; an
  individual participant is a member of the registry, a team member is a participant with ``team`` set.
  Scores, ranks and awards are the results.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from gonghui.core.models import ChangeLoggedModel, ScopedModel
from gonghui.core.querysets import RestrictedQuerySet
from gonghui.honours.models.common import AwardGrade, Level, StepLog


class CompetitionKind(models.TextChoices):
    LABOUR = "labour", "劳动竞赛"
    SKILLS = "skills", "技能竞赛"


class CompetitionStatus(models.TextChoices):
    PLANNING = "planning", "筹备中"
    RUNNING = "running", "进行中"
    CONCLUDED = "concluded", "已总结表彰"


class Competition(ScopedModel):
    """劳动竞赛 around a project or sector, or 技能竞赛 in a trade; ``org`` is the organising unit."""

    name = models.CharField("竞赛名称", max_length=120)
    kind = models.CharField("竞赛类别", max_length=10, choices=CompetitionKind.choices)
    level = models.CharField("竞赛级别", max_length=12, choices=Level.choices)
    brand = models.CharField("竞赛品牌", max_length=60, blank=True, help_text="如「虔能杯」，没有可留空")
    subject = models.CharField(
        "竞赛对象", max_length=120, help_text="劳动竞赛填重点工程或行业，技能竞赛填工种，如「电工」"
    )
    co_organisers = models.CharField("承办/协办单位", max_length=200, blank=True)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    rules = models.TextField("竞赛规则", help_text="参赛条件、竞赛内容、评分办法")
    prizes = models.TextField("奖项设置", help_text="如：一等奖 1 名，授予市五一劳动奖章；二等奖 3 名……")
    status = models.CharField(
        "竞赛状态", max_length=10, choices=CompetitionStatus.choices, default=CompetitionStatus.PLANNING, editable=False
    )
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-start_date", "pk"]
        verbose_name = verbose_name_plural = "劳动和技能竞赛"
        indexes = [models.Index(fields=["status", "start_date"], name="competition_status_start")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("honours:competition_detail", args=[self.pk])

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": f"结束日期 {self.end_date:%Y-%m-%d} 早于开始日期 {self.start_date:%Y-%m-%d}，请改正。"}
            )


class StageKind(models.TextChoices):
    LAUNCH = "launch", "启动"
    INTERIM = "interim", "阶段小结"
    SUMMARY = "summary", "总结表彰"


class CompetitionStage(ChangeLoggedModel):
    scope_kind = "org"
    scope_org_field = "competition__org"

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField("阶段", max_length=10, choices=StageKind.choices)
    held_on = models.DateField("日期")
    title = models.CharField("会议/活动名称", max_length=120)
    report = models.TextField("阶段报告", help_text="工作开展情况、取得成效、下一步安排")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        ordering = ["held_on", "pk"]
        verbose_name = verbose_name_plural = "竞赛阶段"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"


class ChallengeStatus(models.TextChoices):
    OPEN = "open", "揭榜中"
    CLOSED = "closed", "已截止"


class Challenge(ChangeLoggedModel):
    """A 榜单 the organiser publishes for units to bid for (揭榜挂帅)."""

    scope_kind = "org"
    scope_org_field = "competition__org"

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="challenges")
    title = models.CharField("榜单名称", max_length=120)
    description = models.TextField("攻关内容及目标")
    reward = models.CharField("揭榜奖励", max_length=200, blank=True)
    deadline = models.DateField("揭榜截止日期")
    status = models.CharField("状态", max_length=8, choices=ChallengeStatus.choices, default=ChallengeStatus.OPEN)
    created_at = models.DateTimeField("发布时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        ordering = ["deadline", "pk"]
        verbose_name = verbose_name_plural = "揭榜挂帅榜单"

    def __str__(self) -> str:
        return self.title


class ProjectMode(models.TextChoices):
    CALL = "call", "揭榜挂帅"
    DECLARATION = "declaration", "自主申报"


class ProjectState(models.TextChoices):
    SUBMITTED = "submitted", "审核中"
    ACCEPTED = "accepted", "已立项"
    REJECTED = "rejected", "未通过"
    COMPLETED = "completed", "已完成"


class CompetitionProject(ScopedModel):
    """A competition project run by ``org``; ``current_org`` is the unit whose turn it is to review it."""

    competition = models.ForeignKey(Competition, on_delete=models.PROTECT, related_name="projects")
    mode = models.CharField("立项方式", max_length=12, choices=ProjectMode.choices, editable=False)
    challenge = models.ForeignKey(
        Challenge, on_delete=models.PROTECT, null=True, blank=True, related_name="bids", verbose_name="所揭榜单"
    )
    title = models.CharField("项目名称", max_length=120)
    description = models.TextField("项目内容", help_text="目标任务、实施计划、参与职工")
    leader_name = models.CharField("项目负责人", max_length=40)
    state = models.CharField(
        "状态", max_length=10, choices=ProjectState.choices, default=ProjectState.SUBMITTED, editable=False
    )
    current_org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="当前审核单位", editable=False
    )
    submitted_on = models.DateField("申报日期", editable=False)
    accepted_on = models.DateField("立项日期", null=True, blank=True, editable=False)
    result = models.TextField("完成情况", blank=True, editable=False)
    award = models.CharField("获奖等次", max_length=12, choices=AwardGrade.choices, blank=True, editable=False)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-submitted_on", "pk"]
        verbose_name = verbose_name_plural = "竞赛项目"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("honours:project_detail", args=[self.pk])


class ReviewAction(models.TextChoices):
    DECLARE = "declare", "自主申报"
    BID = "bid", "揭榜"
    RECOMMEND = "recommend", "审核推荐"
    ACCEPT = "accept", "审定立项"
    REJECT = "reject", "不予通过"
    COMPLETE = "complete", "完成评定"


class ProjectReview(StepLog):
    """One step of a project: which unit, who, when, what, with the opinion."""

    scope_kind = "org"
    scope_org_field = "project__org"

    project = models.ForeignKey(CompetitionProject, on_delete=models.CASCADE, related_name="reviews")
    org = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    action = models.CharField("操作", max_length=10, choices=ReviewAction.choices)

    objects = RestrictedQuerySet.as_manager()

    class Meta(StepLog.Meta):
        verbose_name = verbose_name_plural = "竞赛项目审核记录"

    def __str__(self) -> str:
        return f"{self.org} {self.get_action_display()}"


class CompetitionTeam(ScopedModel):
    competition = models.ForeignKey(Competition, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField("队伍名称", max_length=80)
    event = models.CharField("参赛项目/工种", max_length=60, blank=True)
    score = models.DecimalField("成绩", max_digits=8, decimal_places=2, null=True, blank=True, editable=False)
    rank = models.PositiveIntegerField("名次", null=True, blank=True, editable=False)
    award = models.CharField("获奖等次", max_length=12, choices=AwardGrade.choices, blank=True, editable=False)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["competition", "name"]
        verbose_name = verbose_name_plural = "参赛队伍"
        constraints = [
            models.UniqueConstraint(fields=["competition", "name"], name="competition_team_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("honours:competition_detail", args=[self.competition_id]) + "#entries"


class CompetitionParticipant(ScopedModel):
    """One person in a competition, alone or in a team; ``org`` is the entering unit."""

    competition = models.ForeignKey(Competition, on_delete=models.PROTECT, related_name="participants")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+", verbose_name="会员")
    team = models.ForeignKey(
        CompetitionTeam,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name="所在队伍",
    )
    event = models.CharField("参赛项目/工种", max_length=60, blank=True)
    score = models.DecimalField("成绩", max_digits=8, decimal_places=2, null=True, blank=True, editable=False)
    rank = models.PositiveIntegerField("名次", null=True, blank=True, editable=False)
    award = models.CharField("获奖等次", max_length=12, choices=AwardGrade.choices, blank=True, editable=False)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["competition", "rank", "pk"]
        verbose_name = verbose_name_plural = "参赛职工"
        constraints = [
            models.UniqueConstraint(fields=["competition", "member"], name="competition_participant_once"),
        ]

    def __str__(self) -> str:
        return self.member.name if self.member_id else "参赛职工"

    def get_absolute_url(self) -> str:
        return reverse("honours:competition_detail", args=[self.competition_id]) + "#entries"
