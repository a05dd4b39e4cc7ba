"""The real-name member registry (会员实名制): members, their membership history, transfers.

Identity numbers and phone numbers are never stored in clear. Each is kept three ways,
all computed when the value is written (``seal_id_number`` / ``seal_phone``):

``*_cipher``  SM4-GCM (or AES-GCM) token bound to its column, decrypted only for a logged full view
``*_index``   keyed blind index (HMAC) for exact lookup and for the uniqueness constraints
``*_masked``  the masked form that pages, tables, the API and exports show

One active membership per person across the whole system is a partial unique index on
``id_number_index`` where ``status = 'active'`` (PostgreSQL and SQLite both support it),
so no code path (importer, API, two concurrent requests) can create a second one.

A person has at most one row per union (``member_one_row_per_person_union``): leaving and
re-joining the same union reuses the row; a transfer leaves the sending union's row
as 已转出 and activates a row in the receiving union.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from gonghui.core.models import ScopedModel, created_by_field, owning_org_field
from gonghui.orgs.models import Employer, OrgType
from gonghui.utilities.idnumber import IdNumberInfo, normalize_id_number, parse_id_number
from gonghui.utilities.pii import blind_index, decrypt, encrypt, mask_id_number, mask_phone
from gonghui.utilities.validators import normalize_phone, validate_mobile

ID_NUMBER_CONTEXT = "members.member.id_number"
PHONE_CONTEXT = "members.member.phone"
FULL_PII_PERMISSION = "members.view_full_pii"

#: the organisation types that hold members directly (基层工会, 联合基层工会, 网上会员之家)
MEMBER_UNION_TYPES = (OrgType.GRASSROOTS, OrgType.JOINT, OrgType.ONLINE_HOME)
MIN_JOIN_AGE = 16  # 劳动年龄: the Labour Law's minimum working age


class MemberStatus(models.TextChoices):
    ACTIVE = "active", "在会"
    TRANSFERRED_OUT = "transferred_out", "已转出"
    LEFT = "left", "已退会"
    DECEASED = "deceased", "已故"


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class Education(models.TextChoices):
    DOCTOR = "doctor", "博士研究生"
    MASTER = "master", "硕士研究生"
    BACHELOR = "bachelor", "大学本科"
    JUNIOR_COLLEGE = "junior_college", "大学专科"
    SECONDARY_VOCATIONAL = "secondary_vocational", "中专/中技/职高"
    HIGH_SCHOOL = "high_school", "高中"
    JUNIOR_HIGH = "junior_high", "初中"
    PRIMARY = "primary", "小学及以下"


class PoliticalStatus(models.TextChoices):
    CPC = "cpc", "中共党员"
    CYL = "cyl", "共青团员"
    MASSES = "masses", "群众"
    DEMOCRATIC = "democratic", "民主党派"
    OTHER = "other", "其他"


class EmploymentCategory(models.TextChoices):
    EMPLOYEE = "employee", "职工"
    MIGRANT = "migrant", "农民工"
    NEW_EMPLOYMENT = "new_employment", "新就业形态"


class NewEmploymentType(models.TextChoices):
    COURIER = "courier", "快递员"
    DELIVERY_RIDER = "delivery_rider", "外卖配送员"
    RIDE_HAILING_DRIVER = "ride_hailing_driver", "网约车司机"
    TRUCK_DRIVER = "truck_driver", "货车司机"
    LIVE_STREAMER = "live_streamer", "网络主播"
    OTHER = "other", "其他"


class Ethnicity(models.TextChoices):
    """GB/T 3304 民族 codes."""

    HAN = "01", "汉族"
    MONGOL = "02", "蒙古族"
    HUI = "03", "回族"
    TIBETAN = "04", "藏族"
    UYGHUR = "05", "维吾尔族"
    MIAO = "06", "苗族"
    YI = "07", "彝族"
    ZHUANG = "08", "壮族"
    BUYEI = "09", "布依族"
    KOREAN = "10", "朝鲜族"
    MANCHU = "11", "满族"
    DONG = "12", "侗族"
    YAO = "13", "瑶族"
    BAI = "14", "白族"
    TUJIA = "15", "土家族"
    HANI = "16", "哈尼族"
    KAZAKH = "17", "哈萨克族"
    DAI = "18", "傣族"
    LI = "19", "黎族"
    LISU = "20", "傈僳族"
    VA = "21", "佤族"
    SHE = "22", "畲族"
    GAOSHAN = "23", "高山族"
    LAHU = "24", "拉祜族"
    SUI = "25", "水族"
    DONGXIANG = "26", "东乡族"
    NAXI = "27", "纳西族"
    JINGPO = "28", "景颇族"
    KYRGYZ = "29", "柯尔克孜族"
    TU = "30", "土族"
    DAUR = "31", "达斡尔族"
    MULAO = "32", "仫佬族"
    QIANG = "33", "羌族"
    BLANG = "34", "布朗族"
    SALAR = "35", "撒拉族"
    MAONAN = "36", "毛南族"
    GELAO = "37", "仡佬族"
    XIBE = "38", "锡伯族"
    ACHANG = "39", "阿昌族"
    PUMI = "40", "普米族"
    TAJIK = "41", "塔吉克族"
    NU = "42", "怒族"
    UZBEK = "43", "乌孜别克族"
    RUSSIAN = "44", "俄罗斯族"
    EWENKI = "45", "鄂温克族"
    DEANG = "46", "德昂族"
    BONAN = "47", "保安族"
    YUGUR = "48", "裕固族"
    GIN = "49", "京族"
    TATAR = "50", "塔塔尔族"
    DERUNG = "51", "独龙族"
    OROQEN = "52", "鄂伦春族"
    HEZHEN = "53", "赫哲族"
    MONBA = "54", "门巴族"
    LHOBA = "55", "珞巴族"
    JINO = "56", "基诺族"


def ethnicity_code(text: str) -> str | None:
    """The GB/T 3304 code for "汉族", "汉", "01" or "1"; None when unknown (for importers)."""
    value = (text or "").strip()
    if not value:
        return None
    if value.isdigit():
        code = value.zfill(2)
        return code if code in Ethnicity.values else None
    for code, label in Ethnicity.choices:
        if value in (label, label.removesuffix("族")):
            return code
    return None


# ---------------------------------------------------------------------------
# Personal data: sealed once, at write time


@dataclass(frozen=True)
class Sealed:
    cipher: str
    index: str
    masked: str


def id_number_index(value: str) -> str:
    """The blind index of an identity number as typed (normalised first: spaces, full-width, x)."""
    return blind_index(normalize_id_number(value), context=ID_NUMBER_CONTEXT)


def phone_index(value: str) -> str:
    return blind_index(normalize_phone(value), context=PHONE_CONTEXT)


def seal_id_number(number: str) -> Sealed:
    """Cipher, index and mask of an already validated, normalised identity number."""
    return Sealed(
        encrypt(number, context=ID_NUMBER_CONTEXT),
        blind_index(number, context=ID_NUMBER_CONTEXT),
        mask_id_number(number),
    )


def seal_phone(phone: str) -> Sealed:
    """Cipher, index and mask of an already validated, normalised mobile number ("" for none)."""
    if not phone:
        return Sealed("", "", "")
    return Sealed(encrypt(phone, context=PHONE_CONTEXT), blind_index(phone, context=PHONE_CONTEXT), mask_phone(phone))


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class Member(ScopedModel):
    """会员: one person's membership of one union (``org``)."""

    PII_FIELDS = (
        "id_number_cipher",
        "id_number_index",
        "id_number_masked",
        "phone_cipher",
        "phone_index",
        "phone_masked",
        "birth_date",  # with the masked number it gives away all but two digits
    )
    pii_fields = PII_FIELDS

    # The two inherited foreign keys without their single-column indexes: ``member_org_status``
    # leads with org, and who created a row is never searched for (every index costs bulk imports).
    # The audit column has no database foreign key either (a trigger per imported row); Django's
    # on_delete still applies.
    org = owning_org_field(db_index=False)
    created_by = created_by_field(db_index=False, db_constraint=False)
    name = models.CharField("姓名", max_length=50)
    id_number_cipher = models.TextField("身份证号（密文）", editable=False)
    id_number_index = models.CharField("身份证号索引", max_length=32, editable=False)
    id_number_masked = models.CharField("身份证号", max_length=18, editable=False)
    phone_cipher = models.TextField("手机号（密文）", blank=True, editable=False)
    phone_index = models.CharField("手机号索引", max_length=32, blank=True, editable=False)
    phone_masked = models.CharField("手机号", max_length=11, blank=True, editable=False)
    gender = models.CharField("性别", max_length=6, choices=Gender.choices, editable=False)
    birth_date = models.DateField("出生日期", editable=False)
    ethnicity = models.CharField("民族", max_length=2, choices=Ethnicity.choices, blank=True, default=Ethnicity.HAN)
    education = models.CharField("学历", max_length=24, choices=Education.choices, blank=True)
    political_status = models.CharField(
        "政治面貌", max_length=12, choices=PoliticalStatus.choices, default=PoliticalStatus.MASSES
    )
    employment_category = models.CharField(
        "人员类别", max_length=16, choices=EmploymentCategory.choices, default=EmploymentCategory.EMPLOYEE
    )
    new_employment_type = models.CharField(
        "新就业形态类型",
        max_length=24,
        choices=NewEmploymentType.choices,
        blank=True,
        help_text="人员类别为「新就业形态」时必填",
    )
    is_migrant_worker = models.BooleanField("农民工", default=False)
    employer = models.ForeignKey(
        Employer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,  # member_employer: a partial index, nothing to keep up for the many rows without one
        related_name="members",
        verbose_name="用人单位",
    )
    employer_name = models.CharField(
        "工作单位", max_length=100, blank=True, help_text="选择了用人单位时自动填写；未登记的单位直接填写名称"
    )
    join_date = models.DateField("入会日期")
    status = models.CharField(
        "会籍状态", max_length=16, choices=MemberStatus.choices, default=MemberStatus.ACTIVE, editable=False
    )
    left_on = models.DateField("离会日期", null=True, blank=True, editable=False, help_text="退会、转出或去世的日期")
    leave_reason = models.CharField("离会原因", max_length=200, blank=True, editable=False)
    member_card_number = models.CharField("会员证号", max_length=15, editable=False)
    region_code = models.CharField("行政区划代码", max_length=6, editable=False)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["name", "pk"]
        verbose_name = verbose_name_plural = "会员"
        permissions = [("view_full_pii", "查看完整个人信息")]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=Q(status="active"),
                name="member_one_active_per_person",
                violation_error_message="该人员已在其他工会登记为在会会员，请办理转会。",
            ),
            # led by the index, so it also serves every lookup of a person by ID number
            models.UniqueConstraint(fields=["id_number_index", "org"], name="member_one_row_per_person_union"),
            # a constraint, not unique=True: no second "_like" pattern index on PostgreSQL
            models.UniqueConstraint(fields=["member_card_number"], name="member_card_number_unique"),
            models.CheckConstraint(
                condition=(Q(employment_category="new_employment") & ~Q(new_employment_type=""))
                | (~Q(employment_category="new_employment") & Q(new_employment_type="")),
                name="member_new_employment_type_iff_category",
            ),
            models.CheckConstraint(
                condition=Q(status="active", left_on__isnull=True) | (~Q(status="active") & Q(left_on__isnull=False)),
                name="member_left_on_iff_not_active",
            ),
        ]
        # Plain b-tree indexes (no PostgreSQL "_like" twins): every extra index slows bulk imports.
        indexes = [
            models.Index(fields=["phone_index"], name="member_phone_index"),
            models.Index(fields=["name"], name="member_name"),
            models.Index(fields=["org", "status"], name="member_org_status"),
            models.Index(fields=["employer"], condition=Q(employer__isnull=False), name="member_employer"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:member_detail", args=[self.pk])

    # --- personal data ---------------------------------------------------------------------------

    def set_id_number(self, value: str) -> IdNumberInfo:
        """Validate (GB 11643), seal, and derive gender and birth date. Returns the parse with warnings."""
        info = parse_id_number(value)
        sealed = seal_id_number(info.number)
        self.id_number_cipher, self.id_number_index, self.id_number_masked = sealed.cipher, sealed.index, sealed.masked
        self.gender = Gender.MALE if info.gender == "male" else Gender.FEMALE
        self.birth_date = info.birth_date
        return info

    def set_phone(self, value: str) -> None:
        """Validate and seal a mobile number; an empty value clears it."""
        phone = normalize_phone(value or "")
        if phone:
            validate_mobile(phone)
        sealed = seal_phone(phone)
        self.phone_cipher, self.phone_index, self.phone_masked = sealed.cipher, sealed.index, sealed.masked

    def reveal_id_number(self) -> str:
        """The identity number in clear. Callers check the permission and log the view."""
        return decrypt(self.id_number_cipher, context=ID_NUMBER_CONTEXT)

    def reveal_phone(self) -> str:
        return decrypt(self.phone_cipher, context=PHONE_CONTEXT) if self.phone_cipher else ""

    @property
    def birth_year_month(self) -> str:
        """出生年月: what pages show without the full-data permission (the full date plus the
        masked number would give away all but two digits)."""
        return f"{self.birth_date:%Y-%m}" if self.birth_date else ""

    def age_on(self, day: datetime.date) -> int:
        return day.year - self.birth_date.year - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))

    @property
    def age(self) -> int:
        return self.age_on(datetime.date.today())

    @property
    def is_active_member(self) -> bool:
        return self.status == MemberStatus.ACTIVE

    # --- validation ------------------------------------------------------------------------------

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.org_id is not None:
            org = self.org
            if org.org_type not in MEMBER_UNION_TYPES:
                errors["org"] = (
                    f"「{org.name}」是{org.get_org_type_display()}，会员只能登记在基层工会、联合基层工会"
                    "或网上会员之家，请选择会员所在的工会。"
                )
            elif org.is_dissolved and self.status == MemberStatus.ACTIVE:
                errors["org"] = f"「{org.name}」已撤销，不能登记在会会员，请选择正常状态的工会。"
        if self.employment_category == EmploymentCategory.NEW_EMPLOYMENT:
            if not self.new_employment_type:
                errors["new_employment_type"] = (
                    "人员类别为「新就业形态」时，请选择新就业形态类型（快递员、外卖配送员等）。"
                )
        elif self.new_employment_type:
            errors["new_employment_type"] = (
                "只有人员类别为「新就业形态」时才填写新就业形态类型，请清空此项或修改人员类别。"
            )
        if self.employment_category == EmploymentCategory.MIGRANT:
            self.is_migrant_worker = True
        if self.employer_id is not None:
            self.employer_name = self.employer.name
        self.name = (self.name or "").strip()
        if self.join_date:
            if self.join_date > datetime.date.today():
                errors["join_date"] = "入会日期不能晚于今天，请核对。"
            elif self.birth_date and self.join_date < add_years(self.birth_date, MIN_JOIN_AGE):
                errors["join_date"] = (
                    f"入会日期 {self.join_date.isoformat()} 时该人员未满 {MIN_JOIN_AGE} 周岁"
                    "（出生日期取自身份证号码），请核对入会日期或身份证号码。"
                )
        if self.left_on and self.join_date and self.left_on < self.join_date:
            errors["left_on"] = "离会日期不能早于入会日期。"
        if errors:
            raise ValidationError(errors)


