"""困难职工档案 (hardship files): application → 初审 → 入户调查 → 民政核对 → 公示 → 建档, then review and exit.

The person is identified by the ID-number blind index (``id_number_index``), whether or not they are a member
(``member`` links the Member when there is one). One person holds at most one open file: a partial unique index
on the blind index over the open states, checked in the service first so the error can name the other union.

Each offline step (入户调查, 民政核对) is a state of its own with a deadline (``current_due``), and the step is
done only when its evidence is recorded (date, people, findings and the signed form or the returned document
uploaded as a ``HardshipAttachment``). Income and health are sensitive: the fields are encrypted at rest like
ID numbers and shown only to holders of ``programmes.view_hardship_sensitive`` within their scope.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import ScopedModel
from gonghui.notices.models import validate_attachment
from gonghui.rights.models.personal import IdNumberMixin, PhoneMixin, id_number_fields, phone_fields
from gonghui.utilities.pii import decrypt, encrypt

SENSITIVE_PERMISSION = "programmes.view_hardship_sensitive"


class HardshipState(models.TextChoices):
    APPLIED = "applied", "待初审"
    SURVEY = "survey", "待入户调查"
    CIVIL = "civil", "待民政核对"
    NOTICE = "notice", "公示中"
    FILED = "filed", "已建档"
    REJECTED = "rejected", "未通过"
    RESOLVED = "resolved", "已解困脱困"
    CLOSED = "closed", "已退档"


#: states in which the file is open: the person may not start another
OPEN_STATES = (
    HardshipState.APPLIED,
    HardshipState.SURVEY,
    HardshipState.CIVIL,
    HardshipState.NOTICE,
    HardshipState.FILED,
)
#: states still on the way to 建档, each with a deadline
PENDING_STATES = OPEN_STATES[:-1]


class HardshipLevel(models.TextChoices):
    DEEP = "deep", "深度困难"
    RELATIVE = "relative", "相对困难"
    ACCIDENT = "accident", "意外致困"


class HardshipCause(models.TextChoices):
    ILLNESS = "illness", "疾病"
    SCHOOLING = "schooling", "子女就学"
    ACCIDENT = "accident", "意外"
    UNEMPLOYMENT = "unemployment", "失业"
    OTHER = "other", "其他"


class Housing(models.TextChoices):
    OWNED = "owned", "自有住房"
    RENTED = "rented", "租房"
    PUBLIC = "public", "公租房/廉租房"
    DORMITORY = "dormitory", "单位宿舍"
    NONE = "none", "无固定住所"


class ApplicationSource(models.TextChoices):
    WORKER = "worker", "职工本人在线申请"
    UNION = "union", "工会代为申请"


class CivilResult(models.TextChoices):
    CONFIRMED = "confirmed", "核对相符"
    MISMATCH = "mismatch", "核对不符"


class HardshipFile(IdNumberMixin, PhoneMixin, ScopedModel):
    PII_FIELDS = (
        "id_number_cipher",
        "id_number_index",
        "id_number_masked",
        "phone_cipher",
        "phone_index",
        "phone_masked",
        "income_cipher",
        "health_cipher",
        "household_cipher",
    )
    pii_fields = PII_FIELDS
    id_number_context = "programmes.hardshipfile.id_number"
    phone_context = "programmes.hardshipfile.phone"
    income_context = "programmes.hardshipfile.income"
    health_context = "programmes.hardshipfile.health"
    household_context = "programmes.hardshipfile.household"

    number = models.CharField("档案编号", max_length=20, unique=True, editable=False)
    name = models.CharField("姓名", max_length=50)
    id_number_cipher, id_number_index, id_number_masked = id_number_fields()
    phone_cipher, phone_index, phone_masked = phone_fields()
    member = models.ForeignKey(
        "members.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="会员"
    )
    employer = models.ForeignKey(
        "orgs.Employer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="用人单位"
    )
    employer_name = models.CharField("工作单位", max_length=100, blank=True, db_index=True)
    source = models.CharField("申请方式", max_length=10, choices=ApplicationSource.choices)
    household_size = models.PositiveSmallIntegerField("家庭人口", validators=[MinValueValidator(1)], default=1)
    # 家庭成员, 月收入 and 健康状况 are sensitive: sealed, never in lists or the change log.
    household_cipher = models.TextField("家庭成员（密文）", blank=True, editable=False)
    income_cipher = models.TextField("家庭月收入（密文）", blank=True, editable=False)
    health_cipher = models.TextField("健康状况（密文）", blank=True, editable=False)
    housing = models.CharField("住房情况", max_length=10, choices=Housing.choices)
    cause = models.CharField("致困原因", max_length=15, choices=HardshipCause.choices, db_index=True)
    cause_detail = models.TextField("困难情况说明", blank=True)
    state = models.CharField("状态", max_length=10, choices=HardshipState.choices, default=HardshipState.APPLIED)
    level = models.CharField("困难类别", max_length=10, choices=HardshipLevel.choices, blank=True, db_index=True)
    applied_on = models.DateField("申请日期", db_index=True)
    current_due = models.DateField("当前步骤期限", null=True, blank=True, db_index=True)
    # 初审
    reviewed_on = models.DateField("初审日期", null=True, blank=True)
    review_opinion = models.CharField("初审意见", max_length=300, blank=True)
    # 入户调查 (offline)
    survey_on = models.DateField("入户调查日期", null=True, blank=True)
    investigators = models.CharField("调查人", max_length=100, blank=True)
    survey_findings = models.TextField("调查情况", blank=True)
    # 民政核对 (offline)
    civil_sent_on = models.DateField("送民政核对日期", null=True, blank=True)
    civil_result = models.CharField("民政核对结果", max_length=10, choices=CivilResult.choices, blank=True)
    civil_returned_on = models.DateField("核对结果返回日期", null=True, blank=True)
    civil_note = models.CharField("核对说明", max_length=300, blank=True)
    # 公示
    notice_start = models.DateField("公示开始", null=True, blank=True)
    notice_end = models.DateField("公示截止", null=True, blank=True)
    notice_place = models.CharField("公示地点", max_length=100, blank=True)
    objection_count = models.PositiveSmallIntegerField("异议数", default=0)
    # 建档 and afterwards
    filed_on = models.DateField("建档日期", null=True, blank=True, db_index=True)
    review_due = models.DateField("年度复核期限", null=True, blank=True, db_index=True)
    last_reviewed_on = models.DateField("最近复核日期", null=True, blank=True)
    exited_on = models.DateField("解困/退档日期", null=True, blank=True)
    exit_reason = models.CharField("解困/退档原因", max_length=300, blank=True)
    rejected_reason = models.CharField("未通过原因", max_length=300, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-applied_on", "-pk"]
        verbose_name = verbose_name_plural = "困难职工档案"
        permissions = [("view_hardship_sensitive", "查看困难职工敏感信息")]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=Q(state__in=["applied", "survey", "civil", "notice", "filed"]),
                name="hardship_one_open_file_per_person",
            ),
        ]
        indexes = [models.Index(fields=["state", "current_due"], name="hardship_state_due")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:hardship_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def _seal(self, value: str, context: str) -> str:
        return encrypt(value, context=context) if value else ""

    def _open(self, token: str, context: str) -> str:
        return decrypt(token, context=context) if token else ""

    def set_sensitive(self, *, income: str | None = None, health: str | None = None, household: str | None = None):
        if income is not None:
            self.income_cipher = self._seal(str(income), self.income_context)
        if health is not None:
            self.health_cipher = self._seal(health, self.health_context)
        if household is not None:
            self.household_cipher = self._seal(household, self.household_context)

    def reveal_sensitive(self) -> dict[str, str]:
        return {
            "income": self._open(self.income_cipher, self.income_context),
            "health": self._open(self.health_cipher, self.health_context),
            "household": self._open(self.household_cipher, self.household_context),
        }


class EvidenceKind(models.TextChoices):
    APPLICATION = "application", "申请材料"
    SURVEY_FORM = "survey_form", "入户调查表（签字）"
    CIVIL_DOCUMENT = "civil_document", "民政核对结果"
    NOTICE = "notice", "公示材料"
    OBJECTION = "objection", "异议材料"
    OTHER = "other", "其他"


def hardship_upload_to(instance, filename: str) -> str:
    extension = PurePath(filename).suffix.lower()
    return f"hardship/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class HardshipAttachment(ScopedModel):
    """A file of a hardship file (its ``org`` is the file's, kept equal by the service)."""

    file_record = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField("材料类别", max_length=20, choices=EvidenceKind.choices)
    file = models.FileField("文件", upload_to=hardship_upload_to, validators=[validate_attachment], max_length=200)
    original_name = models.CharField("文件名", max_length=200)

    class Meta(ScopedModel.Meta):
        ordering = ["pk"]
        verbose_name = verbose_name_plural = "困难档案材料"

    def __str__(self) -> str:
        return self.original_name


class HardshipEventKind(models.TextChoices):
    APPLY = "apply", "提出申请"
    REVIEW = "review", "基层工会初审"
    SURVEY = "survey", "入户调查"
    CIVIL_SENT = "civil_sent", "送民政核对"
    CIVIL_RESULT = "civil_result", "民政核对结果"
    NOTICE = "notice", "开始公示"
    OBJECTION = "objection", "公示异议"
    FILE = "file", "建档"
    REJECT = "reject", "不予建档"
    ANNUAL_REVIEW = "annual_review", "年度复核"
    RESOLVE = "resolve", "解困脱困"
    CLOSE = "close", "退档"
    VISIT = "visit", "脱困后回访"


class HardshipEvent(ScopedModel):
    """One step taken on a file: who acted, when, and what they recorded (the file's history)."""

    file_record = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("步骤", max_length=15, choices=HardshipEventKind.choices)
    on = models.DateField("日期")
    actor_name = models.CharField("经办人", max_length=150, blank=True)
    note = models.TextField("说明", blank=True)
    #: a follow-up visit that found the household in hardship again (返困)
    relapsed = models.BooleanField("返困", default=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta(ScopedModel.Meta):
        ordering = ["on", "pk"]
        verbose_name = verbose_name_plural = "困难档案办理记录"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"
