"""Quarterly report pages: list, open, fill in, review, late and missing list, attachments, and 404 for
another subtree on every page."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonghui.core.context import actor
from gonghui.targets import services_reports as services
from gonghui.targets.models import QuarterlyReport, ReportAction, ReportStatus
from tests.members.helpers import add_member
from tests.targets.reports_helpers import YEAR, D, build_targets, filed, open_report, pdf_file, value_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def reports(world):
    """A Q1 draft of 武进 (two members joined) and a submitted Q1 report of 天宁."""
    build_targets(world)
    add_member(world, world.wujin_union, name="一月", serial=21, join_date=D(YEAR, 1, 15))
    add_member(world, world.wujin_union, name="二月", serial=22, join_date=D(YEAR, 2, 15))
    own = open_report(world.wujin_admin, world.wujin, 1)
    other = filed(world.tianning_admin, world.tianning, 1, stations="3")
    return own, other


def xlsx_cells(response) -> set[str]:
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    return {str(cell) for row in rows[1:] for cell in row}


def listed(response) -> list[str]:
    """The unit names in the late and missing table."""
    return [row.unit.name for row in response.context["page"].object_list]


def form_data(report, **overrides) -> dict:
    data = {"highlights": "", "problems": "", "next_steps": "", "action": "save"}
    for row in report.values.select_related("indicator"):
        data[f"note_{row.indicator.key}"] = row.note
        if not row.is_computed:
            data[f"value_{row.indicator.key}"] = "" if row.value is None else str(row.value)
    data.update(overrides)
    return data


# --- list ----------------------------------------------------------------------------------------------


def test_list_shows_own_subtree_with_filters_and_export(login, world, reports):
    client = login(world.wujin_admin)
    url = reverse("targets:report_list")
    body = client.get(url).content.decode()
    assert "武进区总工会" in body and "天宁区总工会" not in body
    assert "填报本季度" in body and "逾期和未报" in body
    assert "草稿" in client.get(url + "?status=draft").content.decode()
    assert "没有符合条件" in client.get(url + "?status=accepted").content.decode()
    assert "没有符合条件" in client.get(url + "?q=湖塘").content.decode()
    response = client.get(url + "?export=xlsx")
    assert response.status_code == 200
    cells = xlsx_cells(response)
    assert "武进区总工会" in cells and "天宁区总工会" not in cells


def test_list_without_permission_is_403(login, world):
    assert login(world.nobody).get(reverse("targets:report_list")).status_code == 403


def test_city_sees_both_districts_sorted(login, world, reports):
    body = login(world.city_admin).get(reverse("targets:report_list") + "?sort=org").content.decode()
    assert body.index("武进区总工会") < body.index("天宁区总工会")


# --- open ----------------------------------------------------------------------------------------------


def test_open_button_creates_the_draft_of_the_users_unit(login, world, reports):
    client = login(world.chair)
    response = client.post(reverse("targets:report_open"), {"org": world.wujin_union.pk, "year": YEAR, "quarter": 2})
    report = QuarterlyReport.objects.get(org=world.wujin_union, year=YEAR, quarter=2)
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    # A unit of another subtree is not among the choices: nothing is created.
    response = client.post(reverse("targets:report_open"), {"org": world.tianning_union.pk, "year": YEAR, "quarter": 2})
    assert response.status_code == 302
    assert not QuarterlyReport.objects.filter(org=world.tianning_union).exists()
    assert login(world.nobody).post(reverse("targets:report_open"), {"year": YEAR, "quarter": 2}).status_code == 403


# --- detail, save, submit --------------------------------------------------------------------------------


def test_detail_shows_figures_with_records_link(login, world, reports):
    own, _other = reports
    body = login(world.wujin_admin).get(own.get_absolute_url()).content.decode()
    assert "发展会员" in body and "查看明细" in body
    assert f"within={world.wujin.pk}" in body and "joined_from=2026-01-01" in body
    assert 'name="value_union_social_workers"' in body
    assert 'name="value_members_recruited"' not in body  # computed: read-only


def test_detail_of_another_subtree_is_404(login, world, reports):
    own, other = reports
    client = login(world.wujin_admin)
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.post(other.get_absolute_url(), {"action": "save"}).status_code == 404
    assert login(world.nobody).get(own.get_absolute_url()).status_code == 404


def test_save_and_submit_through_the_page(login, world, reports, django_capture_on_commit_callbacks):
    own, _other = reports
    client = login(world.wujin_admin)
    url = own.get_absolute_url()
    response = client.post(url, form_data(own, value_union_social_workers="abc"))
    assert response.status_code == 200 and "不是有效数字" in response.content.decode()
    response = client.post(url, form_data(own, action="submit", value_union_social_workers=""))
    assert response.status_code == 200
    body = response.content.decode()
    assert "以下指标尚未填写本季数值" in body and "请填写工作亮点后再报送" in body
    own.refresh_from_db()
    assert own.status == ReportStatus.DRAFT
    response = client.post(url, form_data(own, value_union_social_workers="4", value_members_recruited="99"))
    assert response.status_code == 302
    assert value_of(own, "union_social_workers") == 4 and value_of(own, "members_recruited") == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form_data(own, action="submit", highlights="新建驿站 4 个"))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == ReportStatus.SUBMITTED
    body = client.get(url).content.decode()
    assert 'name="value_union_social_workers"' not in body  # locked
    assert "审核通过" not in body  # a unit never reviews its own report
    # The computed YTD and completion: 2 of 100 members recruited.
    assert "2%" in body


# --- review pages ----------------------------------------------------------------------------------------


def test_review_pages_of_another_subtree_are_404(login, world, reports):
    _own, other = reports
    client = login(world.wujin_admin)
    for name in ("targets:report_accept", "targets:report_return", "targets:report_reopen"):
        url = reverse(name, args=[other.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"comment": "x", "reason": "x"}).status_code == 404
    other.refresh_from_db()
    assert other.status == ReportStatus.SUBMITTED


def test_own_unit_cannot_accept_its_report_on_the_page(login, world, reports):
    _own, other = reports
    response = login(world.tianning_admin).post(reverse("targets:report_accept", args=[other.pk]), {})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == ReportStatus.SUBMITTED


def test_return_accept_and_reopen_on_the_pages(login, world, reports):
    _own, other = reports
    client = login(world.city_admin)
    body = client.get(other.get_absolute_url()).content.decode()
    assert "审核通过" in body and "退回" in body
    url = reverse("targets:report_return", args=[other.pk])
    assert "确定将" in client.get(url).content.decode()
    response = client.post(url, {"comment": ""})
    assert response.status_code == 200 and "退回意见" in response.content.decode()
    response = client.post(url, {"comment": "请补充驿站名单"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == ReportStatus.RETURNED
    with actor(world.tianning_admin):
        services.report_submit(user=world.tianning_admin, report=other)
    assert client.post(reverse("targets:report_accept", args=[other.pk]), {"comment": "好"}).status_code == 302
    other.refresh_from_db()
    assert other.status == ReportStatus.ACCEPTED
    reopen = reverse("targets:report_reopen", args=[other.pk])
    response = client.post(reopen, {"reason": ""})
    assert response.status_code == 200
    other.refresh_from_db()
    assert other.status == ReportStatus.ACCEPTED
    assert client.post(reopen, {"reason": "数据更正"}).status_code == 302
    other.refresh_from_db()
    assert other.status == ReportStatus.RETURNED
    body = client.get(other.get_absolute_url()).content.decode()
    assert "重新打开" in body and "数据更正" in body  # the timeline
    assert list(other.log.values_list("action", flat=True))[-1] == ReportAction.REOPEN


# --- late and missing ------------------------------------------------------------------------------------


def test_overdue_page_lists_missing_units_and_exports(login, world, reports):
    client = login(world.city_admin)
    url = reverse("targets:report_overdue")
    body = client.get(url, {"year": YEAR, "quarter": 1}).content.decode()
    assert "武进区总工会" in body and "湖塘镇工会" in body and "未报" in body
    assert "天宁区总工会" in body and "逾期报送" in body  # filed today, long after the due date
    with actor(world.city_admin):
        services.report_accept(user=world.city_admin, report=reports[1])
    on_time = reports[1].submitted_at.replace(month=4, day=1)
    QuarterlyReport.objects.filter(pk=reports[1].pk).update(submitted_at=on_time)
    assert "天宁区总工会" not in listed(client.get(url, {"year": YEAR, "quarter": 1}))
    assert "天宁区总工会" in listed(client.get(url, {"year": YEAR, "quarter": 1, "show": "all"}))
    response = client.get(url, {"year": YEAR, "quarter": 1, "export": "xlsx"})
    assert response.status_code == 200
    cells = xlsx_cells(response)
    assert "武进区总工会" in cells and "未报" in cells


def test_overdue_page_of_another_subtree_is_404(login, world, reports):
    client = login(world.wujin_admin)
    url = reverse("targets:report_overdue")
    assert client.get(url, {"unit": world.tianning.pk, "year": YEAR, "quarter": 1}).status_code == 404
    assert listed(client.get(url, {"year": YEAR, "quarter": 1})) == ["湖塘镇工会"]  # below the own unit
    assert client.get(url, {"unit": world.city.pk}).status_code == 404
    assert login(world.nobody).get(url).status_code == 403


# --- attachments -----------------------------------------------------------------------------------------


def test_attachment_upload_download_and_scope(login, world, reports, media_root):
    own, _other = reports
    client = login(world.wujin_admin)
    response = client.post(own.get_absolute_url(), form_data(own, new_attachments=[pdf_file()]))
    assert response.status_code == 302
    attachment = own.attachments.get()
    assert attachment.original_name == "季度总结.pdf" and attachment.file.name.startswith("reports/")
    download = reverse("targets:report_attachment", args=[attachment.pk])
    response = client.get(download)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert login(world.tianning_admin).get(download).status_code == 404
    assert login(world.nobody).get(download).status_code == 404
    client = login(world.wujin_admin)
    bad = client.post(own.get_absolute_url(), form_data(own, new_attachments=[pdf_file("病毒.exe")]))
    assert bad.status_code == 200 and "类型不支持" in bad.content.decode()
    client = login(world.wujin_admin)
    response = client.post(own.get_absolute_url(), form_data(own, remove_attachments=[attachment.pk]))
    assert response.status_code == 302
    assert not own.attachments.exists()