class CardSequence(models.Model):
    """The last member card number handed out per region (one row per region code)."""

    region_code = models.CharField(max_length=6, primary_key=True)
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.region_code}:{self.last_value}"


class EventKind(models.TextChoices):
    JOIN = "join", "入会"
    REJOIN = "rejoin", "重新入会"
    TRANSFER_OUT = "transfer_out", "转出"
    TRANSFER_IN = "transfer_in", "转入"
    LEAVE = "leave", "退会"
    DEATH = "death", "去世"


class MembershipEvent(ScopedModel):
    """One step of a membership's history. ``org`` is the union of the member row it belongs to."""

    # A JOIN event per imported member: no extra index, and no database foreign keys on the audit
    # columns nor on the unions (each is a trigger per inserted row; an import derives them from the
    # member rows, whose own org is checked). Django's on_delete (PROTECT, SET_NULL) still applies.
    # The member itself keeps its database foreign key.
    created_by = created_by_field(db_index=False, db_constraint=False)
    org = owning_org_field(db_constraint=False)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="events", verbose_name="会员")
    kind = models.CharField("事项", max_length=16, choices=EventKind.choices)
    date = models.DateField("日期")
    from_org = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_constraint=False,
        db_index=False,  # event_from_org: partial, JOIN events have none
        related_name="+",
        verbose_name="转出工会",
    )
    to_org = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
        verbose_name="转入工会",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        db_constraint=False,
        related_name="+",
        verbose_name="审批人",
    )
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta(ScopedModel.Meta):
        ordering = ["-date", "-pk"]
        verbose_name = verbose_name_plural = "会籍变动记录"
        default_permissions = ("view", "export")
        indexes = [models.Index(fields=["from_org"], condition=Q(from_org__isnull=False), name="event_from_org")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"


class TransferState(models.TextChoices):
    REQUESTED = "requested", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "已驳回"
    CANCELLED = "cancelled", "已撤回"


class TransferSource(models.TextChoices):
    UNION = "union", "转入工会发起"
    MEMBER = "member", "会员本人申请"
    DIRECT = "direct", "管理员直接办理"


class Transfer(ScopedModel):
    """转会: moving an active membership from ``from_org`` to ``org`` (the receiving union, which approves)."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="transfers", verbose_name="会员（转出工会的会籍）"
    )
    from_org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="转出工会"
    )
    state = models.CharField("状态", max_length=12, choices=TransferState.choices, default=TransferState.REQUESTED)
    source = models.CharField("发起方式", max_length=8, choices=TransferSource.choices, default=TransferSource.UNION)
    reason = models.CharField("转会事由", max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="申请人",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审批人",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=200, blank=True)
    effective_on = models.DateField("转会日期", null=True, blank=True)
    new_member = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="转入后的会籍",
    )

    class Meta(ScopedModel.Meta):
        ordering = ["-created_at", "-pk"]
        verbose_name = verbose_name_plural = "转会申请"
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(state="requested"),
                name="transfer_one_open_per_member",
                violation_error_message="该会员已有一条待审批的转会申请，请先处理它。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member.name}：{self.from_org.name} → {self.org.name}"

    def get_absolute_url(self) -> str:
        return reverse("members:transfer_detail", args=[self.pk])

    @property
    def to_org(self):
        return self.org

    @property
    def is_open(self) -> bool:
        return self.state == TransferState.REQUESTED


# ---------------------------------------------------------------------------
# 入会申请: a worker's application from the public join page (QR code or the generic page)


class JoinStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未通过"
    WITHDRAWN = "withdrawn", "已撤回"


class JoinSource(models.TextChoices):
    QR = "qr", "扫码入会"
    ONLINE_HOME = "online_home", "网上入会"
    ROUTED = "routed", "按所在地分配"


class JoinApplication(ScopedModel):
    """入会申请. ``org`` is the union applied to (for a routed application, the one it was routed to)."""

    pii_fields = Member.PII_FIELDS

    name = models.CharField("姓名", max_length=50)
    id_number_cipher = models.TextField("身份证号（密文）", editable=False)
    id_number_index = models.CharField("身份证号索引", max_length=32, editable=False, db_index=True)
    id_number_masked = models.CharField("身份证号", max_length=18, editable=False)
    phone_cipher = models.TextField("手机号（密文）", editable=False)
    phone_index = models.CharField("手机号索引", max_length=32, editable=False)
    phone_masked = models.CharField("手机号", max_length=11, editable=False)
    birth_date = models.DateField("出生日期", editable=False)
    employer = models.ForeignKey(
        Employer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="用人单位"
    )
    employer_name = models.CharField("工作单位", max_length=100)
    employer_key = models.CharField("工作单位（规范化）", max_length=100, editable=False, db_index=True)
    region_code = models.CharField("行政区划代码", max_length=6, blank=True)
    employment_category = models.CharField(
        "人员类别", max_length=16, choices=EmploymentCategory.choices, default=EmploymentCategory.EMPLOYEE
    )
    new_employment_type = models.CharField(
        "新就业形态类型", max_length=24, choices=NewEmploymentType.choices, blank=True
    )
    consent = models.BooleanField("同意个人信息处理告知", default=False)
    consent_at = models.DateTimeField("同意时间", null=True, blank=True)
    consent_version = models.CharField("告知书版本", max_length=20, blank=True)
    status = models.CharField("状态", max_length=12, choices=JoinStatus.choices, default=JoinStatus.SUBMITTED)
    source = models.CharField("申请途径", max_length=12, choices=JoinSource.choices, default=JoinSource.QR)
    due_date = models.DateField("办理期限")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审批人",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    reject_reason = models.CharField("未通过原因", max_length=200, blank=True)
    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="会员"
    )

    class Meta(ScopedModel.Meta):
        ordering = ["-created_at", "-pk"]
        verbose_name = verbose_name_plural = "入会申请"
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=Q(status="submitted"),
                name="joinapplication_one_open_per_person",
                violation_error_message="您已提交过入会申请，正在审批中，请凭身份证号和手机号查询进度。",
            ),
            models.CheckConstraint(
                condition=Q(consent=True) & Q(consent_at__isnull=False),
                name="joinapplication_consent_given",
            ),
        ]
        indexes = [models.Index(fields=["org", "status", "due_date"], name="joinapp_org_status_due")]

    def __str__(self) -> str:
        return f"{self.name}的入会申请"

    def get_absolute_url(self) -> str:
        return reverse("members:join_application_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == JoinStatus.SUBMITTED

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date < datetime.date.today()

    def reveal_id_number(self) -> str:
        return decrypt(self.id_number_cipher, context=ID_NUMBER_CONTEXT)

    def reveal_phone(self) -> str:
        return decrypt(self.phone_cipher, context=PHONE_CONTEXT)
