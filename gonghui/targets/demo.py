"""Demo targets: the demo city's plan for this year broken down to its districts, three quarters of
reports (some late, one returned, one missing) and supervision tasks in every state — so the dashboard,
the rankings and the bulletin tell a believable story.

Targets for computed indicators are set from the records themselves (what each district has actually done
by the end of the third quarter, divided by a per-district pace), so some districts are ahead and some
behind. Safe to run any number of times: nothing happens when the city already has a demo plan.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.orgs.models import Organization
from gonghui.targets import figures, sources
from gonghui.targets.models import (
    Indicator,
    Plan,
    PlanStatus,
    QuarterlyReport,
    ReportAction,
    ReportLog,
    ReportStatus,
    ReportValue,
    Target,
    Task,
    TaskMilestone,
    TaskNote,
    TaskNoteKind,
    TaskSource,
    TaskState,
)
from gonghui.utilities.periods import Period, due_date

CITY_CODE = "GH320400"

#: (indicator key, the city's annual target for reported indicators (None: set from the records), weight)
PLAN: tuple[tuple[str, int | None, int], ...] = (
    ("unions_established", None, 15),
    ("members_recruited", None, 25),
    ("new_employment_members", None, 20),
    ("stations_built", 200, 15),
    ("relief_beneficiaries", 5000, 10),
    ("mutual_aid_enrolled", None, 10),  # computed from the enrolments since the mutual-aid registry
    ("health_checks", 50000, 5),
)
# How far along each district is at the end of Q3 against its annual target (0.75 is on schedule).
PACES = (1.02, 0.93, 0.81, 0.74, 0.69, 0.62, 0.88, 0.55)

TASKS = (
    # (title, source, state, deadline offset in days from today, note)
    ("推进百人以上企业建会攻坚", TaskSource.WORK_PLAN, TaskState.IN_PROGRESS, -12, "已完成摸底，12家企业待建会"),
    ("户外劳动者驿站提档升级", TaskSource.LIVELIHOOD, TaskState.IN_PROGRESS, 2, "新建驿站18家，提升12家"),
    ("新就业形态劳动者集中入会行动", TaskSource.ASSIGNED, TaskState.RECEIVED, 25, ""),
    ("落实政府与工会联席会议议定事项", TaskSource.JOINT_MEETING, TaskState.ASSIGNED, 40, ""),
    ("困难职工帮扶资金发放进度", TaskSource.INSTRUCTION, TaskState.REPORTED, 5, "帮扶资金已全部发放到位"),
    ("职工健康体检实事项目", TaskSource.LIVELIHOOD, TaskState.CLOSED, -30, "5万名一线职工体检全部完成"),
    ("县级工会换届选举", TaskSource.ASSIGNED, TaskState.IN_PROGRESS, -3, "换届方案已上报，待批复"),
    ("工会经费收缴专项督查", TaskSource.INSTRUCTION, TaskState.ASSIGNED, 1, ""),
)


@dataclass
class DemoTargetsResult:
    plans: int = 0
    targets: int = 0
    reports: int = 0
    tasks: int = 0
    skipped: bool = False


def _round(value: float | Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def _aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def load_demo_targets(*, seed: int = 2026, today: datetime.date | None = None) -> DemoTargetsResult:
    result = DemoTargetsResult()
    city = Organization.objects.filter(code=CITY_CODE).first()
    today = today or timezone.localdate()
    year = today.year
    if city is None or Plan.objects.filter(org=city, year=year).exists():
        result.skipped = True
        return result
    rng = random.Random(f"{seed}:targets")
    districts = list(
        Organization.objects.filter(path__subtree=city.path, depth=city.depth + 1, is_demo=True).order_by("path")
    )
    admin = User.objects.filter(username="city_admin").first()
    indicators = {ind.key: ind for ind in Indicator.objects.filter(key__in=[key for key, _, _ in PLAN])}
    with transaction.atomic():
        figures.refresh(year)
        q3 = Period.quarter_of(year, 3)
        computed = [key for key, value, _ in PLAN if value is None]
        done = figures.values(computed, districts, q3, year_to_date=True)
        paces = {d.pk: PACES[i % len(PACES)] for i, d in enumerate(districts)}
        city_plan = Plan.objects.create(
            org=city,
            year=year,
            title=f"{city.name}{year}年工作目标任务",
            status=PlanStatus.ISSUED,
            issued_at=_aware(datetime.date(year, 2, 20)),
            created_by=admin,
            is_demo=True,
        )
        plans = {
            d.pk: Plan.objects.create(
                org=d,
                year=year,
                title=f"{d.name}{year}年工作目标任务",
                status=PlanStatus.ISSUED,
                issued_at=_aware(datetime.date(year, 2, 25)),
                created_by=admin,
                is_demo=True,
            )
            for d in districts
        }
        result.plans = 1 + len(plans)
        weights = [Organization.objects.filter(path__subtree=d.path).count() for d in districts]
        share = {d.pk: Decimal(w) / Decimal(sum(weights)) for d, w in zip(districts, weights, strict=True)}
        district_targets: dict[tuple[str, int], Decimal] = {}
        for key, city_value, weight in PLAN:
            indicator = indicators[key]
            parts = {}
            for d in districts:
                if city_value is None:
                    achieved = done[(key, d.pk)]
                    parts[d.pk] = max(Decimal(1), _round(float(achieved) / paces[d.pk]))
                else:
                    parts[d.pk] = max(Decimal(1), _round(Decimal(city_value) * share[d.pk]))
            whole = Decimal(city_value) if city_value is not None else sum(parts.values())
            city_target = Target.objects.create(
                plan=city_plan,
                org=city,
                indicator=indicator,
                year=year,
                value=whole,
                weight=Decimal(weight),
                assigned_by=city,
                created_by=admin,
                is_demo=True,
            )
            for d in districts:
                Target.objects.create(
                    plan=plans[d.pk],
                    org=d,
                    indicator=indicator,
                    year=year,
                    value=parts[d.pk],
                    assigned_by=city,
                    parent=city_target,
                    created_by=admin,
                    is_demo=True,
                )
                district_targets[(key, d.pk)] = parts[d.pk]
        result.targets = Target.objects.filter(is_demo=True, year=year).count()
        result.reports = _reports(districts, district_targets, paces, indicators, year, today, admin, rng)
        result.tasks = _tasks(city, districts, today, admin, rng)
    return result


def _reports(districts, targets, paces, indicators, year, today, admin, rng) -> int:
    created = 0
    reported = [key for key, value, _ in PLAN if value is not None]
    computed = [key for key, value, _ in PLAN if value is None]
    for position, district in enumerate(districts):
        for quarter in (1, 2, 3):
            period = Period.quarter_of(year, quarter)
            due = due_date(period, 10)
            if due > today:
                continue
            missing = quarter == 3 and position == len(districts) - 1
            if missing:
                continue  # the last district has not reported Q3: the late-and-missing list shows it
            late_days = (
                4 if (quarter == 3 and position == len(districts) - 2) or (quarter == 1 and position == 3) else 0
            )
            returned = quarter == 3 and position == 2
            submitted_on = due + datetime.timedelta(days=late_days if late_days else -rng.randint(1, 6))
            status = (
                ReportStatus.RETURNED
                if returned
                else (ReportStatus.SUBMITTED if quarter == 3 and position % 2 else ReportStatus.ACCEPTED)
            )
            report = QuarterlyReport.objects.create(
                org=district,
                year=year,
                quarter=quarter,
                status=status,
                due_date=due,
                highlights=f"{district.name}第{quarter}季度：围绕年度目标任务，推进建会入会和服务阵地建设。",
                problems="部分指标进度偏慢，新就业形态劳动者入会仍有差距。" if paces[district.pk] < 0.75 else "",
                next_steps="对照全年目标，逐项抓好落实，确保完成全年任务。",
                submitted_at=_aware(submitted_on, 16),
                submitted_by=admin,
                reviewed_at=_aware(submitted_on + datetime.timedelta(days=2))
                if status != ReportStatus.SUBMITTED
                else None,
                reviewed_by=admin if status != ReportStatus.SUBMITTED else None,
                review_comment="请补充驿站建设明细后重新报送。" if returned else "",
                created_by=admin,
                is_demo=True,
            )
            for key in computed:
                ReportValue.objects.create(
                    report=report,
                    indicator=indicators[key],
                    value=sources.value(key, district, period),
                    is_computed=True,
                )
            pace = Decimal(str(paces[district.pk]))
            for key in reported:
                quarter_share = Decimal(1) / Decimal(3) * pace * Decimal(str(rng.uniform(0.9, 1.1)))
                ReportValue.objects.create(
                    report=report, indicator=indicators[key], value=_round(targets[(key, district.pk)] * quarter_share)
                )
            ReportLog.objects.create(report=report, action=ReportAction.SUBMIT, user=admin, user_name="演示数据")
            if status == ReportStatus.ACCEPTED:
                ReportLog.objects.create(report=report, action=ReportAction.ACCEPT, user=admin, user_name="演示数据")
            elif status == ReportStatus.RETURNED:
                ReportLog.objects.create(
                    report=report,
                    action=ReportAction.RETURN,
                    user=admin,
                    user_name="演示数据",
                    comment=report.review_comment,
                )
            created += 1
    return created


def _tasks(city, districts, today, admin, rng) -> int:
    created = 0
    now = timezone.now()
    for position, (title, source, state, offset, note) in enumerate(TASKS):
        lead = districts[position % len(districts)]
        deadline = today + datetime.timedelta(days=offset)
        assigned_at = now - datetime.timedelta(days=60 + rng.randint(0, 20))
        order = [TaskState.ASSIGNED, TaskState.RECEIVED, TaskState.IN_PROGRESS, TaskState.REPORTED, TaskState.CLOSED]
        reached = order.index(state)
        stamps = {}
        for step, field in enumerate(("assigned_at", "received_at", "started_at", "reported_at", "closed_at")):
            if step <= reached:
                stamps[field] = assigned_at + datetime.timedelta(days=step * 7)
        task = Task.objects.create(
            org=lead,
            title=title,
            source=source,
            description=f"{title}：请{lead.name}牵头，按时间节点推进，按月报送进展。",
            assigned_by=city,
            responsible_leader="王主席",
            department="组织部" if position % 2 else "权益保障部",
            owner_name=f"{lead.short_name or lead.name}联络员",
            deadline=deadline,
            state=state,
            completion_report=note if state in (TaskState.REPORTED, TaskState.CLOSED) else "",
            acceptance_note="同意销号。" if state == TaskState.CLOSED else "",
            created_by=admin,
            is_demo=True,
            **stamps,
        )
        if position % 3 == 0 and len(districts) > 1:
            task.cooperating_units.set([districts[(position + 1) % len(districts)]])
        TaskMilestone.objects.create(
            task=task,
            title="完成阶段目标",
            due_date=deadline - datetime.timedelta(days=20),
            done_on=(deadline - datetime.timedelta(days=22)) if reached >= 2 else None,
        )
        TaskNote.objects.create(task=task, kind=TaskNoteKind.STEP, text="立项交办", user=admin, user_name="演示数据")
        if note and reached >= 2:
            TaskNote.objects.create(task=task, kind=TaskNoteKind.PROGRESS, text=note, user=admin, user_name="演示数据")
        if deadline < today and state != TaskState.CLOSED:
            TaskNote.objects.create(
                task=task,
                kind=TaskNoteKind.URGE,
                text="已超期，请加快推进并报送进展。",
                user=admin,
                user_name="演示数据",
            )
        created += 1
    return created
