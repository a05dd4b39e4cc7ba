"""入会申请 (the join flow): a worker applies on the public join page, the union approves or rejects.

The worker has no account: ``join_application_submit``, ``join_application_withdraw`` and
``transfer_request_by_member`` take no user; the person proves who they are with their ID
number and phone (and name, for a transfer). Personal data enters in clear and is sealed
here exactly as for ``Member``; nothing here logs it. Approval creates the member through
``member_create`` as the approving user.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from gonghui.core.services import fetch_for_update
from gonghui.members import services
from gonghui.members.models import (
    MEMBER_UNION_TYPES,
    MIN_JOIN_AGE,
    EmploymentCategory,
    JoinApplication,
    JoinSource,
    JoinStatus,
    Member,
    MemberStatus,
    Transfer,
    TransferSource,
    TransferState,
    add_years,
    id_number_index,
    phone_index,
    seal_id_number,
    seal_phone,
)
from gonghui.orgs.models import Employer, Organization, OrgStatus, OrgType
from gonghui.utilities.idnumber import parse_id_number
from gonghui.utilities.validators import normalize_phone, validate_mobile

CONSENT_VERSION = "2025-01"
ALREADY_MEMBER = "您已是其他工会的在会会员，如需转会请联系所在工会。"
ALREADY_MEMBER_HERE = "您已是本工会的在会会员，无需重复申请。"
ALREADY_APPLIED = "您已提交过入会申请，正在审批中，请凭身份证号和手机号查询进度。"
WITHDRAW_NOT_FOUND = "未查询到与该身份证号码和手机号码对应的入会申请，请重新查询后再撤回。"
TRANSFER_NO_MATCH = (
    "未找到与您填写的姓名、身份证号码和手机号码都相符的在会会员。请核对（姓名须与身份证一致，"
    "手机号须与在原工会登记的一致）；如您尚未入会，请直接申请入会；如手机号已更换，请联系原工会更正。"
)
TRANSFER_ALREADY_OPEN = "您已有一条待审批的转会申请，请凭身份证号和手机号查询进度，等待审批结果。"


def approval_days() -> int:
    return int(getattr(settings, "JOIN_APPROVAL_DAYS", 5))


def lead_threshold() -> int:
    return int(getattr(settings, "JOIN_LEAD_THRESHOLD", 3))


def normalize_employer_name(value: str) -> str:
    """NFKC (full-width → half-width), no whitespace, case-folded: the key applications are grouped by."""
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(text.split()).casefold()[:100]


def is_open_union(org: Organization) -> bool:
    return org.org_type in MEMBER_UNION_TYPES and org.status != OrgStatus.DISSOLVED


# ---------------------------------------------------------------------------
# Routing a worker without a union QR


@dataclass(frozen=True)
class Route:
    union: Organization
    employer: Employer | None
    source: str


def join_towns() -> QuerySet:
    """The towns/streets (and parks) a worker can choose on the generic join page."""
    return (
        Organization.objects.filter(org_type__in=(OrgType.TOWN, OrgType.PARK))
        .exclude(status=OrgStatus.DISSOLVED)
        .order_by("path")
    )


def employers_in(town: Organization) -> QuerySet:
    return Employer.objects.filter(Q(org__path__subtree=town.path) | Q(union__path__subtree=town.path))


def find_employer(town: Organization, employer_name: str) -> Employer | None:
    key = normalize_employer_name(employer_name)
    if not key:
        return None
    for employer in employers_in(town).select_related("union").order_by("pk"):
        if normalize_employer_name(employer.name) == key:
            return employer
    return None


def route_join(*, town: Organization, employer_name: str) -> Route:
    """The union a worker of ``employer_name`` in ``town`` joins: the employer's own union if it has
    one; else the town's 网上会员之家; else a 联合基层工会 of the employer's region."""
    employer = find_employer(town, employer_name)
    if employer is not None and employer.union_id and is_open_union(employer.union):
        return Route(employer.union, employer, JoinSource.QR)
    region = employer.region_code if employer is not None else town.region_code
    below = Organization.objects.filter(path__subtree=town.path).exclude(status=OrgStatus.DISSOLVED)
    candidates = [
        below.filter(org_type=OrgType.ONLINE_HOME),
        below.filter(org_type=OrgType.JOINT, region_code=region),
        Organization.objects.filter(org_type=OrgType.ONLINE_HOME, region_code=town.region_code).exclude(
            status=OrgStatus.DISSOLVED
        ),
        Organization.objects.filter(org_type=OrgType.JOINT, region_code=region).exclude(status=OrgStatus.DISSOLVED),
    ]
    for queryset in candidates:
        union = queryset.order_by("path").first()
        if union is not None:
            return Route(union, employer, JoinSource.ROUTED)
    raise ValidationError(
        {"employer_name": f"「{town.name}」暂未开通网上入会，请联系当地工会办理，或扫描所在单位工会的入会二维码。"}
    )


# ---------------------------------------------------------------------------
# Submitting


def _checked_personal(data: dict) -> tuple:
    errors: dict[str, str] = {}
    info = None
    try:
        info = parse_id_number(data.get("id_number") or "")
    except ValidationError as error:
        errors["id_number"] = " ".join(error.messages)
    phone = normalize_phone(data.get("phone") or "")
    if not phone:
        errors["phone"] = "请填写手机号码。"
    else:
        try:
            validate_mobile(phone)
        except ValidationError as error:
            errors["phone"] = " ".join(error.messages)
    if errors:
        raise ValidationError(errors)
    return info, phone


@transaction.atomic
def join_application_submit(*, org: Organization, data: dict, source: str = JoinSource.QR) -> JoinApplication:
    """A worker's application to ``org``. ``data``: name, id_number, phone, employer (optional),
    employer_name, employment_category, new_employment_type, consent."""
    if not is_open_union(org):
        raise ValidationError("该工会暂不接受入会申请，请联系当地工会。")
    if not data.get("consent"):
        raise ValidationError({"consent": "请阅读并勾选同意《个人信息处理告知书》后再提交。"})
    info, phone = _checked_personal(data)
    if add_years(info.birth_date, MIN_JOIN_AGE) > timezone.localdate():
        raise ValidationError({"id_number": f"入会须年满 {MIN_JOIN_AGE} 周岁，请核对身份证号码。"})
    sealed_id, sealed_phone = seal_id_number(info.number), seal_phone(phone)
    active = Member.objects.filter(id_number_index=sealed_id.index, status=MemberStatus.ACTIVE).first()
    if active is not None:
        raise ValidationError({"id_number": ALREADY_MEMBER_HERE if active.org_id == org.pk else ALREADY_MEMBER})
    if Member.objects.filter(id_number_index=sealed_id.index, status=MemberStatus.DECEASED).exists():
        raise ValidationError({"id_number": "该身份证号码无法办理入会，请核对或联系工会。"})
    if JoinApplication.objects.filter(id_number_index=sealed_id.index, status=JoinStatus.SUBMITTED).exists():
        raise ValidationError({"id_number": ALREADY_APPLIED})
    employer = data.get("employer")
    employer_name = (employer.name if employer else (data.get("employer_name") or "")).strip()
    if not employer_name:
        raise ValidationError({"employer_name": "请填写工作单位名称，如单位营业执照上的名称。"})
    category = data.get("employment_category") or EmploymentCategory.EMPLOYEE
    new_type = data.get("new_employment_type") or ""
    if category == EmploymentCategory.NEW_EMPLOYMENT and not new_type:
        raise ValidationError(
            {"new_employment_type": "人员类别为「新就业形态」时，请选择具体类型（快递员、外卖配送员等）。"}
        )
    if category != EmploymentCategory.NEW_EMPLOYMENT:
        new_type = ""
    now = timezone.now()
    application = JoinApplication(
        org=org,
        name=(data.get("name") or "").strip(),
        id_number_cipher=sealed_id.cipher,
        id_number_index=sealed_id.index,
        id_number_masked=sealed_id.masked,
        phone_cipher=sealed_phone.cipher,
        phone_index=sealed_phone.index,
        phone_masked=sealed_phone.masked,
        birth_date=info.birth_date,
        employer=employer,
        employer_name=employer_name[:100],
        employer_key=normalize_employer_name(employer_name),
        region_code=(employer.region_code if employer else org.region_code),
        employment_category=category,
        new_employment_type=new_type,
        consent=True,
        consent_at=now,
        consent_version=CONSENT_VERSION,
        source=source,
        due_date=timezone.localdate() + datetime.timedelta(days=approval_days()),
    )
    if not application.name:
        raise ValidationError({"name": "请填写姓名（与身份证一致）。"})
    application.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ValidationError({"id_number": ALREADY_APPLIED}) from None
    return application


# ---------------------------------------------------------------------------
# Deciding


@transaction.atomic
def join_application_approve(*, user, application: JoinApplication, note: str = "") -> JoinApplication:
    """Approve: the member is created (card number, JOIN event) by ``member_create`` as ``user``."""
    application = fetch_for_update(JoinApplication, user, "approve", application.pk)
    if not application.is_open:
        raise ValidationError(f"该申请当前状态为「{application.get_status_display()}」，不能再审批。")
    data = {
        "org": application.org,
        "name": application.name,
        "id_number": application.reveal_id_number(),
        "phone": application.reveal_phone(),
        "employment_category": application.employment_category,
        "new_employment_type": application.new_employment_type,
        "is_migrant_worker": application.employment_category == EmploymentCategory.MIGRANT,
        "employer": application.employer,
        "employer_name": application.employer_name,
        "join_date": timezone.localdate(),
    }
    member = services.member_create(user=user, data=data, note=note or "入会申请审批通过")
    application.status = JoinStatus.APPROVED
    application.member = member
    application.decided_by = user
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "member", "decided_by", "decided_at", "updated_at"])
    return application


@transaction.atomic
def join_application_reject(*, user, application: JoinApplication, reason: str) -> JoinApplication:
    application = fetch_for_update(JoinApplication, user, "approve", application.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写未通过的原因，申请人查询进度时会看到它。"})
    if not application.is_open:
        raise ValidationError(f"该申请当前状态为「{application.get_status_display()}」，不能再审批。")
    application.status = JoinStatus.REJECTED
    application.reject_reason = reason[:200]
    application.decided_by = user
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "reject_reason", "decided_by", "decided_at", "updated_at"])
    return application


@transaction.atomic
def join_application_withdraw(*, application_id: int, id_number: str, phone: str) -> JoinApplication:
    """撤回申请 by the applicant: only their own (ID number and phone both match) and only while it
    awaits a decision. The person may apply again afterwards."""
    try:
        id_index, ph_index = id_number_index(id_number), phone_index(phone)
    except Exception:  # garbage input is simply "not found"
        raise ValidationError(WITHDRAW_NOT_FOUND) from None
    application = (
        JoinApplication.objects.select_for_update(of=("self",))
        .filter(pk=application_id, id_number_index=id_index, phone_index=ph_index)
        .first()
    )
    if application is None:
        raise ValidationError(WITHDRAW_NOT_FOUND)
    if application.status == JoinStatus.WITHDRAWN:
        raise ValidationError("该申请已撤回，无需重复操作。")
    if not application.is_open:
        raise ValidationError(f"该申请当前状态为「{application.get_status_display()}」，工会已办理完毕，不能撤回。")
    application.status = JoinStatus.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    return application


# ---------------------------------------------------------------------------
# 会员本人申请转会: an active member of another union asks to move to the union whose QR they scanned


@transaction.atomic
def transfer_request_by_member(*, org: Organization, data: dict) -> Transfer:
    """The member's own transfer request from a phone. ``data``: name, id_number, phone, reason, consent.

    The person must match an active membership: name and ID number, and the phone stored on it if
    one is stored. Every failed match gives the same answer, so nothing tells a visitor whether (or
    where) a number is registered. The receiving union (``org``) approves on its transfer pages.
    """
    if not is_open_union(org):
        raise ValidationError("该工会暂不接受转会申请，请联系当地工会。")
    if not data.get("consent"):
        raise ValidationError({"consent": "请阅读并勾选同意《个人信息处理告知书》后再提交。"})
    info, phone = _checked_personal(data)
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": "请填写姓名（与身份证一致）。"})
    reason = (data.get("reason") or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写转会事由，如「已调入新单位工作」。"})
    member = services.find_active_member(id_number=info.number, name=name)
    if member is None or (member.phone_index and member.phone_index != phone_index(phone)):
        raise ValidationError(TRANSFER_NO_MATCH)
    member = Member.objects.select_for_update(of=("self",)).select_related("org").get(pk=member.pk)
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError(TRANSFER_NO_MATCH)
    if member.org_id == org.pk:
        raise ValidationError({"id_number": "您已是本工会的在会会员，无需转会。"})
    if Transfer.objects.filter(member=member, state=TransferState.REQUESTED).exists():
        raise ValidationError(TRANSFER_ALREADY_OPEN)
    return services.transfer_open(member=member, to_org=org, source=TransferSource.MEMBER, reason=reason)


# ---------------------------------------------------------------------------
# Readers


def join_applications_for(user, action: str = "view") -> QuerySet:
    return JoinApplication.objects.restrict(user, action).select_related("org", "employer", "decided_by")


def overdue_q() -> Q:
    return Q(status=JoinStatus.SUBMITTED, due_date__lt=timezone.localdate())


def overdue_count(user, org: Organization) -> int:
    """Overdue applications in ``org``'s subtree that the user may see."""
    return join_applications_for(user).filter(overdue_q(), org__path__subtree=org.path).count()


