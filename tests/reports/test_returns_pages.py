"""统计年报 pages: lists, the return page (compile, correct, submit, review), the xlsx in its standard layout, and a
user from the other subtree getting 404 on every page."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from gonghui.reports import services_returns as services
from gonghui.reports.models import ReturnCampaign, ReturnStatus
from tests.reports.returns_helpers import YEAR, add_members, fill_manual, open_campaign, return_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(world):
    add_members(world)
    return open_campaign(world)


def test_lists_show_what_the_user_may_see(client, world, campaign):
    client.force_login(world.wujin_admin)
    page = client.get(reverse("reports:return_list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "湖塘镇工会" in text and "天宁区总工会" not in text
    export = client.get(reverse("reports:return_list") + "?export=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    names = [row[0].value for row in book.active.iter_rows(min_row=2)]
    assert sorted(names) == ["武进区总工会", "武进甲公司工会", "湖塘镇工会"]
    client.force_login(world.city_admin)
    assert "天宁区总工会" in client.get(reverse("reports:return_list")).content.decode()
    listing = client.get(reverse("reports:campaign_list")).content.decode()
    assert str(campaign) in listing and "布置统计年报" in listing
    detail = client.get(reverse("reports:campaign_detail", args=[campaign.pk])).content.decode()
    assert "未开始" in detail and "共 7 个单位" in detail


def test_open_a_campaign_through_the_page(client, world):
    client.force_login(world.wujin_admin)
    url = reverse("reports:campaign_open")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"org": world.wujin.pk, "year": YEAR, "deadline": "2026-09-01"})
    assert "统计期结束" in bad.content.decode()
    response = client.post(url, {"org": world.wujin.pk, "year": YEAR, "deadline": "2026-11-10"})
    campaign = ReturnCampaign.objects.get(org=world.wujin)
    assert response.status_code == 302 and response["Location"] == campaign.get_absolute_url()
    assert campaign.returns.count() == 3
    client.force_login(world.chair)
    assert client.get(url).status_code == 403


def test_the_unit_compiles_corrects_with_a_reason_and_submits(client, world, campaign):
    ret = return_of(campaign, world.wujin_union)
    client.force_login(world.chair)
    url = reverse("reports:return_detail", args=[ret.pk])
    assert "开始填报" in client.get(url).content.decode()
    client.post(url, {"action": "compile"})
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.FILLING
    refused = client.post(url, {"action": "save", "value_20": "9", "reason_20": ""})
    assert refused.status_code == 422 and "更正原因" in refused.content.decode()
    assert 'value="9"' in refused.content.decode()  # the typed value is kept on the page
    client.post(url, {"action": "save", "value_20": "9", "reason_20": "外包人员入会未录入"})
    page = client.get(url).content.decode()
    assert "已更正" in page and "外包人员入会未录入" in page
    fill_manual(world.chair, ret)
    response = client.post(url, {"action": "submit", "preparer_name": "周填报"})
    assert response.status_code == 302
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SUBMITTED
    assert "等待上级单位审核" in client.get(url).content.decode()


def test_the_parent_reviews_and_sees_who_is_missing(client, world, campaign):
    ret = return_of(campaign, world.wujin_union)
    services.return_compile(user=world.chair, unit_return=ret)
    fill_manual(world.chair, ret)
    services.return_submit(user=world.chair, unit_return=ret)
    town = services.return_compile(user=world.wujin_admin, unit_return=return_of(campaign, world.hutang))
    client.force_login(world.wujin_admin)
    town_page = client.get(reverse("reports:return_detail", args=[town.pk])).content.decode()
    assert "尚未审核通过" in town_page and "武进甲公司工会" in town_page
    client.force_login(world.chair)
    assert client.get(reverse("reports:return_accept", args=[ret.pk])).status_code == 403
    client.force_login(world.wujin_admin)
    back = reverse("reports:return_back", args=[ret.pk])
    assert "退回原因" in client.post(back, {"comment": ""}).content.decode()
    assert client.post(back, {"comment": "女职工人数请核实"}).status_code == 302
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.RETURNED
    services.return_submit(user=world.chair, unit_return=ret)
    assert client.post(reverse("reports:return_accept", args=[ret.pk]), {"comment": ""}).status_code == 302
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.ACCEPTED
    town_page = client.get(reverse("reports:return_detail", args=[town.pk])).content.decode()
    assert "下级单位均已审核通过" in town_page


def test_xlsx_has_the_standard_layout(client, world, campaign):
    ret = return_of(campaign, world.wujin_union)
    services.return_compile(user=world.chair, unit_return=ret)
    fill_manual(world.chair, ret, **{"20": {"value": "5", "reason": "两人漏登"}})
    services.return_submit(user=world.chair, unit_return=ret)
    services.return_accept(user=world.wujin_admin, unit_return=ret)
    client.force_login(world.chair)
    response = client.get(reverse("reports:return_xlsx", args=[ret.pk]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "2026年基层工会统计表"
    assert sheet["A2"].value == "表　　号：工统基1表"
    assert sheet["F2"].value == "制表机关：中华全国总工会"
    assert sheet["A3"].value == "填报单位：武进甲公司工会（T320412001001）"
    assert "2025年10月1日—2026年9月30日" in sheet["F3"].value
    assert [cell.value for cell in sheet[4]] == ["指标名称", "代码", "计量单位", "本年数", "系统计算数", "更正说明"]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=5, values_only=True) if row[1]}
    assert rows["20"][0] == "会员人数" and rows["20"][2] == "人"
    assert rows["20"][3] == 5 and rows["20"][4] == 3 and rows["20"][5] == "已更正：两人漏登"
    assert rows["01"][3] == "武进甲公司工会"
    assert rows["12"][5] == "填报"
    footer = [cell for row in sheet.iter_rows(values_only=True) for cell in row if isinstance(cell, str)]
    assert "填报人：周填报" in footer and "单位负责人：吴主席" in footer and "审核人：wujin_admin" in footer
    assert any(text.startswith("报出日期：2026") or text.startswith("报出日期：20") for text in footer)


def test_a_user_of_the_other_subtree_gets_404_on_every_page(client, world, campaign):
    ret = return_of(campaign, world.wujin_union)
    services.return_compile(user=world.chair, unit_return=ret)
    district = open_campaign_for_wujin(world)
    client.force_login(world.tianning_admin)
    for name, pk in (
        ("reports:return_detail", ret.pk),
        ("reports:return_accept", ret.pk),
        ("reports:return_back", ret.pk),
        ("reports:return_xlsx", ret.pk),
        ("reports:campaign_detail", campaign.pk),
        ("reports:campaign_detail", district.pk),
    ):
        url = reverse(name, args=[pk])
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"action": "compile", "comment": "x"}).status_code == 404, url
    assert client.post(reverse("reports:campaign_close", args=[district.pk])).status_code == 404
    assert str(district) not in client.get(reverse("reports:campaign_list")).content.decode()
    assert "武进" not in client.get(reverse("reports:return_list")).content.decode()
    assert client.get(reverse("reports:return_list") + f"?campaign={district.pk}").status_code == 200
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.FILLING


def open_campaign_for_wujin(world):
    return services.campaign_open(
        user=world.wujin_admin, org=world.wujin, year=YEAR + 1, deadline=datetime.date(YEAR + 1, 11, 1)
    )


def test_children_summary_xlsx_has_a_column_per_sub_unit_and_the_accepted_total(client, world, campaign):
    ret = return_of(campaign, world.wujin_union)
    services.return_compile(user=world.chair, unit_return=ret)
    fill_manual(world.chair, ret, **{"20": {"value": "4", "reason": "一人漏登"}})
    services.return_submit(user=world.chair, unit_return=ret)
    services.return_accept(user=world.wujin_admin, unit_return=ret)
    town = services.return_compile(user=world.wujin_admin, unit_return=return_of(campaign, world.hutang))
    client.force_login(world.wujin_admin)
    response = client.get(reverse("reports:return_children_xlsx", args=[town.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[2]] == [
        "代码",
        "指标名称",
        "计量单位",
        "武进甲公司工会（已审核）",
        "已审核下级合计",
        "本单位本年数",
    ]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["10"][1] == "会员总数" and rows["10"][3:] == (4, 4, 4)
    assert client.get(reverse("reports:return_children_xlsx", args=[ret.pk])).status_code == 404  # grassroots form
    client.force_login(world.tianning_admin)
    assert client.get(reverse("reports:return_children_xlsx", args=[town.pk])).status_code == 404


def test_a_refused_submission_saves_nothing(client, world, campaign):
    ret = return_of(campaign, world.wujin_union)
    services.return_compile(user=world.chair, unit_return=ret)
    client.force_login(world.chair)
    url = reverse("reports:return_detail", args=[ret.pk])
    response = client.post(url, {"action": "submit", "value_32": "5", "preparer_name": "周"})
    assert response.status_code == 422 and "尚未填写" in response.content.decode()
    assert 'value="5"' in response.content.decode()
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.FILLING and ret.preparer_name == ""
    assert ret.values.get(code="32").final_value is None


def test_the_parent_urges_the_units_that_have_not_submitted(client, world, campaign):
    from gonghui.notices.models import Message

    town = services.return_compile(user=world.wujin_admin, unit_return=return_of(campaign, world.hutang))
    client.force_login(world.wujin_admin)
    page = client.get(reverse("reports:return_detail", args=[town.pk])).content.decode()
    assert "催报未上报单位" in page
    assert client.post(reverse("reports:return_urge", args=[town.pk])).status_code == 302
    reminder = Message.objects.get(recipient=world.chair)
    assert reminder.title == "请尽快上报2026年统计年报" and "湖塘镇工会提醒" in reminder.body
    assert town.log.filter(action="urge").exists()
    client.force_login(world.tianning_admin)
    assert client.post(reverse("reports:return_urge", args=[town.pk])).status_code == 404
    assert Message.objects.filter(title="请尽快上报2026年统计年报").count() == 1
