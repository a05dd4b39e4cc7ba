"""Writers for 建会 cases and 换届 re-elections: validated, atomic, re-checked against scope.

Each step of a case records the date, who acted, a note and the deadline it had; the final approval
creates the new union through ``org_create`` in the same transaction, links the employers to it and
records its committee. Approving a re-election's results updates the union's chair, term and committee.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from gonghui.core.querysets import ensure_in_scope
from gonghui.core.services import assign_fields
from gonghui.orgs import services as org_services
from gonghui.orgs.models import Employer, Organization, OrgStatus
from gonghui.orgs.models_establishment import (
    NEXT_STEP,
    OPEN_STATES,
    CommitteeMember,
    CommitteeRole,
    EstablishmentCase,
    EstablishmentDocument,
    EstablishmentState,
    EstablishmentStep,
    EstablishmentStepKind,
    ReElection,
    ReElectionDocument,
    ReElectionReminder,
    ReElectionStatus,
    ReminderKind,
    add_years,
    default_term_years,
    step_days,
)

CASE_FIELDS = (
    "union_name",
    "union_type",
    "union_code",
    "region_code",
    "lead_source",
    "applicant_name",
    "worker_count",
    "applied_on",
    "term_years",
    "remark",
)
NAME_SPLIT = re.compile(r"[、,，;；\s]+")


def split_names(text: str) -> list[str]:
    return [name for name in NAME_SPLIT.split(text or "") if name]


def _parent_for(user, parent: Organization | None, action: str) -> Organization:
    if parent is None:
        raise ValidationError({"org": "请选择拟建工会的上级工会。"})
    found = Organization.objects.restrict(user, action).filter(pk=parent.pk).first()
    if found is None:
        raise PermissionDenied("拟建工会的上级工会不在您的管理范围内，请选择您有权管理的单位。")
    if found.status == OrgStatus.DISSOLVED:
        raise ValidationError({"org": f"上级工会「{found.name}」已撤销，请选择正常状态的工会。"})
    return found


def _check_employers(user, employers: Iterable[Employer], union_type: str) -> list[Employer]:
    employers = list(employers)
    visible = set(
        Employer.objects.restrict(user, "view").filter(pk__in=[e.pk for e in employers]).values_list("pk", flat=True)
    )
    for employer in employers:
        if employer.pk not in visible:
            raise PermissionDenied(f"用人单位「{employer.name}」不在您的数据权限范围内。")
        if employer.union_id:
            raise ValidationError({"employers": f"「{employer.name}」已经建有工会（{employer.union}），不能重复建会。"})
    if union_type == "grassroots" and len(employers) > 1:
        raise ValidationError({"employers": "基层工会只对应一个用人单位；几个小微企业共同建会请选择「联合基层工会」。"})
    if union_type == "grassroots" and not employers:
        raise ValidationError(
            {"employers": "请选择建会的用人单位；单位尚未登记的，请先在「用人单位」中登记后再发起建会。"}
        )
    if union_type == "joint" and len(employers) < 2:
        raise ValidationError({"employers": "联合基层工会须由两个及以上用人单位共同组建，请至少选择两个单位。"})
    busy = (
        EstablishmentCase.objects.filter(employers__in=employers, state__in=OPEN_STATES)
        .values_list("union_name", flat=True)
        .first()
    )
    if busy:
        raise ValidationError({"employers": f"所选单位已有正在办理的建会案卷「{busy}」，请在该案卷中继续办理。"})
    return employers


def _next_number(today: datetime.date) -> str:
    prefix = f"JH{today:%Y}"
    last = (
        EstablishmentCase.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    serial = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{serial:05d}"


def _step(
    case: EstablishmentCase, kind: str, *, user, acted_on: datetime.date, note: str, deadline
) -> EstablishmentStep:
    return EstablishmentStep.objects.create(
        case=case,
        kind=kind,
        acted_on=acted_on,
        actor=user,
        actor_name=(user.get_full_name() or user.username) if user else "系统",
        deadline=deadline,
        note=note.strip(),
    )


def _add_case_documents(*, user, case: EstablishmentCase, step: EstablishmentStep | None, files) -> None:
    for upload in files or ():
        document = EstablishmentDocument(
            case=case, step=step, file=upload, original_name=upload.name[:200], size=upload.size, uploaded_by=user
        )
        document.full_clean()
        document.save()


def _check_code_free(code: str) -> None:
    if Organization.objects.filter(code=code).exists():
        raise ValidationError({"union_code": f"组织编码「{code}」已被使用，请换一个编码。"})


@transaction.atomic
def establishment_create(
    *, user, parent: Organization | None, employers: Iterable[Employer], data: dict, files: Iterable[UploadedFile] = ()
) -> EstablishmentCase:
    """建会申请: a new case under ``parent``, waiting for the parent's approval to prepare."""
    parent = _parent_for(user, parent, "add")
    case = EstablishmentCase(org=parent, created_by=user)
    assign_fields(case, CASE_FIELDS, data)
    employers = _check_employers(user, employers, case.union_type)
    if not case.region_code:
        case.region_code = employers[0].region_code if employers else parent.region_code
    if not case.worker_count and employers:
        case.worker_count = sum(e.staff_count for e in employers)
    if not case.applied_on:
        raise ValidationError({"applied_on": "请填写申请日期。"})
    if case.applied_on > timezone.localdate():
        raise ValidationError({"applied_on": "申请日期不能晚于今天。"})
    _check_code_free(case.union_code)
    case.number = _next_number(case.applied_on or timezone.localdate())
    case.state = EstablishmentState.APPLIED
    case.deadline = case.applied_on + datetime.timedelta(days=step_days(EstablishmentState.APPLIED))
    case.full_clean()
    case.save()
    case.employers.set(employers)
    step = _step(
        case, EstablishmentStepKind.APPLICATION, user=user, acted_on=case.applied_on, note=case.remark, deadline=None
    )
    _add_case_documents(user=user, case=case, step=step, files=files)
    ensure_in_scope(user, case, "add")
    return case


