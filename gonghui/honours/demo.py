"""Demo 建功立业 and 产改 records for the demo city: competitions in every state with stages, challenges, bids,
self-declared projects at every level of recommendation, teams, participants and results.

Safe to run any number of times: nothing happens when the city already has demo competitions. Rows are
written in bulk (the demo must stay fast); the change log is for users' edits, not for the demo.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.honours.models import (
    AwardGrade,
    CareRecord,
    Challenge,
    ChallengeStatus,
    Competition,
    CompetitionParticipant,
    CompetitionProject,
    CompetitionStage,
    CompetitionStatus,
    CompetitionTeam,
    DemoSite,
    Honour,
    HonourAction,
    HonourState,
    HonourStep,
    InnovationStudio,
    PilotEnterprise,
    PilotLiaison,
    ProjectMode,
    ProjectReview,
    ProjectState,
    ReformMeasure,
    ReviewAction,
    StageKind,
    StudioAchievement,
    StudioReview,
)
from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.models import Employer, Organization, OrgType

CITY_CODE = "GH320400"
PROJECT_TOPICS = ("智能巡检揭榜", "巡检机器人揭榜", "节能降耗", "工艺改进", "质量提升", "安全生产")
AWARDS = [AwardGrade.FIRST, AwardGrade.SECOND, AwardGrade.SECOND, AwardGrade.THIRD, AwardGrade.THIRD, AwardGrade.THIRD]


@dataclass
class DemoHonoursResult:
    competitions: int = 0
    projects: int = 0
    participants: int = 0
    honours: int = 0
    studios: int = 0
    pilots: int = 0
    demo_sites: int = 0
    skipped: bool = False


def _competition(city, admin, **fields) -> Competition:
    return Competition.objects.create(org=city, created_by=admin, is_demo=True, **fields)


def load_demo_honours(*, seed: int = 2026, today: datetime.date | None = None) -> DemoHonoursResult:
    result = DemoHonoursResult()
    city = Organization.objects.filter(code=CITY_CODE).first()
    if city is None or Competition.objects.filter(org=city, is_demo=True).exists():
        result.skipped = True
        return result
    today = today or timezone.localdate()
    rng = random.Random(f"{seed}:honours")
    admin = User.objects.filter(username="city_admin").first()
    districts = list(
        Organization.objects.filter(path__subtree=city.path, depth=city.depth + 1, is_demo=True).order_by("path")
    )
    unions = list(
        Organization.objects.filter(path__subtree=city.path, org_type=OrgType.GRASSROOTS, is_demo=True).order_by("path")
    )
    with transaction.atomic():
        year = today.year
        concluded = _competition(
            city,
            admin,
            name=f"{year}年重点工程立功竞赛",
            kind="labour",
            level="city",
            brand="建功新时代",
            subject="城市轨道交通和重点工业项目",
            co_organisers="市发展改革委、市住房城乡建设局",
            start_date=datetime.date(year, 3, 1),
            end_date=min(today, datetime.date(year, 10, 31)),
            rules="以工程进度、质量安全、技术创新、节能降耗为主要内容，按季度考评。",
            prizes="优胜集体10个，授予市五一劳动奖状候选推荐资格；先进个人30名。",
            status=CompetitionStatus.CONCLUDED,
        )
        running = _competition(
            city,
            admin,
            name=f"全市电工技能竞赛（{year}）",
            kind="skills",
            level="city",
            brand="虔能杯",
            subject="电工",
            co_organisers="市人力资源社会保障局",
            start_date=datetime.date(year, 5, 10),
            end_date=today + datetime.timedelta(days=45),
            rules="理论知识考试占30%，技能操作考核占70%；按总成绩排名。",
            prizes="一等奖1名，二等奖2名，三等奖3名；一等奖推荐申报市五一劳动奖章。",
            status=CompetitionStatus.RUNNING,
        )
        planning = None
        if districts:
            planning = Competition.objects.create(
                org=districts[0],
                created_by=admin,
                is_demo=True,
                name=f"{districts[0].name}职工焊工技能竞赛",
                kind="skills",
                level="county",
                subject="焊工",
                start_date=today + datetime.timedelta(days=20),
                end_date=today + datetime.timedelta(days=80),
                rules="实操考核。",
                prizes="一等奖1名，二等奖2名，三等奖3名。",
            )
        result.competitions = 3 if planning else 2
        CompetitionStage.objects.bulk_create(
            [
                CompetitionStage(
                    competition=concluded,
                    kind=StageKind.LAUNCH,
                    held_on=concluded.start_date,
                    title="立功竞赛动员大会",
                    report="全市42个重点工程参赛，签订竞赛责任书。",
                    user=admin,
                ),
                CompetitionStage(
                    competition=concluded,
                    kind=StageKind.INTERIM,
                    held_on=datetime.date(year, 7, 5),
                    title="上半年阶段小结",
                    report="完成投资进度58%，开展技术攻关23项。",
                    user=admin,
                ),
                CompetitionStage(
                    competition=concluded,
                    kind=StageKind.SUMMARY,
                    held_on=concluded.end_date,
                    title="总结表彰大会",
                    report="表彰优胜集体10个、先进个人30名。",
                    user=admin,
                ),
                CompetitionStage(
                    competition=running,
                    kind=StageKind.LAUNCH,
                    held_on=running.start_date,
                    title="竞赛启动仪式",
                    report="各区选拔赛同步启动。",
                    user=admin,
                ),
            ]
        )
        challenge = Challenge.objects.create(
            competition=running,
            title="配电房智能巡检攻关",
            description="研制巡检机器人，巡检效率提升30%以上。",
            reward="攻关奖励5万元",
            deadline=today + datetime.timedelta(days=30),
        )
        Challenge.objects.create(
            competition=concluded,
            title="盾构施工降本攻关",
            description="单环成本降低5%。",
            reward="记集体三等功",
            deadline=concluded.end_date,
            status=ChallengeStatus.CLOSED,
        )
        result.projects = _demo_projects(running, concluded, challenge, unions, admin, today, rng)
        result.participants = _demo_entries(running, concluded, unions, admin, rng)
        result.honours = _demo_honours(city, unions, admin, today, rng)
        result.studios = _demo_studios(unions, admin, today, rng)
        result.pilots, result.demo_sites = _demo_reform(city, districts, admin, today, rng)
    return result


def _demo_projects(running, concluded, challenge, unions, admin, today, rng) -> int:
    """Bids and self-declarations: one waiting at each level, accepted, rejected and completed ones."""
    count = 0
    picked = rng.sample(unions, min(6, len(unions)))
    for index, union in enumerate(picked):
        ancestors = list(
            Organization.objects.filter(
                path__in=[union.path[:n] for n in range(len(running.org.path), len(union.path), Organization.steplen)]
            ).order_by("path")
        )
        chain = ancestors[::-1]  # the parent first, up to the organiser
        mode = ProjectMode.CALL if index < 2 else ProjectMode.DECLARATION
        competition = concluded if index == 5 else running
        project = CompetitionProject(
            competition=competition,
            org=union,
            mode=mode,
            challenge=challenge if mode == ProjectMode.CALL else None,
            title=f"{union.name.removesuffix('工会')}{PROJECT_TOPICS[index]}项目",
            description="组织技术骨干攻关，明确目标、进度和参与职工。",
            leader_name=rng.choice(["张建国", "李卫东", "王海燕", "陈志强", "刘春梅"]),
            submitted_on=today - datetime.timedelta(days=20 - index),
            current_org=running.org if mode == ProjectMode.CALL else chain[0],
            created_by=admin,
            is_demo=True,
        )
        reviews = [(union, ReviewAction.BID if mode == ProjectMode.CALL else ReviewAction.DECLARE, "提交申报")]
        steps = {2: 1, 3: len(chain) - 1, 4: len(chain) - 1, 5: len(chain) - 1}.get(index, 0)
        for level in range(steps):
            reviews.append((chain[level], ReviewAction.RECOMMEND, "同意推荐"))
            project.current_org = chain[level + 1]
        if index in (1, 4, 5):
            project.state = ProjectState.ACCEPTED
            project.accepted_on = today - datetime.timedelta(days=3)
            reviews.append((running.org, ReviewAction.ACCEPT, "同意立项"))
        if index == 5:
            project.state = ProjectState.COMPLETED
            project.result = "单环成本降低6.2%，获评优胜项目。"
            project.award = AwardGrade.FIRST
            reviews.append((running.org, ReviewAction.COMPLETE, "一等奖"))
        if index == 0:
            project.state = ProjectState.REJECTED
            reviews.append((running.org, ReviewAction.REJECT, "方案未达到榜单要求"))
        project.save()
        ProjectReview.objects.bulk_create(
            [
                ProjectReview(project=project, org=org, action=action, note=note, user=admin, user_name="演示")
                for org, action, note in reviews
            ]
        )
        count += 1
    return count


def _demo_entries(running, concluded, unions, admin, rng) -> int:
    members = list(
        Member.objects.filter(org__in=unions, status=MemberStatus.ACTIVE, is_demo=True)
        .select_related("org")
        .order_by("pk")[:400]
    )
    if not members:
        return 0
    picked = rng.sample(members, min(36, len(members)))
    rows = []
    team_union = picked[0].org
    team = CompetitionTeam.objects.create(
        competition=concluded,
        org=team_union,
        name=f"{team_union.name.removesuffix('工会')}攻坚队",
        event="盾构施工",
        rank=1,
        award=AwardGrade.FIRST,
        score=Decimal("95"),
        created_by=admin,
        is_demo=True,
    )
    for index, member in enumerate(picked):
        competition = running if index % 2 else concluded
        in_team = competition == concluded and member.org_id == team_union.pk
        rank = index // 2 + 1
        award = AWARDS[rank - 1] if competition == concluded and rank <= len(AWARDS) else ""
        rows.append(
            CompetitionParticipant(
                competition=competition,
                org=member.org,
                member=member,
                team=team if in_team else None,
                event="电工" if competition == running else "施工",
                score=Decimal(rng.randint(600, 990)) / 10 if competition == concluded or index < 10 else None,
                rank=rank if competition == concluded else None,
                award=award,
                created_by=admin,
                is_demo=True,
            )
        )
    CompetitionParticipant.objects.bulk_create(rows)
    return len(rows)


#: (kind, level, title, awarding body, state, years ago)
HONOURS = (
    ("model_worker", "province", "江苏省劳动模范", "江苏省人民政府", HonourState.AWARDED, 6),
    ("model_worker", "city", "常州市劳动模范", "常州市人民政府", HonourState.AWARDED, 3),
    ("advanced_worker", "city", "常州市先进工作者", "常州市人民政府", HonourState.AWARDED, 3),
    ("may_day_medal", "national", "全国五一劳动奖章", "中华全国总工会", HonourState.AWARDED, 1),
    ("may_day_medal", "province", "江苏省五一劳动奖章", "江苏省总工会", HonourState.AWARDED, 0),
    ("craftsman", "city", "常州工匠", "常州市总工会", HonourState.AWARDED, 0),
    ("craftsman", "county", "武进工匠", "武进区总工会", HonourState.PUBLICISED, 0),
    ("gold_worker", "enterprise", "金牌职工", "企业工会", HonourState.REVIEWING, 0),
    ("model_worker", "city", "常州市劳动模范", "常州市人民政府", HonourState.NOMINATED, 0),
    ("model_worker", "city", "常州市劳动模范", "常州市人民政府", HonourState.REJECTED, 0),
)
COLLECTIVE = (
    ("pioneer", "city", "常州市工人先锋号", "常州市总工会", "电气自动化车间"),
    ("may_day_certificate", "province", "江苏省五一劳动奖状", "江苏省总工会", ""),
    ("women_post", "city", "常州市巾帼标兵岗", "常州市总工会", "客户服务中心"),
)


def _demo_honours(city, unions, admin, today, rng) -> int:
    members = list(
        Member.objects.filter(org__in=unions, status=MemberStatus.ACTIVE, is_demo=True)
        .select_related("org", "employer")
        .order_by("-pk")[:200]
    )
    if not members:
        return 0
    honours = []
    for (kind, level, title, body, state, ago), member in zip(HONOURS, rng.sample(members, len(HONOURS)), strict=False):
        year = today.year - ago
        awarded = datetime.date(year, 4, 28) if state == HonourState.AWARDED else None
        if awarded and awarded > today:
            awarded = today
        notice = state in (HonourState.PUBLICISED, HonourState.AWARDED)
        honours.append(
            Honour(
                org=member.org,
                kind=kind,
                level=level,
                title=title,
                year=year,
                awarding_body=body,
                member=member,
                employer=member.employer,
                deeds="立足岗位、攻坚克难，带领班组完成多项技术革新，累计创造经济效益数百万元。",
                state=state,
                notice_start=(awarded or today) - datetime.timedelta(days=12) if notice else None,
                notice_end=(awarded or today + datetime.timedelta(days=3)) - datetime.timedelta(days=5)
                if notice
                else None,
                awarded_on=awarded,
                certificate_no=f"{year}{len(honours) + 1:04d}" if awarded else "",
                created_by=admin,
                is_demo=True,
            )
        )
    for kind, level, title, body, unit in COLLECTIVE:
        union = rng.choice(unions)
        honours.append(
            Honour(
                org=union,
                kind=kind,
                level=level,
                title=title,
                year=today.year,
                awarding_body=body,
                collective_name=f"{union.name.removesuffix('工会委员会').removesuffix('工会')}{unit}",
                deeds="团结协作、勇于创新，圆满完成年度生产经营任务。",
                state=HonourState.AWARDED,
                notice_start=today - datetime.timedelta(days=40),
                notice_end=today - datetime.timedelta(days=33),
                awarded_on=today - datetime.timedelta(days=30),
                created_by=admin,
                is_demo=True,
            )
        )
    Honour.objects.bulk_create(honours)
    saved = list(Honour.objects.filter(is_demo=True, org__path__subtree=city.path).order_by("pk"))
    steps, care = [], []
    flow = {
        HonourState.NOMINATED: [HonourAction.NOMINATE],
        HonourState.REVIEWING: [HonourAction.NOMINATE, HonourAction.REVIEW],
        HonourState.PUBLICISED: [HonourAction.NOMINATE, HonourAction.REVIEW, HonourAction.PUBLICISE],
        HonourState.AWARDED: [HonourAction.NOMINATE, HonourAction.REVIEW, HonourAction.PUBLICISE, HonourAction.AWARD],
        HonourState.REJECTED: [HonourAction.NOMINATE, HonourAction.REVIEW, HonourAction.REJECT],
    }
    for honour in saved:
        for action in flow[honour.state]:
            note = "公示期间收到反映，经核实不符合条件" if action == HonourAction.REJECT else ""
            steps.append(HonourStep(honour=honour, action=action, note=note, user=admin, user_name="演示"))
        if honour.state == HonourState.AWARDED and honour.kind in ("model_worker", "advanced_worker", "may_day_medal"):
            care.append(
                CareRecord(
                    honour=honour,
                    org=honour.org,
                    kind="health_check",
                    year=today.year,
                    due_on=datetime.date(today.year, 5, 15),
                    done_on=datetime.date(today.year, 5, 20),
                    amount=Decimal("1200"),
                    created_by=admin,
                    is_demo=True,
                )
            )
            if honour.level in ("national", "province"):
                care.append(
                    CareRecord(
                        honour=honour,
                        org=honour.org,
                        kind="pension",
                        year=today.year,
                        due_on=today - datetime.timedelta(days=5),
                        amount=Decimal("3600"),
                        note="省级以上劳模补充养老保险",
                        created_by=admin,
                        is_demo=True,
                    )
                )
    HonourStep.objects.bulk_create(steps)
    CareRecord.objects.bulk_create(care)
    return len(saved)


#: (name suffix, kind, level, field, named by, years ago, revoked)
STUDIOS = (
    ("劳模创新工作室", "model_worker", "province", "数控加工", "江苏省总工会", 4, False),
    ("职工创新工作室", "worker", "city", "电力检修", "常州市总工会", 2, False),
    ("工匠创新工作室", "craftsman", "city", "精密焊接", "常州市总工会", 0, False),
    ("技能大师工作室", "worker", "county", "化工工艺", "区总工会", 1, False),
    ("职工创新工作室", "worker", "county", "纺织机械", "区总工会", 3, True),
)


def _demo_studios(unions, admin, today, rng) -> int:
    picked = rng.sample(unions, min(len(STUDIOS), len(unions)))
    count = 0
    for (suffix, kind, level, field, named_by, ago, revoked), union in zip(STUDIOS, picked, strict=False):
        people = list(Member.objects.filter(org=union, status=MemberStatus.ACTIVE, is_demo=True).order_by("pk")[:5])
        if not people:
            continue
        leader, team = people[0], people[1:]
        named_on = datetime.date(today.year - ago, 3, 18) if ago else today - datetime.timedelta(days=60)
        studio = InnovationStudio.objects.create(
            org=union,
            name=f"{leader.name}{suffix}",
            kind=kind,
            level=level,
            employer=leader.employer,
            leader=leader,
            field=field,
            named_on=named_on,
            named_by=named_by,
            status="revoked" if revoked else "active",
            revoked_on=today - datetime.timedelta(days=90) if revoked else None,
            created_by=admin,
            is_demo=True,
        )
        studio.members.set(team)
        StudioAchievement.objects.bulk_create(
            [
                StudioAchievement(
                    studio=studio,
                    kind="patent",
                    title=f"{field}快换装置",
                    achieved_on=named_on + datetime.timedelta(days=40),
                    reference=f"ZL{named_on.year}1{rng.randint(1000000, 9999999)}",
                ),
                StudioAchievement(
                    studio=studio,
                    kind="saving",
                    title=f"{field}降本改进",
                    achieved_on=named_on + datetime.timedelta(days=50),
                    amount=Decimal(rng.randint(5, 80) * 10000),
                ),
                StudioAchievement(
                    studio=studio,
                    kind="award",
                    title="市职工优秀技术创新成果",
                    achieved_on=named_on + datetime.timedelta(days=55),
                    reference="二等奖",
                ),
            ]
        )
        StudioReview.objects.bulk_create(
            [
                StudioReview(
                    studio=studio,
                    year=year,
                    rating="unqualified"
                    if revoked and year == today.year
                    else "excellent"
                    if year % 2
                    else "qualified",
                    reviewed_on=datetime.date(year, 12, 10)
                    if year < today.year
                    else today - datetime.timedelta(days=90),
                    reviewer=named_by,
                    comments="年度考核",
                )
                for year in range(named_on.year, today.year + (1 if revoked else 0))
            ]
        )
        count += 1
    return count


MEASURES = (
    "建立职工技能等级自主评价制度",
    "设立首席技师和技能带头人岗位",
    "开展岗位练兵和技能比武",
    "完善技术工人薪酬激励办法",
    "建设职工创新工作室",
    "推行产业工人积分制管理",
)
FEATURES = ("金蓝领技能提升计划", "师带徒双导师制", "技能人才积分落户", "班组长轮训", "工匠人才库", "")


def _demo_reform(city, districts, admin, today, rng) -> tuple[int, int]:
    """Two batches of pilot enterprises (with their 一企一策 checklists and liaison) and demonstration sites."""
    employers = list(
        Employer.objects.filter(org__path__subtree=city.path, union__isnull=False, staff_count__gte=100, is_demo=True)
        .select_related("union")
        .order_by("-staff_count", "pk")[:24]
    )
    staff = {
        u.org_id: u
        for u in User.objects.filter(org__in=[city, *districts], is_active=True, roles__code="union_admin").order_by(
            "-pk"
        )
    }
    pilots = []
    for index, employer in enumerate(employers):
        batch = 1 if index < 10 else 2
        pilots.append(
            PilotEnterprise(
                org=employer.union,
                employer=employer,
                batch=batch,
                designated_on=datetime.date(today.year - 1, 6, 1) if batch == 1 else datetime.date(today.year, 3, 15),
                feature=FEATURES[index % len(FEATURES)],
                status="accepted" if index < 3 else "withdrawn" if index == 9 else "piloting",
                created_by=admin,
                is_demo=True,
            )
        )
    PilotEnterprise.objects.bulk_create(pilots)
    saved = list(PilotEnterprise.objects.filter(is_demo=True, org__path__subtree=city.path).select_related("org"))
    measures, liaisons = [], []
    for index, pilot in enumerate(saved):
        for number, title in enumerate(rng.sample(MEASURES, 4)):
            done = pilot.status == "accepted" or number < index % 3
            measures.append(
                ReformMeasure(
                    pilot=pilot,
                    title=title,
                    due_on=datetime.date(pilot.designated_on.year, 12, 31),
                    status="done" if done else "in_progress" if number % 2 else "not_started",
                    done_on=min(today, pilot.designated_on + datetime.timedelta(days=90 + number * 30))
                    if done
                    else None,
                )
            )
        district = next((d for d in districts if pilot.org.path.startswith(d.path)), None)
        liaison = staff.get(district.pk) if district else None
        liaison = liaison or staff.get(city.pk)
        if liaison is not None:
            liaisons.append(PilotLiaison(pilot=pilot, staff=liaison, since=pilot.designated_on, note="每季度走访一次"))
    ReformMeasure.objects.bulk_create(measures)
    PilotLiaison.objects.bulk_create(liaisons)
    sites = [
        DemoSite(
            org=pilot.org,
            name=f"{pilot.employer.name}产改示范点",
            level="city" if index < 2 else "county",
            employer=pilot.employer,
            named_on=datetime.date(today.year, 4, 20) if index else datetime.date(today.year - 1, 11, 10),
            named_by="常州市总工会" if index < 2 else "区总工会",
            description="技能形成、职业发展、权益保障机制健全，改革举措全部落地。",
            created_by=admin,
            is_demo=True,
        )
        for index, pilot in enumerate(p for p in saved if p.status == "accepted")
    ]
    DemoSite.objects.bulk_create(sites)
    return len(saved), len(sites)
