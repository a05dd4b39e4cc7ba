"""Demo hardship files and assistance: a few hundred files in the demo city's grassroots unions spread over every
state (some steps overdue, some annual reviews due, some resolved with follow-up visits), and this winter's
送温暖 campaign with the year's 金秋助学 and 夏送清凉, their payments by the unions of the households.

Deterministic (seeded) and quick: bulk_create, one shared evidence scan per kind in storage. Safe to run any
number of times: nothing happens once the demo city has demo hardship files.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.orgs.models import Employer, Organization, OrgType
from gonghui.programmes.models.assistance import Assistance, AssistanceState, Campaign, CampaignKind, SchoolStage
from gonghui.programmes.models.hardship import (
    HardshipAttachment,
    HardshipEvent,
    HardshipFile,
    HardshipState,
)
from gonghui.programmes.services_hardship import limits, person_index
from gonghui.utilities.idnumber import make_id_number
from gonghui.utilities.periods import working_days_after

CITY_CODE = "GH320400"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
GIVEN = "建国秀英桂兰志强海燕春梅红霞国平玉芳小龙金凤永红伟明丽娟德胜晓东雪芬长青文华美玲"
CAUSES = (("illness", 45), ("schooling", 20), ("accident", 12), ("unemployment", 15), ("other", 8))
DETAILS = {
    "illness": ("本人患尿毒症，每周透析，无法正常工作。", "配偶患乳腺癌，化疗费用高。", "子女患白血病，长期住院治疗。"),
    "schooling": ("两个子女在读大学，学费生活费负担重。", "子女就读高中，家庭收入低。"),
    "accident": ("家中遭遇火灾，房屋受损。", "本人工伤致残，收入锐减。"),
    "unemployment": ("企业关停后失业，暂无收入。", "夫妻双方下岗，靠打零工维持。"),
    "other": ("单亲家庭，独自抚养两个孩子。", "赡养多位老人，家庭负担重。"),
}
HOUSING = ("rented", "owned", "public", "dormitory", "rented")
INVESTIGATORS = ("张明、李芳", "王磊、陈静", "刘洋、周婷", "赵刚、孙丽")
#: share of files per state, in the order of the workflow
STATES = (
    (HardshipState.APPLIED, 6),
    (HardshipState.SURVEY, 6),
    (HardshipState.CIVIL, 8),
    (HardshipState.NOTICE, 5),
    (HardshipState.FILED, 55),
    (HardshipState.REJECTED, 6),
    (HardshipState.RESOLVED, 10),
    (HardshipState.CLOSED, 4),
)
LEVELS = (("deep", 35), ("relative", 50), ("accident", 15))


@dataclass
class DemoHardshipResult:
    files: int = 0
    campaigns: int = 0
    records: int = 0
    skipped: bool = False


def _pick(rng: random.Random, weighted) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _evidence() -> dict[str, str]:
    names = {}
    for kind in ("survey_form", "civil_document"):
        name = f"hardship/demo/{kind}.pdf"
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(b"%PDF-1.4\n% demo scan\n"))
        names[kind] = name
    return names


def load_demo_hardship(*, seed: int = 2026, today: datetime.date | None = None, count: int = 420):
    result = DemoHardshipResult()
    city = Organization.objects.filter(code=CITY_CODE).first()
    if city is None or HardshipFile.objects.filter(is_demo=True).exists():
        result.skipped = True
        return result
    today = today or timezone.localdate()
    rng = random.Random(f"{seed}:hardship")
    admin = User.objects.filter(username="city_admin").first()
    unions = list(
        Organization.objects.filter(
            path__subtree=city.path, org_type__in=(OrgType.GRASSROOTS, OrgType.JOINT), is_demo=True
        ).order_by("path")[:400]
    )
    if not unions:
        result.skipped = True
        return result
    employer_names = dict(Employer.objects.filter(union__in=unions).values_list("union_id", "name"))
    with transaction.atomic():
        files = _files(unions, employer_names, rng, today, admin, count)
        result.files = len(files)
        _events_and_evidence(files, rng, today, admin)
        campaigns = _campaigns(city, today, admin)
        result.campaigns = len(campaigns)
        result.records = _records(campaigns, files, unions, employer_names, rng, today, admin)
    return result


def _step(day: datetime.date, rng: random.Random, low: int, high: int) -> datetime.date:
    return working_days_after(day, rng.randint(low, high))


def _files(unions, employer_names, rng, today, admin, count) -> list[HardshipFile]:
    rows: list[HardshipFile] = []
    days = limits()
    for number in range(1, count + 1):
        org = rng.choice(unions)
        state = _pick(rng, STATES)
        cause = _pick(rng, CAUSES)
        pending = state in (HardshipState.APPLIED, HardshipState.SURVEY, HardshipState.CIVIL, HardshipState.NOTICE)
        # pending files were applied recently; filed and exited ones up to three years ago
        applied = today - datetime.timedelta(days=rng.randint(2, 40) if pending else rng.randint(60, 1000))
        birth = datetime.date(1965 + number % 35, 1 + number % 12, 1 + number % 28)
        area = org.region_code if len(org.region_code or "") == 6 else "320400"
        id_number = make_id_number(area, birth, 100 + number % 900)
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
        file = HardshipFile(
            org=org,
            created_by=admin,
            number=f"KN{applied.year}{number:06d}",
            name=name,
            employer_name=employer_names.get(org.pk, org.name.removesuffix("工会")),
            source=rng.choice(("worker", "union", "union")),
            household_size=rng.randint(1, 6),
            housing=rng.choice(HOUSING),
            cause=cause,
            cause_detail=rng.choice(DETAILS[cause]),
            applied_on=applied,
            is_demo=True,
        )
        file.set_id_number(id_number)
        file.set_phone(f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}")
        file.set_sensitive(
            income=f"{rng.randint(800, 4200)}.00",
            health=rng.choice(("本人体弱多病", "家人患慢性病", "健康", "本人残疾（肢体三级）")),
            household=f"{rng.choice(SURNAMES)}某、配偶、{rng.randint(35, 60)}、无业、0",
        )
        order = [s for s, _w in STATES]
        reached = order.index(state) if state in order[:5] else 4
        if state == HardshipState.REJECTED:
            reached = rng.randint(0, 3)
        due = None
        if reached >= 1 or state == HardshipState.REJECTED:
            file.reviewed_on = _step(applied, rng, 1, 7)
            file.review_opinion = "情况属实，同意入户调查" if reached >= 1 else "家庭收入超过标准，不予受理"
        if reached >= 2:
            file.survey_on = _step(file.reviewed_on, rng, 2, 12)
            file.investigators = rng.choice(INVESTIGATORS)
            file.survey_findings = "入户核实家庭人口、住房和收入情况，与申请相符。"
        if reached >= 3 or (state == HardshipState.CIVIL and rng.random() < 0.6):
            file.civil_sent_on = _step(file.survey_on, rng, 1, 6)
        if reached >= 3:
            file.civil_returned_on = _step(file.civil_sent_on, rng, 5, 18)
            file.civil_result = "confirmed"
        if reached >= 4 or (state == HardshipState.NOTICE and rng.random() < 0.7):
            file.notice_start = _step(file.civil_returned_on, rng, 1, 4)
            file.notice_end = working_days_after(file.notice_start, 4)
            file.notice_place = "单位公告栏"
        if state == HardshipState.APPLIED:
            due = working_days_after(applied, days["review"])
        elif state == HardshipState.SURVEY:
            due = working_days_after(file.reviewed_on, days["survey"])
        elif state == HardshipState.CIVIL:
            due = working_days_after(
                file.civil_sent_on or file.survey_on, days["civil_result" if file.civil_sent_on else "civil_send"]
            )
        elif state == HardshipState.NOTICE:
            base = file.notice_end or file.civil_returned_on
            due = working_days_after(base, days["file" if file.notice_end else "notice"])
        if state in (HardshipState.FILED, HardshipState.RESOLVED, HardshipState.CLOSED):
            file.filed_on = _step(file.notice_end, rng, 1, 3)
            file.level = _pick(rng, LEVELS)
            reviewed = file.filed_on
            while reviewed.replace(year=reviewed.year + 1) < today - datetime.timedelta(days=rng.randint(-20, 60)):
                reviewed = reviewed.replace(year=reviewed.year + 1, day=min(reviewed.day, 28))
            file.last_reviewed_on = reviewed if reviewed != file.filed_on else None
            file.review_due = reviewed.replace(year=reviewed.year + 1, day=min(reviewed.day, 28))
        if state in (HardshipState.RESOLVED, HardshipState.CLOSED):
            file.exited_on = min(today - datetime.timedelta(days=rng.randint(10, 200)), file.review_due)
            file.exited_on = max(file.exited_on, file.filed_on + datetime.timedelta(days=30))
            file.review_due = None
            file.exit_reason = (
                rng.choice(("子女毕业就业，家庭收入提高", "病情好转已重返工作岗位", "再就业，收入稳定"))
                if state == HardshipState.RESOLVED
                else rng.choice(("调离本市", "本人去世", "收入超过建档标准"))
            )
        if state == HardshipState.REJECTED:
            file.rejected_reason = (
                file.review_opinion,
                "申请人撤回申请",
                "入户调查情况与申请不符",
                "民政核对不符：名下有两套住房",
            )[reached]
            if reached >= 3:
                file.civil_result = "mismatch"
        file.state = state
        file.current_due = due
        rows.append(file)
    HardshipFile.objects.bulk_create(rows, batch_size=500)
    return list(HardshipFile.objects.filter(is_demo=True).order_by("pk"))


def _events_and_evidence(files, rng, today, admin) -> None:
    evidence = _evidence()
    events, attachments = [], []
    actor = admin.username if admin else "系统"

    def add(file, kind, on, note="", relapsed=False):
        if on:
            events.append(
                HardshipEvent(
                    file_record=file, org=file.org, kind=kind, on=on, note=note, relapsed=relapsed,
                    actor_name=actor, user=admin, created_by=admin,
                )
            )  # fmt: skip

    for file in files:
        add(file, "apply", file.applied_on, file.get_source_display())
        if file.reviewed_on:
            add(
                file,
                "review" if file.review_opinion.startswith("情况属实") else "reject",
                file.reviewed_on,
                file.review_opinion,
            )
        if file.survey_on:
            add(file, "survey", file.survey_on, f"调查人：{file.investigators}")
            attachments.append(
                HardshipAttachment(
                    file_record=file, org=file.org, kind="survey_form", file=evidence["survey_form"],
                    original_name="入户调查表（签字）.pdf", created_by=admin,
                )
            )  # fmt: skip
        add(file, "civil_sent", file.civil_sent_on)
        if file.civil_returned_on:
            add(file, "civil_result", file.civil_returned_on, file.get_civil_result_display())
            attachments.append(
                HardshipAttachment(
                    file_record=file, org=file.org, kind="civil_document", file=evidence["civil_document"],
                    original_name="民政核对结果.pdf", created_by=admin,
                )
            )  # fmt: skip
        add(file, "notice", file.notice_start, f"{file.notice_place}，至 {file.notice_end}")
        add(file, "file", file.filed_on, file.get_level_display())
        add(file, "annual_review", file.last_reviewed_on, "复核情况属实，继续在档")
        if file.exited_on:
            add(file, "resolve" if file.state == "resolved" else "close", file.exited_on, file.exit_reason)
            visit_on = file.exited_on + datetime.timedelta(days=rng.randint(20, 90))
            if visit_on < today:
                relapsed = rng.random() < 0.12
                add(file, "visit", visit_on, "再次陷入困难，建议重新申请" if relapsed else "生活稳定", relapsed)
    HardshipEvent.objects.bulk_create(events, batch_size=1000)
    HardshipAttachment.objects.bulk_create(attachments, batch_size=1000)


def _campaigns(city, today, admin) -> list[Campaign]:
    # the winter that is running now (or the coming one): 送温暖 from December to the Spring Festival
    winter_year = today.year + 1 if today.month >= 11 else today.year
    year = today.year
    districts = list(Organization.objects.filter(path__startswith=city.path, depth=city.depth + 1))
    specs = [
        (
            f"{winter_year}年元旦春节送温暖",
            CampaignKind.WINTER_RELIEF,
            winter_year,
            datetime.date(winter_year - 1, 12, 1),
            datetime.date(winter_year, 2, 28),
            Decimal("3000000"),
            {"deep": "3000", "relative": "1500", "accident": "2000", "none": "500"},
        ),
        (
            f"{year}年金秋助学",
            CampaignKind.STUDENT_AID,
            year,
            datetime.date(year, 8, 1),
            datetime.date(year, 9, 30),
            Decimal("1200000"),
            {"primary": "1000", "junior": "1500", "senior": "2000", "college": "3000", "university": "4000"},
        ),
        (
            f"{year}年夏送清凉",
            CampaignKind.SUMMER_COOLING,
            year,
            datetime.date(year, 7, 1),
            datetime.date(year, 8, 31),
            Decimal("800000"),
            {"none": "100", "deep": "200", "relative": "150", "accident": "150"},
        ),
    ]
    campaigns = []
    for name, kind, cyear, start, end, budget, standards in specs:
        campaign = Campaign.objects.create(
            org=city,
            name=name,
            kind=kind,
            year=cyear,
            starts_on=start,
            ends_on=end,
            budget=budget,
            standards=standards,
            description=f"{name}：市总工会统一部署，各区工会及基层工会组织实施。",
            created_by=admin,
            is_demo=True,
        )
        campaign.participants.set(districts)
        campaigns.append(campaign)
    return campaigns


def _records(campaigns, files, unions, employer_names, rng, today, admin) -> int:
    winter, student, summer = campaigns
    filed = [f for f in files if f.state == HardshipState.FILED]
    rows: list[Assistance] = []
    seen: set[tuple[int, str]] = set()

    def add(campaign, file, *, org, name, id_number_file=None, amount=None, stage="", given_on, in_kind=Decimal(0)):
        index = file.id_number_index if file else id_number_file[1]
        if (campaign.pk, index) in seen:
            return
        seen.add((campaign.pk, index))
        level = file.level if file else ""
        key = stage or level or "none"
        record = Assistance(
            campaign=campaign,
            org=org,
            name=name,
            person_index=index,
            hardship_file=file,
            hardship_level=level,
            employer_name=employer_names.get(org.pk, ""),
            school_stage=stage,
            cash_amount=Decimal(amount if amount is not None else campaign.standards.get(key, "500")),
            in_kind_value=in_kind,
            in_kind_items="米、油、棉被" if in_kind else "",
            given_on=given_on,
            state=AssistanceState.APPROVED if rng.random() < 0.85 else AssistanceState.PENDING,
            created_by=admin,
            is_demo=True,
        )
        record.set_id_number(id_number_file[0] if id_number_file else file.reveal_id_number())
        if record.state == AssistanceState.APPROVED:
            record.approved_on, record.approved_by_name = given_on, admin.username if admin else ""
        rows.append(record)

    winter_end = min(today, winter.ends_on)
    for file in filed:
        if winter.starts_on <= today and rng.random() < 0.8:
            day = winter.starts_on + datetime.timedelta(
                days=rng.randint(0, max(0, (winter_end - winter.starts_on).days))
            )
            add(winter, file, org=file.org, name=file.name, given_on=day, in_kind=Decimal(rng.choice((0, 200, 300))))
        if file.cause == "schooling" and student.ends_on < today:
            stage = rng.choice(SchoolStage.values[:5])
            add(student, file, org=file.org, name=file.name, stage=stage, given_on=datetime.date(student.year, 8, 20))
        if summer.ends_on < today and rng.random() < 0.5:
            add(summer, file, org=file.org, name=file.name, given_on=datetime.date(summer.year, 7, 15))
    # 夏送清凉 reaches outdoor workers beyond the hardship files
    if summer.ends_on < today:
        for number in range(1, 301):
            org = rng.choice(unions)
            area = org.region_code if len(org.region_code or "") == 6 else "320400"
            id_number = make_id_number(area, datetime.date(1975 + number % 25, 6, 1 + number % 28), number % 1000)
            name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))
            add(summer, None, org=org, name=name, id_number_file=(id_number, person_index(id_number)),
                given_on=datetime.date(summer.year, 7, rng.randint(1, 31)), amount="100")  # fmt: skip
    Assistance.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
