"""Builders for the intel app tests: short real report texts, documents through the real services, and
targets so the quarterly report has reported and computed indicators."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.core.context import actor
from gonghui.intel import services
from gonghui.intel.models import Document, Fact
from gonghui.targets.models import Indicator, IndicatorSource
from tests.targets.reports_helpers import YEAR, give_target, make_plan

QUARTER = 2
#: set to 填报 for these tests (see build_intel_targets)
REPORTED_HERE = ("union_chairs_trained", "dues_collected")

#: a district's quarterly news item: stations built, relief given (people and money), members recruited, cadres
#: trained and dues collected (relief and stations are computed from records; cadres and dues stay reported)
WUJIN_TEXT = (
    "武进区总工会二季度工作综述\n"
    "本报讯 二季度，武进区总工会新建户外劳动者驿站8个，走访慰问困难职工120人，发放慰问金41万余元。"
    "全区新增会员500人，培训工会干部120人，收缴工会经费41万余元。下半年，区总工会计划再建户外劳动者驿站10个。\n"
)
TIANNING_TEXT = (
    "天宁区总工会开展夏季送清凉活动\n"
    "天宁区总工会走访慰问困难职工300人，发放慰问金15万元，新建户外劳动者驿站3个，收缴工会经费15万元。\n"
)


def build_intel_targets(world, year: int = YEAR):
    """The city gives both districts targets for reported indicators (stations, relief) and a computed one
    (members recruited), so their quarterly reports have both kinds."""
    # Nearly every catalog indicator is computed now (training and dues included). A federation that does not
    # keep its training courses or dues in gonghui sets them to 填报, and that is the case these tests read.
    Indicator.objects.filter(key__in=REPORTED_HERE).update(source=IndicatorSource.REPORTED)
    plan = make_plan(world.city, due_days=15, year=year)
    for district in (world.wujin, world.tianning):
        give_target(plan, district, "stations_built", 20)
        give_target(plan, district, "relief_beneficiaries", 1000)
        give_target(plan, district, "relief_amount", 2000000)
        give_target(plan, district, "union_chairs_trained", 1000)
        give_target(plan, district, "dues_collected", 2000000)
        give_target(plan, district, "members_recruited", 800)
    return world


def paste(user, org, text: str = WUJIN_TEXT, *, year: int = YEAR, quarter: int = QUARTER, title: str = "") -> Document:
    with actor(user):
        return services.document_create(user=user, org=org, year=year, quarter=quarter, text=text, title=title)


def upload(user, org, name: str, content: bytes, *, year: int = YEAR, quarter: int = QUARTER) -> Document:
    with actor(user):
        return services.document_create(
            user=user, org=org, year=year, quarter=quarter, file=SimpleUploadedFile(name, content)
        )


def facts_by_key(document: Document) -> dict[str, list[Fact]]:
    result: dict[str, list[Fact]] = {}
    for fact in document.facts.select_related("indicator").order_by("start"):
        result.setdefault(fact.indicator.key, []).append(fact)
    return result


def fact_of(document: Document, key: str, kind: str = "actual") -> Fact:
    return next(f for f in facts_by_key(document)[key] if f.kind == kind)


def review(user, document: Document, *decisions: dict):
    with actor(user):
        return services.facts_review(user=user, document=document, decisions=list(decisions))


def confirm_all(user, document: Document):
    return review(user, document, *({"fact": f.pk, "action": "confirm"} for f in document.facts.all()))
