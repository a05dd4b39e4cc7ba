"""Builders for the quarterly report tests: plans and targets straight through the ORM, reports through
the real services."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.core.context import actor
from gonghui.targets import services_reports as services
from gonghui.targets.models import Indicator, Plan, QuarterlyReport, Target

YEAR = 2026
D = datetime.date


def make_plan(org, *, due_days: int = 10, year: int = YEAR) -> Plan:
    return Plan.objects.create(org=org, year=year, title=f"{org.name}{year}年工作计划", report_due_days=due_days)


def give_target(plan: Plan, org, key: str, value, *, parent: Target | None = None) -> Target:
    return Target.objects.create(
        plan=plan,
        org=org,
        indicator=Indicator.objects.get(key=key),
        year=plan.year,
        value=Decimal(value),
        assigned_by=plan.org,
        parent=parent,
    )


def build_targets(world):
    """The city gives 武进 and 天宁 their targets (reports due 15 days after the quarter); 武进 gives 湖塘
    its share (due 10 days after)."""
    city_plan = make_plan(world.city, due_days=15)
    wujin_plan = make_plan(world.wujin, due_days=10)
    for district in (world.wujin, world.tianning):
        give_target(city_plan, district, "members_recruited", 100)
        give_target(city_plan, district, "union_social_workers", 20)
        give_target(city_plan, district, "members_total", 500)
    give_target(wujin_plan, world.hutang, "members_recruited", 50)
    give_target(wujin_plan, world.hutang, "union_social_workers", 10)
    return world


def open_report(user, org, quarter: int, year: int = YEAR) -> QuarterlyReport:
    with actor(user):
        return services.report_open(user=user, org=org, year=year, quarter=quarter)


def save(user, report, **data) -> QuarterlyReport:
    with actor(user):
        return services.report_save(user=user, report=report, data=data)


def submit(user, report, **data) -> QuarterlyReport:
    with actor(user):
        return services.report_submit(user=user, report=report, data=data or None)


def filed(user, org, quarter: int, *, stations, highlights: str = "推进有力", **values) -> QuarterlyReport:
    """Open, fill in and submit a report."""
    report = open_report(user, org, quarter)
    return submit(user, report, highlights=highlights, values={"union_social_workers": stations, **values})


def value_of(report: QuarterlyReport, key: str):
    return report.values.get(indicator__key=key).value


def pdf_file(name: str = "季度总结.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% test\n", content_type="application/pdf")
