"""工会自身建设: dues (工会经费), cadre training (培训班), information submissions (信息报送) and the
government–union joint meeting (联席会议) with its decisions followed up as supervision tasks.

Money is ``Decimal`` throughout: the 2% due is computed in ``Decimal`` and rounded half-up to the fen,
never through floats.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import ROUND_HALF_UP, Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import ScopedModel
from gonghui.core.querysets import RestrictedQuerySet
from gonghui.notices.models import validate_attachment

CENT = Decimal("0.01")
DUES_RATE = Decimal("0.02")  # 工会法第四十三条: 按全部职工工资总额的百分之二向工会拨缴经费
HUNDRED = Decimal("100")


def money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def dues_due(payroll_base: Decimal) -> Decimal:
    """2% of the payroll base, to the fen (half-up)."""
    return money(Decimal(payroll_base) * DUES_RATE)


def upload_to(instance, filename: str) -> str:
    extension = PurePath(filename).suffix.lower()
    return f"unionwork/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


# --- 工会经费 dues ------------------------------------------------------------------------------------


class DuesChannel(models.TextChoices):
    TAX = "tax", "税务代收"
    DIRECT = "direct", "直接缴纳"


class DuesOrigin(models.TextChoices):
    MANUAL = "manual", "手工登记"
    IMPORT = "import", "税务月报导入"


class DuesRecord(ScopedModel):
    """One employer's dues for one month (所属期): payroll base, the 2% due, what was paid and when."""

    employer = models.ForeignKey(
        "orgs.Employer", on_delete=models.PROTECT, related_name="dues_records", verbose_name="用人单位"
    )
    period = models.DateField("所属期", help_text="所属月份（按该月 1 日记录）", db_index=True)
    payroll_base = models.DecimalField(
        "计费工资总额(元)", max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )
    due = models.DecimalField("应缴经费(元)", max_digits=16, decimal_places=2, editable=False, default=0)
    paid = models.DecimalField(
        "实缴金额(元)", max_digits=16, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    channel = models.CharField("缴纳方式", max_length=10, choices=DuesChannel.choices, default=DuesChannel.TAX)
    paid_on = models.DateField("入库日期", null=True, blank=True, db_index=True)
    origin = models.CharField("来源", max_length=10, choices=DuesOrigin.choices, default=DuesOrigin.MANUAL)
    note = models.CharField("备注", max_length=200, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-period", "employer__name", "pk"]
        verbose_name = verbose_name_plural = "工会经费收缴记录"
        constraints = [models.UniqueConstraint(fields=["employer", "period"], name="dues_one_per_employer_period")]
        indexes = [models.Index(fields=["org", "period"], name="dues_org_period")]

    def __str__(self) -> str:
        return f"{self.employer.name} {self.period:%Y年%m月}" if self.period and self.employer_id else "经费记录"

    def get_absolute_url(self) -> str:
        return reverse("unionwork:dues_detail", args=[self.pk])

    @property
    def arrears(self) -> Decimal:
        """欠缴: what is still owed (an overpayment shows as 0 here and as a negative balance in reports)."""
        return max(self.due - self.paid, Decimal("0.00"))

    def clean(self) -> None:
        errors = {}
        if self.period:
            self.period = self.period.replace(day=1)
            if self.period > timezone.localdate().replace(day=1):
                errors["period"] = "所属期不能晚于本月。"
        if self.payroll_base is not None:
            self.due = dues_due(self.payroll_base)
        if self.paid and not self.paid_on:
            errors["paid_on"] = "有实缴金额时请填写入库日期。"
        if self.paid_on and self.paid_on > timezone.localdate():
            errors["paid_on"] = "入库日期不能晚于今天。"
        if self.paid_on and self.period and self.paid_on < self.period:
            errors["paid_on"] = f"入库日期不能早于所属期 {self.period:%Y-%m}。"
        if errors:
            raise ValidationError(errors)


class ShareLevel(models.TextChoices):
    GRASSROOTS = "grassroots", "基层工会"
    COUNTY = "county", "县(区)总工会"
    CITY = "city", "市总工会"
    PROVINCE = "province", "省总工会"
    NATIONAL = "national", "全国总工会"


SHARE_FIELDS = {
    ShareLevel.GRASSROOTS: "grassroots_pct",
    ShareLevel.COUNTY: "county_pct",
    ShareLevel.CITY: "city_pct",
    ShareLevel.PROVINCE: "province_pct",
    ShareLevel.NATIONAL: "national_pct",
}


def _pct(label: str) -> models.DecimalField:
    return models.DecimalField(
        label, max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )


class DuesShareScheme(ScopedModel):
    """经费分成比例: how the dues paid under ``org``'s subtree are split between the levels, from a year on."""

    effective_year = models.PositiveSmallIntegerField(
        "起始年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    grassroots_pct = _pct("基层工会(%)")
    county_pct = _pct("县(区)总工会(%)")
    city_pct = _pct("市总工会(%)")
    province_pct = _pct("省总工会(%)")
    national_pct = _pct("全国总工会(%)")
    note = models.CharField("依据/备注", max_length=200, blank=True)

    class Meta(ScopedModel.Meta):
        ordering = ["org__path", "-effective_year"]
        verbose_name = verbose_name_plural = "经费分成比例"
        constraints = [models.UniqueConstraint(fields=["org", "effective_year"], name="dues_share_one_per_year")]

    def __str__(self) -> str:
        return f"{self.org.name if self.org_id else ''} {self.effective_year}年起分成比例"

    def get_absolute_url(self) -> str:
        return reverse("unionwork:share_list")

    def ratios(self) -> list[tuple[str, str, Decimal]]:
        return [(level, label, getattr(self, SHARE_FIELDS[level])) for level, label in ShareLevel.choices]

    def clean(self) -> None:
        values = [getattr(self, name) for name in SHARE_FIELDS.values()]
        if any(value is None for value in values):
            return
        total = sum(values, Decimal("0"))
        if total != HUNDRED:
            raise ValidationError({"grassroots_pct": f"各级分成比例合计为 {total}%，应恰好为 100%，请调整后再保存。"})

    def split(self, amount: Decimal) -> list[tuple[str, Decimal, Decimal]]:
        """(level label, percent, share) per level; rounding remainder goes to the grassroots share so the
        shares add up to ``amount`` exactly."""
        amount = money(amount)
        shares = [(label, pct, money(amount * pct / HUNDRED)) for _level, label, pct in self.ratios()]
        remainder = amount - sum((share for _l, _p, share in shares), Decimal("0"))
        if remainder and shares:
            label, pct, share = shares[0]
            shares[0] = (label, pct, share + remainder)
        return shares


# --- 培训 cadre training -------------------------------------------------------------------------------


class CourseKind(models.TextChoices):
    CHAIR = "chair", "工会主席培训"
    CADRE = "cadre", "工会干部业务培训"
    TOPIC = "topic", "专题培训"
    ONLINE = "online", "网络培训"


class CourseStatus(models.TextChoices):
    PLANNED = "planned", "计划中"
    FINISHED = "finished", "已结业"
    CANCELLED = "cancelled", "已取消"


class TrainingCourse(ScopedModel):
    """培训班: ``org`` is the organising union."""

    name = models.CharField("培训班名称", max_length=120)
    kind = models.CharField("类型", max_length=10, choices=CourseKind.choices, default=CourseKind.CADRE)
    start_on = models.DateField("开班日期")
    end_on = models.DateField("结业日期", db_index=True)
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))])
    location = models.CharField("地点", max_length=120, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=CourseStatus.choices, default=CourseStatus.PLANNED, db_index=True
    )
    note = models.CharField("备注", max_length=300, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-start_on", "pk"]
        verbose_name = verbose_name_plural = "培训班"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("unionwork:course_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.start_on and self.end_on and self.end_on < self.start_on:
            errors["end_on"] = "结业日期不能早于开班日期。"
        if self.status == CourseStatus.FINISHED and self.end_on and self.end_on > timezone.localdate():
            errors["status"] = f"结业日期 {self.end_on:%Y-%m-%d} 还没到，不能标记为已结业。"
        if errors:
            raise ValidationError(errors)


class Trainee(models.Model):
    """A trainee of a course: an account, a member, or just a name; managed with the course's permissions."""

    scope_kind = "org"
    scope_org_field = "course__org"

    course = models.ForeignKey(TrainingCourse, on_delete=models.CASCADE, related_name="trainees")
    name = models.CharField("姓名", max_length=40)
    work_unit = models.CharField("工作单位", max_length=100, blank=True)
    position = models.CharField("职务", max_length=40, blank=True)
    is_chair = models.BooleanField("工会主席", default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="系统账号",
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="会员"
    )
    hours_attended = models.DecimalField(
        "实到学时", max_digits=5, decimal_places=1, default=0, validators=[MinValueValidator(0)]
    )
    completed = models.BooleanField("已结业", default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        ordering = ["-is_chair", "name", "pk"]
        verbose_name = verbose_name_plural = "参训学员"

    def __str__(self) -> str:
        return self.name


# --- 信息报送 information submissions --------------------------------------------------------------------


class InfoKind(models.TextChoices):
    INFO = "info", "信息"
    NEWS = "news", "新闻稿"
    RESEARCH = "research", "调研报告"


class AdopterLevel(models.TextChoices):
    COUNTY = "county", "县(区)总工会采用"
    CITY = "city", "市总工会采用"
    PROVINCE = "province", "省总工会采用"
    NATIONAL = "national", "全国总工会采用"
    MEDIA_LOCAL = "media_local", "市级媒体刊发"
    MEDIA_PROVINCE = "media_province", "省级媒体刊发"
    MEDIA_NATIONAL = "media_national", "中央媒体刊发"


class InfoItem(ScopedModel):
    """A piece of information, news copy or research report that ``org`` sent upward."""

    title = models.CharField("标题", max_length=200)
    kind = models.CharField("类型", max_length=10, choices=InfoKind.choices, default=InfoKind.INFO, db_index=True)
    submitted_on = models.DateField("报送日期", db_index=True)
    author = models.CharField("撰稿人", max_length=60, blank=True)
    content = models.TextField("内容", blank=True)
    attachment = models.FileField(
        "附件", upload_to=upload_to, validators=[validate_attachment], blank=True, max_length=200
    )
    attachment_name = models.CharField("附件名", max_length=200, blank=True, editable=False)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-submitted_on", "-pk"]
        verbose_name = verbose_name_plural = "报送信息"
        indexes = [models.Index(fields=["org", "submitted_on"], name="info_org_date")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("unionwork:info_detail", args=[self.pk])

    def clean(self) -> None:
        if self.submitted_on and self.submitted_on > timezone.localdate():
            raise ValidationError({"submitted_on": "报送日期不能晚于今天。"})
        if not self.content and not self.attachment:
            raise ValidationError({"content": "请填写内容或上传附件。"})


class InfoScoreRule(ScopedModel):
    """计分规则: the points an adoption at ``adopter_level`` earns, as set by ``org`` for its subtree."""

    adopter_level = models.CharField("采用级别", max_length=16, choices=AdopterLevel.choices)
    points = models.DecimalField(
        "分值", max_digits=6, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(1000)]
    )

    class Meta(ScopedModel.Meta):
        ordering = ["org__path", "adopter_level"]
        verbose_name = verbose_name_plural = "信息采用计分规则"
        constraints = [models.UniqueConstraint(fields=["org", "adopter_level"], name="info_rule_one_per_level")]

    def __str__(self) -> str:
        return f"{self.get_adopter_level_display()} {self.points} 分"

    def get_absolute_url(self) -> str:
        return reverse("unionwork:rule_list")


class InfoAdoption(models.Model):
    """采用: the item was taken up by a higher union or published by a medium; the score is fixed when recorded."""

    scope_kind = "org"
    scope_org_field = "item__org"

    item = models.ForeignKey(InfoItem, on_delete=models.CASCADE, related_name="adoptions")
    adopter_level = models.CharField("采用级别", max_length=16, choices=AdopterLevel.choices)
    adopter_name = models.CharField("采用单位/媒体", max_length=100)
    adopted_on = models.DateField("采用日期", db_index=True)
    score = models.DecimalField("得分", max_digits=6, decimal_places=1, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        ordering = ["adopted_on", "pk"]
        verbose_name = verbose_name_plural = "信息采用记录"
        constraints = [
            models.UniqueConstraint(fields=["item", "adopter_level", "adopter_name"], name="info_adopted_once")
        ]

    def __str__(self) -> str:
        return f"{self.adopter_name}（{self.get_adopter_level_display()}）"


# --- 联席会议 joint government–union meetings -------------------------------------------------------------


class JointMeetingObligation(ScopedModel):
    """The year's obligation of ``org`` (a federation) to hold the government–union joint meeting by ``deadline``."""

    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    deadline = models.DateField("召开时限")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta(ScopedModel.Meta):
        ordering = ["-year", "deadline", "org__path"]
        verbose_name = verbose_name_plural = "联席会议年度任务"
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="jointmeeting_one_obligation_per_year")]

    def __str__(self) -> str:
        return f"{self.org.name if self.org_id else ''} {self.year}年政府与工会联席会议"

    def get_absolute_url(self) -> str:
        return reverse("unionwork:obligation_list")

    def clean(self) -> None:
        if self.year and self.deadline and self.deadline.year != self.year:
            raise ValidationError({"deadline": f"召开时限应在 {self.year} 年内。"})


class JointMeeting(ScopedModel):
    """政府与工会联席会议: held by ``org`` with the government at its level."""

    obligation = models.ForeignKey(
        JointMeetingObligation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        editable=False,
        verbose_name="年度任务",
    )
    title = models.CharField("会议名称", max_length=200)
    held_on = models.DateField("召开日期", db_index=True)
    location = models.CharField("地点", max_length=120, blank=True)
    government_attendees = models.TextField("政府方出席人员", help_text="姓名、职务，每行一人")
    union_attendees = models.TextField("工会方出席人员", help_text="姓名、职务，每行一人")
    departments = models.TextField("参会政府部门", blank=True, help_text="如 人社局、财政局、总工会，用顿号分隔")
    agenda = models.TextField("会议议程")
    minutes = models.FileField(
        "会议纪要", upload_to=upload_to, validators=[validate_attachment], blank=True, max_length=200
    )
    minutes_name = models.CharField("纪要文件名", max_length=200, blank=True, editable=False)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-held_on", "pk"]
        verbose_name = verbose_name_plural = "联席会议"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("unionwork:meeting_detail", args=[self.pk])

    def clean(self) -> None:
        if self.held_on and self.held_on > timezone.localdate():
            raise ValidationError({"held_on": "召开日期不能晚于今天；尚未召开的会议请在年度任务中跟踪。"})


class JointMeetingDecision(models.Model):
    """A decision (议定事项) of a meeting; it is followed up as a supervision task (``task``)."""

    scope_kind = "org"
    scope_org_field = "meeting__org"

    meeting = models.ForeignKey(JointMeeting, on_delete=models.CASCADE, related_name="decisions")
    title = models.CharField("议定事项", max_length=200)
    description = models.TextField("具体要求", blank=True)
    lead_department = models.CharField("牵头政府部门", max_length=60, blank=True)
    lead_unit = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="牵头工会"
    )
    deadline = models.DateField("完成时限")
    task = models.OneToOneField(
        "targets.Task",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="joint_meeting_decision",
        verbose_name="督办事项",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        ordering = ["deadline", "pk"]
        verbose_name = verbose_name_plural = "联席会议议定事项"

    def __str__(self) -> str:
        return self.title


def obligation_status(obligation: JointMeetingObligation, today: datetime.date | None = None) -> str:
    """held / held_late / pending / overdue; lists annotate ``held_on`` (see selectors.obligations_for)."""
    today = today or timezone.localdate()
    if hasattr(obligation, "held_on"):
        held = obligation.held_on
    else:
        held = obligation.meetings.order_by("held_on").values_list("held_on", flat=True).first()
    if held:
        return "held_late" if held > obligation.deadline else "held"
    return "overdue" if today > obligation.deadline else "pending"


OBLIGATION_STATUS_LABELS = {"held": "已召开", "held_late": "逾期召开", "pending": "待召开", "overdue": "逾期未召开"}