def _locked_case(user, case: EstablishmentCase, action: str) -> EstablishmentCase:
    found = EstablishmentCase.objects.restrict(user, action).select_for_update(of=("self",)).filter(pk=case.pk).first()
    if found is None:
        raise PermissionDenied("该建会案卷不在您的管理范围内，或您没有办理权限。")
    return found


def _check_date(acted_on: datetime.date, case: EstablishmentCase) -> None:
    if acted_on > timezone.localdate():
        raise ValidationError({"acted_on": "办理日期不能晚于今天。"})
    last = case.steps.order_by("-acted_on").values_list("acted_on", flat=True).first()
    if last and acted_on < last:
        raise ValidationError({"acted_on": f"办理日期不能早于上一环节的日期 {last:%Y-%m-%d}。"})


@transaction.atomic
def establishment_advance(
    *, user, case: EstablishmentCase, acted_on: datetime.date, note: str = "", data: dict | None = None, files=()
) -> EstablishmentCase:
    """Record the step the case waits for and move it on; the final approval creates the union."""
    data = data or {}
    case = _locked_case(user, case, "change")
    if case.state in (EstablishmentState.APPLIED, EstablishmentState.ELECTED):
        case = _locked_case(user, case, "approve")  # the higher union's approvals
    if case.state not in NEXT_STEP:
        raise ValidationError(f"案卷当前状态为「{case.get_state_display()}」，不能办理下一环节。")
    case.snapshot()
    _check_date(acted_on, case)
    kind, new_state = NEXT_STEP[case.state]
    if case.state == EstablishmentState.PREPARING:
        member_count = int(data.get("member_count") or 0)
        if member_count < 1:
            raise ValidationError({"member_count": "请填写参加建会的会员人数。"})
        if case.worker_count and member_count > case.worker_count:
            raise ValidationError({"member_count": f"会员人数 {member_count} 不能多于职工人数 {case.worker_count}。"})
        case.member_count = member_count
        case.assembly_on = acted_on
    elif case.state == EstablishmentState.ASSEMBLED:
        chair = (data.get("chair_name") or "").strip()
        if not chair:
            raise ValidationError({"chair_name": "请填写当选的工会主席姓名。"})
        election_on = data.get("election_on") or acted_on
        if case.assembly_on and election_on < case.assembly_on:
            raise ValidationError({"election_on": "选举日期不能早于会员大会日期。"})
        case.chair_name = chair
        case.vice_chairs = "、".join(split_names(data.get("vice_chairs", "")))
        case.committee = "、".join(split_names(data.get("committee", "")))
        case.election_on = election_on
    step = _step(case, kind, user=user, acted_on=acted_on, note=note, deadline=case.deadline)
    _add_case_documents(user=user, case=case, step=step, files=files)
    case.state = new_state
    if new_state == EstablishmentState.ESTABLISHED:
        case.deadline = None
        case.closed_on = acted_on
        case.created_union = _create_union(user=user, case=case, founded_on=acted_on)
    else:
        case.deadline = acted_on + datetime.timedelta(days=step_days(new_state))
    case.full_clean()
    case.save()
    ensure_in_scope(user, case, "view")
    return case


