import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonghui.unionwork import selectors, services_info
from gonghui.unionwork.models import InfoAdoption, InfoItem
from tests.testing import CrudSuite
from tests.unionwork.helpers import TODAY, info, rule

pytestmark = pytest.mark.django_db


class TestInfoPages(CrudSuite):
    model = InfoItem
    list_url_name = "unionwork:info_list"
    detail_url_name = "unionwork:info_detail"
    add_url_name = "unionwork:info_add"
    edit_url_name = "unionwork:info_edit"
    delete_url_name = "unionwork:info_delete"
    edit_field = "title"

    def make_object(self, world, org):
        return info(world.wujin_admin if org.region_code == "320412" else world.tianning_admin, org)

    def form_data(self, world, org):
        return {"org": org.pk, "title": "湖塘镇开展劳动竞赛", "kind": "news", "submitted_on": TODAY.isoformat(),
                "content": "正文"}  # fmt: skip

    def created(self, world, data):
        return InfoItem.objects.filter(title=data["title"]).first()

    def edit_data(self, world, obj):
        return {**self.form_data(world, obj.org), "title": obj.title}


@pytest.fixture
def rules(world):
    rule(world.city_admin, world.city, "city", "2")
    rule(world.city_admin, world.city, "media_national", "10")
    rule(world.wujin_admin, world.wujin, "city", "3")  # 武进 scores a city adoption higher


def _adopt(user, item, level, name, days_ago=1):
    return services_info.adoption_add(
        user=user, item=item,
        data={"adopter_level": level, "adopter_name": name, "adopted_on": TODAY - datetime.timedelta(days=days_ago)},
    )  # fmt: skip


def test_adoption_takes_the_nearest_rule_and_only_a_higher_union_records_it(world, rules):
    wujin_item = info(world.chair, world.wujin_union)
    tianning_item = info(world.tianning_admin, world.chashan)
    assert _adopt(world.city_admin, wujin_item, "city", "市总工会信息专报").score == Decimal("3.0")
    assert _adopt(world.city_admin, tianning_item, "city", "市总工会信息专报").score == Decimal("2.0")
    assert _adopt(world.wujin_admin, wujin_item, "media_national", "工人日报").score == Decimal("10.0")
    with pytest.raises(ValidationError):
        _adopt(world.wujin_admin, wujin_item, "media_national", "工人日报")  # twice
    with pytest.raises(ValidationError) as error:
        _adopt(world.city_admin, wujin_item, "province", "江苏工人报")
    assert "计分规则" in str(error.value)
    with pytest.raises(PermissionDenied):
        _adopt(world.chair, wujin_item, "city", "自己")  # grassroots has no approve
    own = info(world.wujin_admin, world.wujin)
    with pytest.raises(PermissionDenied):
        _adopt(world.wujin_admin, own, "city", "自己采用自己")
    with pytest.raises(PermissionDenied):
        _adopt(world.wujin_admin, tianning_item, "city", "跨区")
    with pytest.raises(ValidationError):
        services_info.info_delete(user=world.chair, item=wujin_item)  # adopted items stay
    assert InfoAdoption.objects.count() == 3


def test_ranking_with_month_on_month_and_year_on_year(world, rules):
    this_month = TODAY.replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    a_year_ago = this_month.replace(year=this_month.year - 1)
    for day in (this_month, this_month):
        info(world.wujin_admin, world.hutang, submitted_on=day)
    for day in (last_month, last_month, last_month, last_month):
        info(world.wujin_admin, world.hutang, submitted_on=day)
    info(world.tianning_admin, world.chashan, submitted_on=this_month)
    tianning_old = info(world.tianning_admin, world.chashan, submitted_on=a_year_ago)
    item = InfoItem.objects.filter(org=world.chashan, submitted_on=this_month).get()
    services_info.adoption_add(user=world.city_admin, item=item,
                               data={"adopter_level": "media_national", "adopter_name": "工人日报",
                                     "adopted_on": this_month})  # fmt: skip
    rows = {row.unit.name: row for row in selectors.info_ranking(world.city_admin, world.city, TODAY.year, TODAY.month)}
    wujin, tianning = rows["武进区总工会"], rows["天宁区总工会"]
    assert (wujin.submitted, wujin.submitted_last_month) == (2, 4) and wujin.month_change == Decimal("-50.0")
    assert tianning.submitted_last_year == 1 and tianning.year_change == Decimal("0.0")
    assert tianning.score == Decimal("10.0") and tianning.rank == 1 and wujin.rank == 2
    assert tianning_old.org == world.chashan
    assert sum(m["submitted"] for m in selectors.monthly_counts(world.city_admin, world.city, TODAY.year)) >= 3


def test_ranking_page_export_and_scope(client, world, rules):
    info(world.wujin_admin, world.hutang)
    info(world.tianning_admin, world.chashan)
    client.force_login(world.city_admin)
    url = reverse("unionwork:info_ranking")
    body = client.get(url).content.decode()
    assert "武进区总工会" in body and "天宁区总工会" in body
    response = client.get(url, {"export": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[0][:2] == ["名次", "单位"] and len(rows) == 3
    client.force_login(world.wujin_admin)
    assert client.get(url, {"org": world.tianning.pk}).status_code == 404
    assert "天宁区总工会" not in client.get(url).content.decode()


def test_adoption_pages(client, world, rules):
    item = info(world.wujin_admin, world.hutang)
    other = info(world.tianning_admin, world.chashan)
    client.force_login(world.wujin_admin)
    response = client.post(
        reverse("unionwork:adoption_add", args=[item.pk]),
        {"adopter_level": "city", "adopter_name": "市总工会", "adopted_on": TODAY.isoformat()},
    )
    assert response.status_code == 302
    adoption = InfoAdoption.objects.get()
    assert adoption.score == Decimal("3.0") and adoption.recorded_by == world.wujin_admin
    assert "市总工会" in client.get(reverse("unionwork:info_detail", args=[item.pk])).content.decode()
    assert client.post(reverse("unionwork:adoption_add", args=[other.pk]), {}).status_code == 404
    remove = reverse("unionwork:adoption_remove", args=[item.pk, adoption.pk])
    assert "确认" in client.get(remove).content.decode()
    assert client.post(remove).status_code == 302
    assert not InfoAdoption.objects.exists()


def test_attachment_is_served_through_scope(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = info(world.wujin_admin, world.hutang, content="",
                attachment=SimpleUploadedFile("调研报告.docx", b"PK\x03\x04 fake docx"))  # fmt: skip
    assert item.attachment_name == "调研报告.docx"
    client.force_login(world.wujin_admin)
    response = client.get(reverse("unionwork:info_attachment", args=[item.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"PK")
    client.force_login(world.tianning_admin)
    assert client.get(reverse("unionwork:info_attachment", args=[item.pk])).status_code == 404


def test_rule_pages_are_scoped(client, world):
    other = rule(world.tianning_admin, world.tianning, "city", "5")
    client.force_login(world.wujin_admin)
    response = client.post(reverse("unionwork:rule_add"), {"org": world.wujin.pk, "adopter_level": "city",
                                                           "points": "4"})  # fmt: skip
    assert response.status_code == 302
    assert "天宁区总工会" not in client.get(reverse("unionwork:rule_list")).content.decode()
    assert client.get(reverse("unionwork:rule_edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("unionwork:rule_delete", args=[other.pk])).status_code == 404