def find_application(*, id_number: str, phone: str) -> JoinApplication | None:
    """The latest application matching both ID number and phone (None otherwise, whatever the reason)."""
    try:
        id_index, ph_index = id_number_index(id_number), phone_index(phone)
    except Exception:  # garbage input is simply "not found"
        return None
    return (
        JoinApplication.objects.filter(id_number_index=id_index, phone_index=ph_index)
        .select_related("org", "member")
        .order_by("-created_at", "-pk")
        .first()
    )


def find_transfer(*, id_number: str, phone: str) -> Transfer | None:
    """The latest transfer of the person with this ID number whose membership record carries this
    phone (None otherwise, whatever the reason). A membership without a stored phone never matches."""
    try:
        id_index, ph_index = id_number_index(id_number), phone_index(phone)
    except Exception:
        return None
    return (
        Transfer.objects.filter(member__id_number_index=id_index, member__phone_index=ph_index)
        .select_related("org", "from_org", "new_member")
        .order_by("-created_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class Lead:
    employer_name: str
    employer: Employer | None
    applicants: int
    unions: str


def establishment_leads(user, org: Organization | None = None) -> list[Lead]:
    """以入会促建会: employers without a union named by ≥ ``JOIN_LEAD_THRESHOLD`` open or approved
    applications in the user's scope (optionally within ``org``'s subtree)."""
    queryset = join_applications_for(user).filter(status__in=(JoinStatus.SUBMITTED, JoinStatus.APPROVED))
    if org is not None:
        queryset = queryset.filter(org__path__subtree=org.path)
    queryset = queryset.filter(Q(employer__isnull=True) | Q(employer__union__isnull=True))
    rows = (
        queryset.values("employer_key")
        .annotate(applicants=Count("pk"))
        .filter(applicants__gte=lead_threshold())
        .order_by("-applicants", "employer_key")
    )
    leads = []
    for row in rows:
        sample = queryset.filter(employer_key=row["employer_key"]).select_related("employer", "org")
        employer = next((a.employer for a in sample if a.employer_id), None)
        if employer is not None and employer.union_id:
            continue
        if employer is None and Employer.objects.filter(union__isnull=False, name=sample[0].employer_name).exists():
            continue
        unions = "、".join(sorted({a.org.name for a in sample}))
        name = employer.name if employer else sample[0].employer_name
        leads.append(Lead(name, employer, row["applicants"], unions))
    return leads