def _create_union(*, user, case: EstablishmentCase, founded_on: datetime.date) -> Organization:
    _check_code_free(case.union_code)
    election_on = case.election_on or founded_on
    term_end = add_years(election_on, case.term_years or default_term_years())
    org = org_services.org_create(
        user=user,
        parent=case.org,
        data={
            "name": case.union_name,
            "code": case.union_code,
            "org_type": case.union_type,
            "level": "",
            "region_code": case.region_code,
            "status": OrgStatus.ACTIVE,
            "founded_on": founded_on,
            "chair_name": case.chair_name,
            "term_end": term_end,
            "contact_person": case.applicant_name,
        },
    )
    for employer in case.employers.select_for_update(of=("self",)):
        employer.snapshot()
        employer.union = org
        employer.org = org
        employer.full_clean()
        employer.save()
    _record_committee(
        org=org,
        user=user,
        chair=case.chair_name,
        vice_chairs=case.vice_chairs,
        committee=case.committee,
        term_start=election_on,
        term_end=term_end,
        establishment_case=case,
    )
    ReElection.objects.create(
        org=org,
        created_by=user,
        status=ReElectionStatus.APPROVED,
        election_on=election_on,
        term_start=election_on,
        term_end=term_end,
        chair_name=case.chair_name,
        vice_chairs=case.vice_chairs,
        committee=case.committee,
        approved_on=founded_on,
        approved_by=user,
        remark=f"建会选举（{case.number}）",
    )
    return org


def _record_committee(*, org, user, chair, vice_chairs, committee, term_start, term_end, **link) -> None:
    for member in CommitteeMember.objects.filter(org=org, is_current=True):
        member.snapshot()
        member.is_current = False
        member.save()
    rows = [(chair, CommitteeRole.CHAIR)]
    rows += [(name, CommitteeRole.VICE_CHAIR) for name in split_names(vice_chairs)]
    rows += [(name, CommitteeRole.MEMBER) for name in split_names(committee)]
    for sort, (name, role) in enumerate(rows):
        if name:
            CommitteeMember.objects.create(
                org=org,
                created_by=user,
                name=name[:40],
                role=role,
                term_start=term_start,
                term_end=term_end,
                sort=sort,
                **link,
            )


@transaction.atomic
def establishment_return(*, user, case: EstablishmentCase, acted_on: datetime.date, reason: str) -> EstablishmentCase:
    """退回修改: back to the applicants with a reason; they resubmit and the case resumes where it was."""
    case = _locked_case(user, case, "approve")
    if case.state not in NEXT_STEP:
        raise ValidationError(f"案卷当前状态为「{case.get_state_display()}」，不能退回。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写退回原因，说明需要补正的内容。"})
    _check_date(acted_on, case)
    case.snapshot()
    _step(case, EstablishmentStepKind.RETURN, user=user, acted_on=acted_on, note=reason, deadline=case.deadline)
    case.returned_from = case.state
    case.state = EstablishmentState.RETURNED
    case.deadline = acted_on + datetime.timedelta(days=step_days(EstablishmentState.RETURNED))
    case.save()
    return case


@transaction.atomic
def establishment_resubmit(
    *, user, case: EstablishmentCase, acted_on: datetime.date, note: str, files=()
) -> EstablishmentCase:
    case = _locked_case(user, case, "change")
    if case.state != EstablishmentState.RETURNED:
        raise ValidationError("只有被退回的案卷才能重新提交。")
    _check_date(acted_on, case)
    case.snapshot()
    step = _step(case, EstablishmentStepKind.RESUBMIT, user=user, acted_on=acted_on, note=note, deadline=case.deadline)
    _add_case_documents(user=user, case=case, step=step, files=files)
    case.state = case.returned_from or EstablishmentState.APPLIED
    case.returned_from = ""
    case.deadline = acted_on + datetime.timedelta(days=step_days(case.state))
    case.save()
    return case


@transaction.atomic
def establishment_reject(*, user, case: EstablishmentCase, acted_on: datetime.date, reason: str) -> EstablishmentCase:
    """不予批准: closes the case for good, with the reason on record."""
    case = _locked_case(user, case, "approve")
    if not case.is_open:
        raise ValidationError(f"案卷已办结（{case.get_state_display()}），不能再作不予批准处理。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写不予批准的理由。"})
    _check_date(acted_on, case)
    case.snapshot()
    _step(case, EstablishmentStepKind.REJECTION, user=user, acted_on=acted_on, note=reason, deadline=case.deadline)
    case.state = EstablishmentState.REJECTED
    case.deadline = None
    case.closed_on = acted_on
    case.save()
    return case


