"""The organisation tree (materialised path) and employers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from gonghui.core.models import BUSINESS_PERMISSIONS, ChangeLoggedModel, ScopedModel
from gonghui.core.querysets import RestrictedQuerySetMixin
from gonghui.orgs.lookups import SubtreeLookup
from gonghui.utilities.validators import (
    normalize_uscc,
    region_name,
    validate_contact_phone,
    validate_region_code,
    validate_uscc,
)


class OrgType(models.TextChoices):
    FEDERATION = "federation", "总工会"
    INDUSTRIAL = "industrial", "产业(行业)工会"
    TOWN = "town", "乡镇(街道)工会"
    PARK = "park", "园区工会"
    GRASSROOTS = "grassroots", "基层工会"
    JOINT = "joint", "联合基层工会"
    ALLIANCE = "alliance", "区域性/行业性工会联合会"
    ONLINE_HOME = "online_home", "网上会员之家"
    GROUP = "group", "工会小组/车间工会"


class FederationLevel(models.TextChoices):
    NATIONAL = "national", "全国"
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县(区)级"


class OrgStatus(models.TextChoices):
    PREPARING = "preparing", "筹备"
    ACTIVE = "active", "正常"
    DISSOLVED = "dissolved", "撤销"


LEVEL_RANK = {
    FederationLevel.NATIONAL: 0,
    FederationLevel.PROVINCE: 1,
    FederationLevel.CITY: 2,
    FederationLevel.COUNTY: 3,
}

# Which parent types each type may sit under (None = may be a root of the tree).
ALLOWED_PARENTS: dict[str, set[str | None]] = {
    OrgType.FEDERATION: {None, OrgType.FEDERATION},
    OrgType.INDUSTRIAL: {OrgType.FEDERATION},
    OrgType.TOWN: {OrgType.FEDERATION},
    OrgType.PARK: {OrgType.FEDERATION},
    OrgType.ALLIANCE: {OrgType.FEDERATION, OrgType.INDUSTRIAL, OrgType.TOWN, OrgType.PARK},
    OrgType.ONLINE_HOME: {OrgType.FEDERATION, OrgType.TOWN, OrgType.PARK},
    OrgType.GRASSROOTS: {
        OrgType.FEDERATION,
        OrgType.INDUSTRIAL,
        OrgType.TOWN,
        OrgType.PARK,
        OrgType.ALLIANCE,
    },
    OrgType.JOINT: {OrgType.FEDERATION, OrgType.INDUSTRIAL, OrgType.TOWN, OrgType.PARK, OrgType.ALLIANCE},
    OrgType.GROUP: {OrgType.GRASSROOTS, OrgType.JOINT},
}
# Extra rules on the parent's federation level.
PARENT_LEVELS: dict[str, set[str]] = {
    OrgType.TOWN: {FederationLevel.COUNTY},
    OrgType.PARK: {FederationLevel.CITY, FederationLevel.COUNTY},
}


def check_placement(org_type: str, level: str, parent: Organization | None) -> None:
    """Raise a ValidationError in Chinese when ``org_type`` may not sit under ``parent``."""
    label = OrgType(org_type).label
    if org_type == OrgType.FEDERATION and level not in FederationLevel.values:
        raise ValidationError({"level": "总工会须选择层级（全国、省、市、县）。"})
    allowed = ALLOWED_PARENTS[org_type]
    if parent is None:
        if None not in allowed:
            raise ValidationError(f"{label}必须有上级工会，请选择上级单位。")
        return
    if parent.status == OrgStatus.DISSOLVED:
        raise ValidationError(f"上级单位「{parent.name}」已撤销，不能在其下设立或移入组织。")
    if parent.org_type not in allowed:
        raise ValidationError(
            f"{label}不能设在{parent.get_org_type_display()}「{parent.name}」之下，请选择合适的上级单位。"
        )
    if (
        org_type == OrgType.FEDERATION
        and LEVEL_RANK[FederationLevel(level)] <= LEVEL_RANK[FederationLevel(parent.level)]
    ):
        raise ValidationError(
            f"{FederationLevel(level).label}总工会不能设在{parent.get_level_display()}总工会"
            f"「{parent.name}」之下，上级总工会的层级必须更高。"
        )
    required_levels = PARENT_LEVELS.get(org_type)
    if required_levels and parent.org_type == OrgType.FEDERATION and parent.level not in required_levels:
        names = "、".join(FederationLevel(item).label for item in sorted(required_levels, key=LEVEL_RANK.get))
        raise ValidationError(f"{label}应设在{names}总工会之下，「{parent.name}」不符合。")


class OrganizationQuerySet(RestrictedQuerySetMixin, MP_NodeQuerySet):
    def subtree_of(self, org: Organization):
        return self.filter(path__subtree=org.path)


class OrganizationManager(MP_NodeManager):
    def get_queryset(self):
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")

    def restrict(self, user, action: str = "view"):
        return self.get_queryset().restrict(user, action)


class Organization(MP_Node, ChangeLoggedModel):
    """工会组织: every node of the union tree."""

    scope_kind = "tree"
    steplen = 4
    node_order_by = None

    name = models.CharField("组织名称", max_length=100, db_index=True)
    short_name = models.CharField("简称", max_length=40, blank=True)
    code = models.CharField("组织编码", max_length=32, unique=True, help_text="本系统内唯一，如 GH320412001")
    org_type = models.CharField("组织类型", max_length=20, choices=OrgType.choices, db_index=True)
    level = models.CharField(
        "总工会层级",
        max_length=10,
        choices=FederationLevel.choices,
        blank=True,
        help_text="仅总工会填写",
    )
    region_code = models.CharField(
        "行政区划代码",
        max_length=6,
        validators=[validate_region_code],
        db_index=True,
        help_text="GB/T 2260 六位代码，如 320412",
    )
    status = models.CharField("状态", max_length=12, choices=OrgStatus.choices, default=OrgStatus.ACTIVE)
    founded_on = models.DateField("成立日期", null=True, blank=True)
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)
    dissolve_reason = models.CharField("撤销原因", max_length=200, blank=True)
    chair_name = models.CharField("工会主席", max_length=40, blank=True)
    term_end = models.DateField("本届任期届满", null=True, blank=True)
    contact_person = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True, validators=[validate_contact_phone])
    address = models.CharField("地址", max_length=200, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = OrganizationManager()

    class Meta:
        ordering = ["path"]
        verbose_name = verbose_name_plural = "工会组织"
        default_permissions = BUSINESS_PERMISSIONS

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:org_detail", args=[self.pk])

    @property
    def region_name(self) -> str:
        return region_name(self.region_code) or ""

    @property
    def is_dissolved(self) -> bool:
        return self.status == OrgStatus.DISSOLVED

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.org_type == OrgType.FEDERATION and not self.level:
            errors["level"] = "总工会须选择层级（全国、省、市、县）。"
        if self.org_type != OrgType.FEDERATION and self.level:
            errors["level"] = "只有总工会填写层级，请清空此项。"
        if self.founded_on and self.dissolved_on and self.dissolved_on < self.founded_on:
            errors["dissolved_on"] = "撤销日期不能早于成立日期。"
        if self.term_end and self.founded_on and self.term_end < self.founded_on:
            errors["term_end"] = "任期届满日期不能早于成立日期。"
        if errors:
            raise ValidationError(errors)


Organization._meta.get_field("path").register_lookup(SubtreeLookup)


class Ownership(models.TextChoices):
    STATE = "state", "国有"
    COLLECTIVE = "collective", "集体"
    PRIVATE = "private", "民营"
    FOREIGN = "foreign", "外资"
    HK_MACAO_TW = "hmt", "港澳台"
    PUBLIC_INSTITUTION = "public", "机关事业"
    SOCIAL_ORG = "social", "社会组织"


class Industry(models.TextChoices):
    """GB/T 4754-2017 sections."""

    A = "A", "A 农、林、牧、渔业"
    B = "B", "B 采矿业"
    C = "C", "C 制造业"
    D = "D", "D 电力、热力、燃气及水生产和供应业"
    E = "E", "E 建筑业"
    F = "F", "F 批发和零售业"
    G = "G", "G 交通运输、仓储和邮政业"
    H = "H", "H 住宿和餐饮业"
    I = "I", "I 信息传输、软件和信息技术服务业"  # noqa: E741
    J = "J", "J 金融业"
    K = "K", "K 房地产业"
    L = "L", "L 租赁和商务服务业"
    M = "M", "M 科学研究和技术服务业"
    N = "N", "N 水利、环境和公共设施管理业"
    O = "O", "O 居民服务、修理和其他服务业"  # noqa: E741
    P = "P", "P 教育"
    Q = "Q", "Q 卫生和社会工作"
    R = "R", "R 文化、体育和娱乐业"
    S = "S", "S 公共管理、社会保障和社会组织"
    T = "T", "T 国际组织"


UNION_TYPES = (OrgType.GRASSROOTS, OrgType.JOINT)


class Employer(ScopedModel):
    """用人单位. ``org`` is the unit responsible for it: its union, or the town/county when it has none."""

    name = models.CharField("单位名称", max_length=100, db_index=True)
    uscc = models.CharField(
        "统一社会信用代码",
        max_length=18,
        unique=True,
        validators=[validate_uscc],
        help_text="18 位，见营业执照",
    )
    ownership = models.CharField("经济类型", max_length=12, choices=Ownership.choices)
    industry = models.CharField("行业门类", max_length=1, choices=Industry.choices)
    staff_count = models.PositiveIntegerField("职工人数", default=0)
    women_count = models.PositiveIntegerField("女职工人数", default=0, validators=[MinValueValidator(0)])
    address = models.CharField("地址", max_length=200, blank=True)
    region_code = models.CharField("行政区划代码", max_length=6, validators=[validate_region_code], db_index=True)
    is_platform = models.BooleanField(
        "新就业形态平台企业", default=False, help_text="快递、外卖、网约车、货运等平台或其站点"
    )
    union = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employers",
        verbose_name="所属基层工会",
        limit_choices_to={"org_type__in": UNION_TYPES},
    )
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta(ScopedModel.Meta):
        ordering = ["name", "pk"]
        verbose_name = verbose_name_plural = "用人单位"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:employer_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.uscc = normalize_uscc(self.uscc)
        if self.women_count > self.staff_count:
            errors["women_count"] = "女职工人数不能大于职工人数。"
        if self.union_id is not None:
            union = self.union
            if union.org_type not in UNION_TYPES:
                errors["union"] = "所属工会须为基层工会或联合基层工会。"
            elif union.is_dissolved:
                errors["union"] = f"「{union.name}」已撤销，请选择正常状态的工会。"
        if errors:
            raise ValidationError(errors)


# 建会 and 换届 live in their own module; importing it here registers the models with the orgs app.
from gonghui.orgs.models_establishment import (  # noqa: E402, F401
    CommitteeMember,
    EstablishmentCase,
    EstablishmentDocument,
    EstablishmentStep,
    ReElection,
    ReElectionDocument,
    ReElectionReminder,
)
