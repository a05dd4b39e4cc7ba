"""工作材料 pages: register (upload, paste), the document page with its highlighted figures and review, edit,
delete with confirmation, the original file, the figures list with export, the evidence beside the quarterly
report, and 404 for another subtree on every page."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonghui.intel.models import Document, FactStatus
from tests.intel.app_helpers import QUARTER, WUJIN_TEXT, build_intel_targets, confirm_all, fact_of, paste, upload
from tests.targets.reports_helpers import YEAR, value_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def documents(world):
    """武进's uploaded document (pending) and 天宁's pasted one."""
    build_intel_targets(world)
    own = upload(world.wujin_admin, world.wujin, "武进二季度.txt", WUJIN_TEXT.encode())
    other = paste(world.tianning_admin, world.tianning, "天宁区总工会\n天宁区总工会新建户外劳动者驿站3个。")
    return own, other


def review_data(document, **overrides) -> dict:
    data = {}
    for fact in document.facts.select_related("indicator"):
        data[f"action_{fact.pk}"] = "confirm"
        data[f"indicator_{fact.pk}"] = fact.indicator.key
        data[f"value_{fact.pk}"] = format(fact.value.normalize(), "f")
        data[f"kind_{fact.pk}"] = fact.kind
    data.update(overrides)
    return data


def test_register_by_upload_then_review_prefills_the_quarterly_report(login, world):
    build_intel_targets(world)
    client = login(world.wujin_admin)
    page = client.get(reverse("intel:document_create"))
    assert page.status_code == 200 and "登记并读取" in page.content.decode()
    response = client.post(
        reverse("intel:document_create"),
        {
            "org": world.wujin.pk,
            "year": YEAR,
            "quarter": QUARTER,
            "file": SimpleUploadedFile("综述.txt", WUJIN_TEXT.encode()),
            "text": "",
            "title": "",
        },
    )
    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    body = client.get(document.get_absolute_url()).content.decode()
    money = fact_of(document, "relief_amount")
    assert f'<mark id="fact-{money.pk}" class="pending"' in body
    assert "慰问金41万余元" in body and "慰问/帮扶资金" in body and "下载原件" in body
    people = fact_of(document, "union_chairs_trained")  # reported; relief is computed from assistance records
    dues = fact_of(document, "dues_collected")
    response = client.post(
        document.get_absolute_url(),
        review_data(document, **{f"value_{people.pk}": "125"}),
        follow=True,
    )
    text = response.content.decode()
    assert "已保存：确认" in text and "已填入" in text
    report = world.wujin.targets_quarterlyreport_set.get(year=YEAR, quarter=QUARTER)
    assert value_of(report, "union_chairs_trained") == 125 and value_of(report, "dues_collected") == 410000
    assert 'class="confirmed"' in text and "已用于" in text
    # the quarterly report page shows the evidence beside its figures
    report_page = client.get(report.get_absolute_url()).content.decode()
    assert "据材料预填" in report_page and "工会经费41万余元" in report_page
    assert f"#fact-{dues.pk}" in report_page
    assert "材料对照" in report_page and "与本表不一致" in report_page  # members recruited: 500 stated, 0 computed


def test_paste_with_errors_keeps_the_input_and_says_what_to_do(login, world):
    client = login(world.wujin_admin)
    response = client.post(
        reverse("intel:document_create"), {"org": world.wujin.pk, "year": YEAR, "quarter": QUARTER, "text": ""}
    )
    assert response.status_code == 200 and "二选一" in response.content.decode()
    response = client.post(
        reverse("intel:document_create"),
        {"org": world.tianning.pk, "year": YEAR, "quarter": QUARTER, "text": WUJIN_TEXT},
    )
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert not Document.objects.exists()


def test_a_bad_review_value_is_shown_on_the_page(login, world, documents):
    own, _other = documents
    client = login(world.wujin_admin)
    money = fact_of(own, "relief_amount")
    response = client.post(own.get_absolute_url(), review_data(own, **{f"value_{money.pk}": "abc"}))
    assert response.status_code == 200
    assert "不是有效数字" in response.content.decode()
    assert not own.facts.filter(status=FactStatus.CONFIRMED).exists()


def test_list_search_filters_and_export(login, world, documents):
    own, _other = documents
    client = login(world.city_admin)
    url = reverse("intel:document_list")
    body = client.get(url).content.decode()
    assert own.title in body and "天宁区总工会" in body
    body = client.get(url + "?q=慰问金").content.decode()
    assert own.title in body and "<mark>慰问金</mark>" in body and "共 1 条" in body
    assert "没有符合条件" in client.get(url + "?q=疗休养").content.decode()
    assert "共 1 条" in client.get(url + f"?unit={world.tianning.pk}").content.decode()
    assert "共 2 条" in client.get(url + "?indicator=stations_built").content.decode()
    assert "共 1 条" in client.get(url + "?indicator=relief_amount").content.decode()
    assert "没有符合条件" in client.get(url + f"?year={YEAR}&quarter=1").content.decode()
    response = client.get(url + "?export=xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "标题" and len(rows) == 3
    district = login(world.wujin_admin).get(url).content.decode()
    assert own.title in district and "天宁区总工会新建" not in district


def test_fact_list_and_export(login, world, documents):
    own, _other = documents
    confirm_all(world.wujin_admin, own)
    client = login(world.wujin_admin)
    url = reverse("intel:fact_list")
    body = client.get(url + "?status=confirmed").content.decode()
    assert "慰问金41万余元" in body and "天宁" not in body
    response = client.get(url + "?export=xlsx&indicator=relief_amount")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert len(rows) == 2 and 410000 in rows[1]


def test_edit_delete_with_confirmation_and_file_download(login, world, documents):
    own, _other = documents
    client = login(world.wujin_admin)
    response = client.post(
        reverse("intel:document_edit", args=[own.pk]), {"title": "新标题", "year": YEAR, "quarter": 1}
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.title == "新标题" and own.quarter == 1
    download = client.get(reverse("intel:document_file", args=[own.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == WUJIN_TEXT.encode()
    confirm = client.get(reverse("intel:document_delete", args=[own.pk])).content.decode()
    assert "确定要删除" in confirm and "已填入季度报表的数值保持不变" in confirm
    assert Document.objects.filter(pk=own.pk).exists()
    assert client.post(reverse("intel:document_delete", args=[own.pk])).status_code == 302
    assert not Document.objects.filter(pk=own.pk).exists()


def test_reread_keeps_reviewed_figures(login, world, documents):
    own, _other = documents
    money = fact_of(own, "relief_amount")
    confirm_all(world.wujin_admin, own)
    client = login(world.wujin_admin)
    response = client.post(reverse("intel:document_reread", args=[own.pk]), follow=True)
    assert "已重新读取" in response.content.decode()
    assert own.facts.filter(pk=money.pk, status=FactStatus.CONFIRMED).exists()
    assert own.facts.filter(indicator__key="relief_amount").count() == 1


def test_another_subtree_gets_404_on_every_page(login, world, documents):
    own, _other = documents
    client = login(world.tianning_admin)
    for name in ("document_detail", "document_edit", "document_delete", "document_file"):
        assert client.get(reverse(f"intel:{name}", args=[own.pk])).status_code == 404, name
    assert client.post(own.get_absolute_url(), review_data(own)).status_code == 404
    assert client.post(reverse("intel:document_reread", args=[own.pk])).status_code == 404
    assert client.post(reverse("intel:document_delete", args=[own.pk])).status_code == 404
    assert Document.objects.filter(pk=own.pk).exists()
    assert own.title not in client.get(reverse("intel:document_list") + "?q=慰问金").content.decode()
    assert "慰问金41万余元" not in client.get(reverse("intel:fact_list")).content.decode()


def test_without_permission_is_403_and_readers_cannot_write(login, world, documents):
    own, _other = documents
    client = login(world.nobody)
    for url in (reverse("intel:document_list"), reverse("intel:document_create"), reverse("intel:document_batch")):
        assert client.get(url).status_code == 403, url
    from tests.world import make_user

    reader = login(make_user("reader", world.wujin, "leader"))
    page = reader.get(own.get_absolute_url())
    assert page.status_code == 200 and "保存确认结果" not in page.content.decode()
    assert reader.get(reverse("intel:document_create")).status_code == 403
    assert reader.post(own.get_absolute_url(), review_data(own)).status_code == 403