@transaction.atomic
def establishment_add_documents(*, user, case: EstablishmentCase, files) -> EstablishmentCase:
    case = _locked_case(user, case, "change")
    if not files:
        raise ValidationError({"files": "请选择要上传的文件。"})
    step = case.steps.order_by("-acted_on", "-pk").first()
    _add_case_documents(user=user, case=case, step=step, files=files)
    return case


@transaction.atomic
def establishment_delete(*, user, case: EstablishmentCase) -> None:
    case = _locked_case(user, case, "delete")
    if case.state == EstablishmentState.ESTABLISHED:
        raise ValidationError("已批复成立的案卷是新工会的成立依据，不能删除。")
    case.delete()


# --- re-election ---------------------------------------------------------------------------------------

REELECTION_FIELDS = ("planned_on", "remark")
RESULT_FIELDS = ("election_on", "term_start", "term_end", "chair_name", "vice_chairs", "committee")


def _locked_reelection(user, re_election: ReElection, action: str) -> ReElection:
    found = ReElection.objects.restrict(user, action).select_for_update(of=("self",)).filter(pk=re_election.pk).first()
    if found is None:
        raise PermissionDenied("该换届记录不在您的管理范围内，或您没有办理权限。")
    return found


def _add_reelection_documents(*, user, re_election: ReElection, files) -> None:
    for upload in files or ():
        document = ReElectionDocument(
            re_election=re_election, file=upload, original_name=upload.name[:200], size=upload.size, uploaded_by=user
        )
        document.full_clean()
        document.save()


@transaction.atomic
def reelection_create(*, user, org: Organization, data: dict, files=()) -> ReElection:
    """计划换届 for a union's current term."""
    org = Organization.objects.restrict(user, "view").filter(pk=org.pk).first() if org else None
    if org is None:
        raise ValidationError({"org": "请选择需要换届的工会。"})
    if org.status == OrgStatus.DISSOLVED:
        raise ValidationError({"org": f"「{org.name}」已撤销，不需要换届。"})
    if ReElection.objects.filter(org=org, status__in=(ReElectionStatus.PLANNED, ReElectionStatus.HELD)).exists():
        raise ValidationError({"org": f"「{org.name}」已有未办结的换届记录，请在该记录中继续办理。"})
    re_election = ReElection(org=org, created_by=user, previous_term_end=org.term_end)
    assign_fields(re_election, REELECTION_FIELDS, data)
    re_election.full_clean()
    re_election.save()
    _add_reelection_documents(user=user, re_election=re_election, files=files)
    ensure_in_scope(user, re_election, "add")
    return re_election


@transaction.atomic
def reelection_record_results(*, user, re_election: ReElection, data: dict, files=()) -> ReElection:
    """选举结果: the election was held; the results wait for approval."""
    re_election = _locked_reelection(user, re_election, "change")
    if re_election.status == ReElectionStatus.APPROVED:
        raise ValidationError("换届结果已批复，不能再修改。")
    re_election.snapshot()
    assign_fields(re_election, RESULT_FIELDS, data)
    errors = {}
    if not re_election.election_on:
        errors["election_on"] = "请填写选举日期。"
    if not (re_election.chair_name or "").strip():
        errors["chair_name"] = "请填写当选的工会主席姓名。"
    if errors:
        raise ValidationError(errors)
    re_election.vice_chairs = "、".join(split_names(re_election.vice_chairs))
    re_election.committee = "、".join(split_names(re_election.committee))
    re_election.term_start = re_election.term_start or re_election.election_on
    re_election.term_end = re_election.term_end or add_years(re_election.term_start, default_term_years())
    re_election.status = ReElectionStatus.HELD
    re_election.full_clean()
    re_election.save()
    _add_reelection_documents(user=user, re_election=re_election, files=files)
    return re_election


@transaction.atomic
def reelection_approve(*, user, re_election: ReElection, approved_on: datetime.date) -> ReElection:
    """批复换届结果: the union's chair, term end and committee become the elected ones."""
    re_election = _locked_reelection(user, re_election, "approve")
    if re_election.status != ReElectionStatus.HELD:
        raise ValidationError("只有已报送选举结果的换届才能批复，请先填写选举结果。")
    if approved_on > timezone.localdate():
        raise ValidationError({"approved_on": "批复日期不能晚于今天。"})
    if approved_on < re_election.election_on:
        raise ValidationError({"approved_on": "批复日期不能早于选举日期。"})
    re_election.snapshot()
    re_election.status = ReElectionStatus.APPROVED
    re_election.approved_on = approved_on
    re_election.approved_by = user
    re_election.save()
    org = Organization.objects.select_for_update().get(pk=re_election.org_id)
    org.snapshot()
    org.chair_name = re_election.chair_name
    org.term_end = re_election.term_end
    org.full_clean(exclude=["path", "depth", "numchild"])
    org.save()
    _record_committee(
        org=org,
        user=user,
        chair=re_election.chair_name,
        vice_chairs=re_election.vice_chairs,
        committee=re_election.committee,
        term_start=re_election.term_start,
        term_end=re_election.term_end,
        re_election=re_election,
    )
    ensure_in_scope(user, re_election, "approve")
    return re_election


