"""Services of the intel app: registering documents, reviewing their figures, and prefilling the quarterly
report from the confirmed ones (with the quarterly report's own services, checks and locks)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Q

from gonghui.accounts.models import Role
from gonghui.core.context import actor
from gonghui.core.models import ChangeLog
from gonghui.core.querysets import DataScope
from gonghui.intel import services
from gonghui.intel.models import Document, DocumentStatus, Fact, FactKind, FactStatus, PrefilledValue
from gonghui.targets import services_reports
from gonghui.targets.models import Indicator, QuarterlyReport, ReportStatus
from tests.intel.app_helpers import (
    QUARTER,
    TIANNING_TEXT,
    WUJIN_TEXT,
    build_intel_targets,
    confirm_all,
    fact_of,
    facts_by_key,
    paste,
    review,
    upload,
)
from tests.targets.reports_helpers import YEAR, open_report, save, value_of
from tests.world import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def planned(world):
    return build_intel_targets(world)


def report_of(org, quarter: int = QUARTER) -> QuarterlyReport:
    return QuarterlyReport.objects.get(org=org, year=YEAR, quarter=quarter)


# --- registering ------------------------------------------------------------------------------------------


def test_pasted_text_is_cleaned_tokenised_and_its_figures_wait_for_review(world):
    document = paste(world.wujin_admin, world.wujin)
    assert document.status == DocumentStatus.PENDING and document.source == "paste"
    assert document.title == "武进区总工会二季度工作综述"
    assert document.org == world.wujin and (document.year, document.quarter) == (YEAR, QUARTER)
    assert "慰问金41万余元" in document.body
    facts = facts_by_key(document)
    assert {"stations_built", "relief_beneficiaries", "relief_amount"} <= set(facts)
    money = fact_of(document, "relief_amount")
    assert money.value == 410000 and money.approx and money.unit == "元"
    assert document.body[money.start : money.end] == money.evidence
    assert money.extracted == {"indicator": "relief_amount", "value": "410000", "kind": "actual"}
    planned_stations = [f for f in facts["stations_built"] if f.kind == FactKind.TARGET]
    assert [f.value for f in planned_stations] == [10]
    assert all(f.status == FactStatus.PENDING for f in document.facts.all())
    assert " 慰问金 " in f" {document.search_tokens} "
    assert ChangeLog.objects.filter(object_repr=document.title, action="create").exists()


def test_uploaded_gbk_text_keeps_the_original_file(world):
    document = upload(world.wujin_admin, world.wujin, "二季度综述.txt", WUJIN_TEXT.encode("gb18030"))
    assert document.source == "upload" and document.original_name == "二季度综述.txt"
    assert document.size == len(WUJIN_TEXT.encode("gb18030"))
    assert default_storage.exists(document.file.name) and "二季度" not in document.file.name
    assert fact_of(document, "relief_amount").value == 410000


def test_bad_input_is_refused_with_a_clear_message_and_stores_nothing(world):
    with pytest.raises(ValidationError) as error:
        upload(world.wujin_admin, world.wujin, "扫描件.pdf", b"%PDF-1.4")
    assert "txt、html、htm、docx" in str(error.value)
    with pytest.raises(ValidationError, match="二选一"):
        paste(world.wujin_admin, world.wujin, "")
    with pytest.raises(ValidationError, match="尚未开始"):
        paste(world.wujin_admin, world.wujin, year=YEAR + 1, quarter=1)
    with pytest.raises(ValidationError, match="季度为 1 至 4"):
        paste(world.wujin_admin, world.wujin, quarter=5)
    assert not Document.objects.exists() and not Fact.objects.exists()


def test_another_subtree_cannot_register_for_a_unit_it_does_not_own(world):
    with pytest.raises(PermissionDenied):
        paste(world.wujin_admin, world.tianning)
    with pytest.raises(PermissionDenied):
        paste(world.nobody, world.wujin)
    assert not Document.objects.exists()


# --- review -------------------------------------------------------------------------------------------------


def test_review_confirms_corrects_and_drops_and_logs_it(world):
    document = paste(world.wujin_admin, world.wujin)
    money, people = fact_of(document, "relief_amount"), fact_of(document, "relief_beneficiaries")
    target = fact_of(document, "stations_built", FactKind.TARGET)
    outcome = review(
        world.wujin_admin,
        document,
        {"fact": money.pk, "action": "confirm", "value": "415000"},
        {"fact": people.pk, "action": "confirm", "indicator": "summer_cooling_beneficiaries"},
        {"fact": target.pk, "action": "drop"},
    )
    assert (outcome.confirmed, outcome.dropped) == (2, 1)
    money.refresh_from_db()
    people.refresh_from_db()
    target.refresh_from_db()
    assert money.status == FactStatus.CONFIRMED and money.value == 415000 and money.is_corrected
    assert people.indicator.key == "summer_cooling_beneficiaries" and people.is_corrected
    assert target.status == FactStatus.DROPPED and not target.is_corrected
    assert money.reviewed_by == world.wujin_admin
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING  # the other figures still wait
    log = ChangeLog.objects.filter(object_id=str(money.pk), action="update").latest("pk")
    assert log.before["value"] != log.after["value"]
    confirm_all(world.wujin_admin, document)
    document.refresh_from_db()
    assert document.status == DocumentStatus.REVIEWED and document.reviewed_by == world.wujin_admin


def test_a_bad_decision_names_the_row_and_changes_nothing(world):
    document = paste(world.wujin_admin, world.wujin)
    money, people = fact_of(document, "relief_amount"), fact_of(document, "relief_beneficiaries")
    with pytest.raises(ValidationError) as error:
        review(
            world.wujin_admin,
            document,
            {"fact": people.pk, "action": "confirm"},
            {"fact": money.pk, "action": "confirm", "value": "四十一万"},
            {"fact": 999999, "action": "confirm"},
        )
    text = " ".join(error.value.messages)
    assert "第" in text and "慰问金41万余元" in text and "不是有效数字" in text
    assert "不属于本材料" in text
    assert not Fact.objects.filter(status=FactStatus.CONFIRMED).exists()
    with pytest.raises(ValidationError, match="指标“nope”不存在"):
        review(world.wujin_admin, document, {"fact": money.pk, "indicator": "nope"})


def test_another_subtree_cannot_review(world):
    document = paste(world.wujin_admin, world.wujin)
    with pytest.raises(PermissionDenied):
        confirm_all(world.tianning_admin, document)
    assert not Fact.objects.filter(status=FactStatus.CONFIRMED).exists()


# --- prefilling the quarterly report -------------------------------------------------------------------------


def test_confirmed_figures_prefill_the_quarterly_report_with_their_evidence(planned):
    world = planned
    document = paste(world.wujin_admin, world.wujin)
    outcome = confirm_all(world.wujin_admin, document)
    assert outcome.prefill.report == report_of(world.wujin)
    report = report_of(world.wujin)
    assert report.status == ReportStatus.DRAFT
    # stations are computed from the station registry: the stated 8 is a cross-check, never a prefill
    stations = report.values.get(indicator__key="stations_built")
    assert stations.is_computed and stations.value == 0
    assert value_of(report, "union_chairs_trained") == 120
    assert value_of(report, "dues_collected") == 410000
    row = report.values.get(indicator__key="dues_collected")
    assert row.note == "据工作材料《武进区总工会二季度工作综述》"
    assert PrefilledValue.objects.get(report_value=row).value == 410000
    money = fact_of(document, "dues_collected")
    assert money.report_value == row  # the link from the report value to its evidence
    # relief is computed from the assistance records now: the stated 120 and 41万 are cross-checks, not prefills
    relief = report.values.get(indicator__key="relief_amount")
    assert relief.is_computed and relief.value == 0
    # computed indicators are never filled: members recruited stays what the records say
    members = report.values.get(indicator__key="members_recruited")
    assert members.is_computed and members.value == 0
    assert "经费经费" not in outcome.prefill.message and "工会经费收缴" in outcome.prefill.message


def test_a_second_document_adds_to_the_quarter_and_a_repeat_counts_once(planned):
    world = planned
    confirm_all(world.wujin_admin, paste(world.wujin_admin, world.wujin))
    second = paste(world.wujin_admin, world.wujin, "武进区总工会六月培训\n武进区总工会培训工会干部30人。\n")
    confirm_all(world.wujin_admin, second)
    assert value_of(report_of(world.wujin), "union_chairs_trained") == 150
    repeat = paste(world.wujin_admin, world.wujin, WUJIN_TEXT, title="转载")
    confirm_all(world.wujin_admin, repeat)
    assert value_of(report_of(world.wujin), "union_chairs_trained") == 150
    assert "等 " in report_of(world.wujin).values.get(indicator__key="union_chairs_trained").note


def test_a_value_the_unit_typed_is_kept_and_a_prefilled_one_follows_corrections(planned):
    world = planned
    report = open_report(world.wujin_admin, world.wujin, QUARTER)
    save(world.wujin_admin, report, values={"union_chairs_trained": "99"})
    document = paste(world.wujin_admin, world.wujin)
    outcome = confirm_all(world.wujin_admin, document)
    assert value_of(report, "union_chairs_trained") == 99
    assert "培训工会干部已有单位填写的数值" in outcome.prefill.message
    assert value_of(report, "dues_collected") == 410000
    money = fact_of(document, "dues_collected")
    review(world.wujin_admin, document, {"fact": money.pk, "value": "420000"})
    assert value_of(report, "dues_collected") == 420000
    review(world.wujin_admin, document, {"fact": money.pk, "action": "drop"})
    assert value_of(report, "dues_collected") is None
    assert not PrefilledValue.objects.filter(report_value__indicator__key="dues_collected").exists()
    review(world.wujin_admin, document, {"fact": money.pk, "action": "confirm"})
    save(world.wujin_admin, report, values={"dues_collected": "500000"})  # the unit overrides the figure
    review(world.wujin_admin, document, {"fact": money.pk, "value": "430000"})
    assert value_of(report, "dues_collected") == 500000


def test_a_submitted_report_is_not_changed(planned):
    world = planned
    report = open_report(world.wujin_admin, world.wujin, QUARTER)
    values = {"union_chairs_trained": "2", "dues_collected": "3"}
    with actor(world.wujin_admin):
        services_reports.report_submit(
            user=world.wujin_admin, report=report, data={"highlights": "好", "values": values}
        )
    outcome = confirm_all(world.wujin_admin, paste(world.wujin_admin, world.wujin))
    assert "已报送" in outcome.prefill.message
    assert value_of(report, "dues_collected") == 3
    assert Fact.objects.filter(report_value__report=report).exists()  # still shown beside it


def test_a_reviewer_without_the_report_permission_confirms_without_prefilling(planned):
    world = planned
    role = Role.objects.create(code="intel_clerk", name="材料录入员", data_scope=DataScope.OWN_ORG_AND_BELOW)
    role.permissions.set(
        Permission.objects.filter(Q(content_type__app_label="intel") | Q(codename="view_organization"))
    )
    clerk = make_user("clerk", world.wujin, "intel_clerk")
    outcome = confirm_all(clerk, paste(clerk, world.wujin))
    assert outcome.confirmed >= 3
    assert "没有填报季度报表的权限" in outcome.prefill.message
    assert not QuarterlyReport.objects.exists()


def test_prefill_value_follows_the_conventions(world):
    document = paste(
        world.wujin_admin,
        world.wujin,
        "测试\n武进区总工会走访慰问困难职工120人，其中劳模20人。截至目前，累计慰问困难职工900人。",
    )
    indicator = Indicator.objects.get(key="relief_beneficiaries")
    facts = [
        Fact(indicator=indicator, value=Decimal(120), kind="actual", evidence="a"),
        Fact(indicator=indicator, value=Decimal(20), kind="actual", component=True, evidence="b"),
        Fact(indicator=indicator, value=Decimal(900), kind="actual", cumulative=True, evidence="c"),
        Fact(indicator=indicator, value=Decimal(500), kind="target", evidence="d"),
        Fact(indicator=indicator, value=Decimal(120), kind="actual", evidence="a"),
    ]
    assert services.prefill_value(indicator, facts) == 120
    assert services.prefill_value(indicator, facts[1:3]) is None
    stock = Indicator.objects.get(key="members_total")
    assert services.prefill_value(stock, [facts[2], facts[0]]) == 120  # the latest
    assert document.facts.exists()


def test_deleting_a_document_keeps_the_report_value_and_removes_the_file(planned, django_capture_on_commit_callbacks):
    world = planned
    document = upload(world.wujin_admin, world.wujin, "综述.txt", WUJIN_TEXT.encode())
    confirm_all(world.wujin_admin, document)
    name = document.file.name
    with pytest.raises(PermissionDenied), actor(world.tianning_admin):
        services.document_delete(user=world.tianning_admin, document=document)
    with django_capture_on_commit_callbacks(execute=True), actor(world.wujin_admin):
        services.document_delete(user=world.wujin_admin, document=document)
    assert not Document.objects.exists() and not Fact.objects.exists()
    assert not default_storage.exists(name)
    assert value_of(report_of(world.wujin), "dues_collected") == 410000
    assert ChangeLog.objects.filter(object_repr=document.title, action="delete").exists()


def test_moving_a_document_to_another_quarter_refills_both(planned):
    world = planned
    document = paste(world.wujin_admin, world.wujin)
    confirm_all(world.wujin_admin, document)
    with actor(world.wujin_admin):
        services.document_update(user=world.wujin_admin, document=document, title="改期", year=YEAR, quarter=1)
    assert value_of(report_of(world.wujin), "dues_collected") is None
    assert value_of(report_of(world.wujin, 1), "dues_collected") == 410000


def test_each_unit_prefills_only_its_own_report(planned):
    world = planned
    confirm_all(world.wujin_admin, paste(world.wujin_admin, world.wujin))
    confirm_all(world.tianning_admin, paste(world.tianning_admin, world.tianning, TIANNING_TEXT))
    assert value_of(report_of(world.wujin), "dues_collected") == 410000
    assert value_of(report_of(world.tianning), "dues_collected") == 150000
