"""工会驿站 (户外劳动者服务站点): the registry, its photos, inspections and monthly usage."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from gonghui.core.models import ScopedModel
from gonghui.programmes import geo
from gonghui.utilities.validators import validate_contact_phone, validate_region_code


class CoordSystem(models.TextChoices):
    WGS84 = geo.CoordSystem.WGS84.value, "WGS-84（GPS、天地图）"
    GCJ02 = geo.CoordSystem.GCJ02.value, "GCJ-02（高德、腾讯）"
    BD09 = geo.CoordSystem.BD09.value, "BD-09（百度）"


class HostType(models.TextChoices):
    EMPLOYER = "employer", "企事业单位"
    STREET_OFFICE = "street_office", "街道(乡镇)、社区"
    BANK = "bank", "银行网点"
    SHOP = "shop", "商户门店"
    PUBLIC_VENUE = "public_venue", "公共场所(公园、加油站等)"
    UNION = "union", "工会阵地"
    OTHER = "other", "其他"


class StationStatus(models.TextChoices):
    BUILDING = "building", "建设中"
    OPERATING = "operating", "运营"
    SUSPENDED = "suspended", "暂停"
    REVOKED = "revoked", "撤销"


class BuildKind(models.TextChoices):
    NEW = "new", "新建"
    UPGRADED = "upgraded", "提升"


class StarRating(models.IntegerChoices):
    NONE = 0, "未评星"
    ONE = 1, "一星"
    TWO = 2, "二星"
    THREE = 3, "三星"
    FOUR = 4, "四星"
    FIVE = 5, "五星"


# Facilities are bits of one integer, so "has all of these" is one indexed-free comparison on either database.
FACILITIES: tuple[tuple[str, str], ...] = (
    ("water", "饮水"),
    ("climate", "冷暖空调"),
    ("charging", "充电"),
    ("toilet", "卫生间"),
    ("microwave", "微波炉"),
    ("first_aid", "急救药箱"),
    ("seats", "休息座椅"),
    ("wifi", "无线网络"),
    ("reading", "书报阅读"),
    ("repair", "维修工具"),
)
FACILITY_BITS = {code: 1 << index for index, (code, _label) in enumerate(FACILITIES)}
FACILITY_LABELS = dict(FACILITIES)


def facility_mask(codes) -> int:
    mask = 0
    for code in codes:
        if code not in FACILITY_BITS:
            raise ValidationError(
                {"facilities": f"未知的服务设施「{code}」，可选：{'、'.join(FACILITY_LABELS.values())}。"}
            )
        mask |= FACILITY_BITS[code]
    return mask


def facility_codes(mask: int) -> list[str]:
    return [code for code, bit in FACILITY_BITS.items() if mask & bit]


#: days between inspections unless a station sets its own
DEFAULT_INSPECTION_INTERVAL = 90


class Station(ScopedModel):
    name = models.CharField("驿站名称", max_length=100)
    host_type = models.CharField("依托单位类型", max_length=20, choices=HostType.choices, default=HostType.EMPLOYER)
    host_name = models.CharField("依托单位", max_length=100, help_text="如 某银行某支行、某街道办事处")
    address = models.CharField("地址", max_length=200)
    region_code = models.CharField(
        "行政区划代码", max_length=6, validators=[validate_region_code], db_index=True, help_text="六位 GB/T 2260 代码"
    )
    lat = models.DecimalField(
        "纬度", max_digits=9, decimal_places=6, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    lng = models.DecimalField(
        "经度", max_digits=10, decimal_places=6, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    coord_system = models.CharField(
        "坐标系", max_length=6, choices=CoordSystem.choices, default=CoordSystem.GCJ02, help_text="经纬度取自哪种地图"
    )
    # WGS-84 copies for distances and map display, kept by the services (never typed in).
    wgs_lat = models.FloatField("WGS-84 纬度", editable=False, default=0)
    wgs_lng = models.FloatField("WGS-84 经度", editable=False, default=0)
    opening_hours = models.CharField("开放时间", max_length=100, help_text="如 每天 8:00-20:00、全天开放")
    service_phone = models.CharField("服务电话", max_length=20, blank=True, validators=[validate_contact_phone])
    facilities = models.PositiveIntegerField("服务设施", default=0)
    star_rating = models.PositiveSmallIntegerField("星级", choices=StarRating.choices, default=StarRating.NONE)
    star_rated_on = models.DateField("评星日期", null=True, blank=True)
    star_grounds = models.CharField("评星依据", max_length=200, blank=True, help_text="如 市总工会2026年星级驿站评定")
    status = models.CharField(
        "状态", max_length=12, choices=StationStatus.choices, default=StationStatus.OPERATING, db_index=True
    )
    build_kind = models.CharField("建设类型", max_length=10, choices=BuildKind.choices, default=BuildKind.NEW)
    built_on = models.DateField("建成(提升)日期", null=True, blank=True, db_index=True)
    inspection_interval_days = models.PositiveSmallIntegerField(
        "巡查周期(天)", default=DEFAULT_INSPECTION_INTERVAL, validators=[MinValueValidator(7), MaxValueValidator(366)]
    )
    last_inspected_on = models.DateField("最近巡查", null=True, blank=True, editable=False)
    next_inspection_due = models.DateField("下次巡查应于", null=True, blank=True, editable=False, db_index=True)
    remark = models.CharField("备注", max_length=200, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["org__path", "name", "pk"]
        verbose_name = verbose_name_plural = "工会驿站"
        indexes = [
            models.Index(fields=["wgs_lat", "wgs_lng"], name="station_wgs_idx"),
            # The nearest-station search filters on status and a box: with status leading, an untuned SQLite
            # (no ANALYZE statistics) still prefers this to the single-column status index, which would scan
            # every operating station.
            models.Index(fields=["status", "wgs_lat", "wgs_lng"], name="station_status_wgs_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:station_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.star_rating and not self.star_rated_on:
            errors["star_rated_on"] = "评了星级的驿站请填写评星日期。"
        if self.star_rating and not self.star_grounds.strip():
            errors["star_grounds"] = "评了星级的驿站请填写评星依据（如评定文件名称）。"
        if self.status in (StationStatus.OPERATING, StationStatus.SUSPENDED) and not self.built_on:
            errors["built_on"] = "运营或暂停的驿站请填写建成(提升)日期。"
        if self.built_on and self.built_on > datetime.date.today() + datetime.timedelta(days=1):
            errors["built_on"] = "建成(提升)日期不能晚于今天。"
        if self.lat is not None and self.lng is not None and geo.out_of_china(float(self.lat), float(self.lng)):
            errors["lat"] = "经纬度不在中国境内，请检查是否把经度和纬度填反了。"
        if errors:
            raise ValidationError(errors)

    def sync_derived(self) -> None:
        """WGS-84 copy of the location and the next inspection date, from what was entered."""
        self.wgs_lat, self.wgs_lng = geo.to_wgs84(float(self.lat), float(self.lng), self.coord_system)
        start = self.last_inspected_on or self.built_on
        self.next_inspection_due = (
            start + datetime.timedelta(days=self.inspection_interval_days)
            if start and self.status == StationStatus.OPERATING
            else None
        )

    @property
    def facility_codes(self) -> list[str]:
        return facility_codes(self.facilities)

    @property
    def facility_labels(self) -> list[str]:
        return [FACILITY_LABELS[code] for code in self.facility_codes]

    @property
    def stars(self) -> str:
        return "★" * self.star_rating

    def position_in(self, system: str) -> tuple[float, float]:
        return geo.from_wgs84(self.wgs_lat, self.wgs_lng, system)

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or datetime.date.today()
        return self.next_inspection_due is not None and self.next_inspection_due < today


def validate_photo(upload) -> None:
    from PIL import Image, UnidentifiedImageError

    if upload.size > 5 * 1024 * 1024:
        raise ValidationError("照片不能超过 5 MB，请压缩后再上传。")
    try:
        position = upload.tell()
        with Image.open(upload) as image:
            image.verify()
        upload.seek(position)
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValidationError("文件不是有效的图片，请上传 JPG 或 PNG 照片。") from None


class StationPhoto(ScopedModel):
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="photos", verbose_name="驿站")
    image = models.FileField(
        "照片",
        upload_to="stations/%Y/%m/",
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"]), validate_photo],
    )
    caption = models.CharField("说明", max_length=100, blank=True)

    class Meta(ScopedModel.Meta):
        ordering = ["station", "pk"]
        verbose_name = verbose_name_plural = "驿站照片"

    def __str__(self) -> str:
        return self.caption or f"{self.station} 照片"


# The checklist every inspection walks through; the form shows one tick per item.
CHECKLIST: tuple[tuple[str, str], ...] = (
    ("signage", "标识标牌规范醒目"),
    ("hours", "按公示时间开放"),
    ("water", "饮水设备正常、卫生"),
    ("climate", "冷暖设备正常"),
    ("clean", "环境整洁"),
    ("first_aid", "急救药品在有效期内"),
    ("safety", "用电、消防无安全隐患"),
    ("ledger", "服务台账记录完整"),
)
CHECKLIST_LABELS = dict(CHECKLIST)


class InspectionResult(models.TextChoices):
    PASSED = "passed", "合格"
    NEEDS_FIX = "needs_fix", "限期整改"
    FAILED = "failed", "不合格(暂停服务)"


class Inspection(ScopedModel):
    """巡查: one visit with its checklist; problems get a fix deadline and a later re-inspection."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="inspections", verbose_name="驿站")
    inspected_on = models.DateField("巡查日期", db_index=True)
    inspector = models.CharField("巡查人", max_length=50)
    checklist = models.JSONField("检查项", default=dict, help_text="检查项编码 → 是否达标")
    result = models.CharField("巡查结论", max_length=12, choices=InspectionResult.choices)
    issues_found = models.TextField("发现问题", blank=True)
    fix_deadline = models.DateField("整改期限", null=True, blank=True)
    follow_up_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name="复查的巡查",
    )
    fixed_on = models.DateField("整改完成(复查合格)", null=True, blank=True, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["-inspected_on", "-pk"]
        verbose_name = verbose_name_plural = "驿站巡查"

    def __str__(self) -> str:
        return f"{self.station} {self.inspected_on:%Y-%m-%d} 巡查"

    def get_absolute_url(self) -> str:
        return reverse("programmes:station_detail", args=[self.station_id]) + f"#inspection-{self.pk}"

    @property
    def failed_items(self) -> list[str]:
        return [CHECKLIST_LABELS.get(code, code) for code, ok in self.checklist.items() if not ok]

    @property
    def awaiting_fix(self) -> bool:
        return self.result != InspectionResult.PASSED and self.fixed_on is None

    def clean(self) -> None:
        errors = {}
        unknown = set(self.checklist) - set(CHECKLIST_LABELS)
        if unknown:
            errors["checklist"] = f"未知的检查项：{'、'.join(sorted(unknown))}。"
        if self.inspected_on and self.inspected_on > datetime.date.today():
            errors["inspected_on"] = "巡查日期不能晚于今天。"
        if self.result != InspectionResult.PASSED:
            if not self.issues_found.strip():
                errors["issues_found"] = "结论不是“合格”时，请写明发现的问题。"
            if not self.fix_deadline:
                errors["fix_deadline"] = "结论不是“合格”时，请填写整改期限。"
            elif self.inspected_on and self.fix_deadline < self.inspected_on:
                errors["fix_deadline"] = "整改期限不能早于巡查日期。"
        elif self.failed_items:
            errors["result"] = f"有未达标的检查项（{'、'.join(self.failed_items)}），结论不能是“合格”。"
        if self.follow_up_of_id:
            original = self.follow_up_of
            if original.station_id != self.station_id:
                errors["follow_up_of"] = "复查只能针对同一驿站的巡查。"
            elif original.result == InspectionResult.PASSED:
                errors["follow_up_of"] = "被复查的巡查结论是合格，无需复查。"
            elif self.inspected_on and self.inspected_on < original.inspected_on:
                errors["inspected_on"] = "复查日期不能早于原巡查日期。"
        if errors:
            raise ValidationError(errors)

    def is_fix_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or datetime.date.today()
        return self.awaiting_fix and self.fix_deadline is not None and self.fix_deadline < today


class UsageReport(ScopedModel):
    """Monthly usage (服务人次) of one station."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="usage_reports", verbose_name="驿站")
    month = models.DateField("月份", help_text="该月第一天")
    visits = models.PositiveIntegerField("服务人次", validators=[MaxValueValidator(1_000_000)])
    remark = models.CharField("备注", max_length=200, blank=True)

    class Meta(ScopedModel.Meta):
        ordering = ["-month", "station"]
        verbose_name = verbose_name_plural = "驿站使用月报"
        constraints = [models.UniqueConstraint(fields=["station", "month"], name="usage_one_per_station_month")]

    def __str__(self) -> str:
        return f"{self.station} {self.month:%Y年%m月}"

    def clean(self) -> None:
        if self.month and self.month.day != 1:
            self.month = self.month.replace(day=1)
        if self.month and self.month > datetime.date.today():
            raise ValidationError({"month": "不能填报尚未开始的月份。"})