@transaction.atomic
def reelection_add_documents(*, user, re_election: ReElection, files) -> ReElection:
    re_election = _locked_reelection(user, re_election, "change")
    if not files:
        raise ValidationError({"files": "请选择要上传的文件。"})
    _add_reelection_documents(user=user, re_election=re_election, files=files)
    return re_election


@transaction.atomic
def reelection_delete(*, user, re_election: ReElection) -> None:
    re_election = _locked_reelection(user, re_election, "delete")
    if re_election.status == ReElectionStatus.APPROVED:
        raise ValidationError("已批复的换届记录是任期的依据，不能删除。")
    re_election.delete()


# --- reminders -----------------------------------------------------------------------------------------


class ReminderRun(NamedTuple):
    sent: int
    messages: int
    skipped: int

    @property
    def text(self) -> str:
        return f"发送换届提醒 {self.sent} 条（站内消息 {self.messages} 条）；已提醒过而跳过 {self.skipped} 条。"


def _months_before(day: datetime.date, months: int) -> datetime.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def reminder_kind_for(term_end: datetime.date, today: datetime.date) -> str | None:
    if term_end < today:
        return ReminderKind.OVERDUE
    if today >= _months_before(term_end, 3):
        return ReminderKind.THREE_MONTHS
    if today >= _months_before(term_end, 6):
        return ReminderKind.SIX_MONTHS
    return None


def _recipients(org: Organization) -> list[Any]:
    from django.contrib.auth import get_user_model

    users = list(get_user_model().objects.filter(org=org, is_active=True))
    parent = Organization.objects.get_parent(org)
    if parent is not None:
        users += list(get_user_model().objects.filter(org=parent, is_active=True))
    return users


def reelection_send_reminders(*, today: datetime.date) -> ReminderRun:
    """换届提醒, run daily by the job worker and by ``manage.py reelection_reminders``: each union whose
    term ends within six months gets one reminder at six months, one at three months and one when
    overdue, sent to its own and its parent's users. The unique (org, term end, kind) row makes a second
    run on any day send nothing new. Runs as the system, so it reads unrestricted."""
    from gonghui.notices.models import MessageCategory
    from gonghui.notices.services import message_send
    from gonghui.orgs.selectors_establishment import TERM_TYPES

    horizon = _months_before(today, -6)
    candidates = (
        Organization.objects.filter(
            status=OrgStatus.ACTIVE, term_end__isnull=False, term_end__lte=horizon, org_type__in=TERM_TYPES
        )
        .exclude(orgs_reelection_set__status=ReElectionStatus.HELD)
        .order_by("path")
    )
    sent = messages = skipped = 0
    for org in candidates:
        kind = reminder_kind_for(org.term_end, today)
        if kind is None:
            continue
        if ReElectionReminder.objects.filter(org=org, term_end=org.term_end, kind=kind).exists():
            skipped += 1
            continue
        try:
            with transaction.atomic():
                reminder = ReElectionReminder.objects.create(org=org, term_end=org.term_end, kind=kind, sent_on=today)
                if kind == ReminderKind.OVERDUE:
                    title = f"换届超期：{org.name}"
                    body = (
                        f"「{org.name}」本届任期已于 {org.term_end:%Y-%m-%d} 届满，尚未完成换届，请尽快组织换届选举。"
                    )
                    category = MessageCategory.WARNING
                else:
                    title = f"换届提醒：{org.name}"
                    months = "六" if kind == ReminderKind.SIX_MONTHS else "三"
                    body = (
                        f"「{org.name}」本届任期将于 {org.term_end:%Y-%m-%d} 届满（不足{months}个月），"
                        "请提前做好换届准备，按时完成换届选举。"
                    )
                    category = MessageCategory.REMINDER
                created = message_send(
                    recipients=_recipients(org),
                    title=title,
                    body=body,
                    link=reverse("orgs:reelection_due"),
                    category=category,
                )
                reminder.recipients = len(created)
                reminder.save(update_fields=["recipients"])
        except IntegrityError:
            skipped += 1
            continue
        sent += 1
        messages += len(created)
    return ReminderRun(sent, messages, skipped)
