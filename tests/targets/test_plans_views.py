"""Plan pages: list, add, edit, detail with the breakdown grid, issue, delete, targets, import/export; 404s."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from gonghui.targets import services
from gonghui.targets.models import Plan, PlanStatus, Target
from tests.targets.plans_helpers import YEAR, city_with_breakdown, indicator, make_plan, target_of
from tests.testing import CreateSuite, DetailSuite, EditSuite, ListSuite

pytestmark = pytest.mark.django_db


class TestPlanPages(ListSuite, DetailSuite, CreateSuite, EditSuite):
    model = Plan
    list_url_name = "targets:plan_list"
    detail_url_name = "targets:plan_detail"
    add_url_name = "targets:plan_add"
    edit_url_name = "targets:plan_edit"
    edit_field = "title"
    edit_value = "湖塘镇2026年重点工作计划"

    def make_object(self, world, org):
        return make_plan(world, org, world.city_admin)

    def form_data(self, world, org):
        return {
            "org": org.pk,
            "year": YEAR,
            "title": "",
            "progress_basis": "day",
            "yellow_margin": "10",
            "completion_cap": "100",
            "bonus_rate": "0",
            "bonus_cap": "0",
            "report_due_days": "10",
        }

    def created(self, world, data):
        return Plan.objects.filter(org_id=data["org"], year=YEAR).first()

    def edit_data(self, world, obj):
        data = self.form_data(world, obj.org)
        del data["org"], data["year"]
        return data


def test_duplicate_plan_form_shows_chinese_error(client, world):
    make_plan(world, world.wujin, world.wujin_admin)
    client.force_login(world.wujin_admin)
    data = TestPlanPages().form_data(world, world.wujin)
    response = client.post(reverse("targets:plan_add"), data)
    assert response.status_code == 200
    assert "2026年的工作计划已经存在" in response.content.decode()


def test_plan_list_filters_by_year(client, world):
    make_plan(world, world.wujin, world.wujin_admin)
    make_plan(world, world.hutang, world.wujin_admin, year=2025)
    client.force_login(world.wujin_admin)
    body = client.get(reverse("targets:plan_list"), {"year": 2025}).content.decode()
    assert "湖塘镇工会2025年工作计划" in body and "武进区总工会2026年工作计划" not in body


def test_detail_shows_targets_grid_and_warnings(client, world):
    whole = city_with_breakdown(world, 50, 25, 20)
    client.force_login(world.city_admin)
    body = client.get(reverse("targets:plan_detail", args=[whole.plan.pk])).content.decode()
    assert "新建基层工会" in body and "系统计算" in body
    assert f'name="part-{whole.pk}-{world.wujin.pk}" value="25"' in body
    assert "分解合计 45 个，少于总目标 50 个（差 5 个）" in body
    assert 'class="short"' in body
    wujin_plan = target_of(world.wujin).plan
    assert wujin_plan.get_absolute_url() in body  # drill into the district's plan


def test_district_sees_parent_figure_read_only(client, world):
    city_with_breakdown(world)
    plan = target_of(world.wujin).plan
    client.force_login(world.wujin_admin)
    body = client.get(reverse("targets:plan_detail", args=[plan.pk])).content.decode()
    assert "常州市总工会（上级下达）" in body
    assert reverse("targets:target_edit", args=[target_of(world.wujin).pk]) not in body
    response = client.get(reverse("targets:target_edit", args=[target_of(world.wujin).pk]))
    assert response.status_code == 302


def test_breakdown_grid_post(client, world):
    whole = city_with_breakdown(world, 50, 30, 20)
    client.force_login(world.city_admin)
    url = reverse("targets:plan_breakdown", args=[whole.plan.pk])
    response = client.post(
        url, {f"part-{whole.pk}-{world.wujin.pk}": "20", f"part-{whole.pk}-{world.tianning.pk}": "20"}
    )
    assert response.status_code == 302
    assert target_of(world.wujin).value == 20
    page = client.get(whole.plan.get_absolute_url()).content.decode()
    assert "分解合计 40 个，少于总目标 50 个（差 10 个）" in page
    bad = client.post(url, {f"part-{whole.pk}-{world.wujin.pk}": "-1"}, follow=True)
    assert "未保存" in bad.content.decode()
    assert target_of(world.wujin).value == 20


def test_breakdown_grid_post_by_a_lower_unit_is_refused(client, world):
    whole = city_with_breakdown(world)
    client.force_login(world.wujin_admin)
    response = client.post(
        reverse("targets:plan_breakdown", args=[whole.plan.pk]), {f"part-{whole.pk}-{world.wujin.pk}": "1"}
    )
    assert response.status_code == 404  # the city's plan is not in 武进's scope
    client.force_login(world.tianning_admin)
    plan = target_of(world.wujin).plan
    assert client.post(reverse("targets:plan_breakdown", args=[plan.pk]), {}).status_code == 404


def test_weights_post_warns(client, world):
    plan = make_plan(world, world.wujin, world.wujin_admin)
    services.target_set(user=world.wujin_admin, plan=plan, indicator=indicator(), value=5)
    client.force_login(world.wujin_admin)
    response = client.post(
        reverse("targets:plan_weights", args=[plan.pk]), {"weight-unions_established": "80"}, follow=True
    )
    assert "各指标权重合计应为 100，当前合计为 80" in response.content.decode()
    assert target_of(world.wujin).weight == 80


def test_add_edit_remove_own_target(client, world):
    plan = make_plan(world, world.wujin, world.wujin_admin)
    client.force_login(world.wujin_admin)
    add = reverse("targets:target_add", args=[plan.pk])
    assert client.get(add).status_code == 200
    response = client.post(add, {"indicator": indicator().pk, "value": "12", "weight": "0", "note": ""})
    assert response.status_code == 302
    target = target_of(world.wujin)
    assert target.value == 12
    bad = client.post(reverse("targets:target_edit", args=[target.pk]), {"value": "-3", "weight": "0"})
    assert bad.status_code == 200
    assert (
        client.post(reverse("targets:target_edit", args=[target.pk]), {"value": "15", "weight": "0"}).status_code == 302
    )
    assert target_of(world.wujin).value == 15
    assert client.post(reverse("targets:target_delete", args=[target.pk])).status_code == 302
    assert target_of(world.wujin) is None


def test_target_pages_of_other_subtree_are_404(client, world):
    city_with_breakdown(world)
    plan = target_of(world.tianning).plan
    client.force_login(world.wujin_admin)
    target = target_of(world.tianning)
    assert client.get(reverse("targets:target_add", args=[plan.pk])).status_code == 404
    assert client.get(reverse("targets:target_edit", args=[target.pk])).status_code == 404
    assert client.post(reverse("targets:target_delete", args=[target.pk])).status_code == 404
    assert client.post(reverse("targets:plan_weights", args=[plan.pk]), {}).status_code == 404
    assert client.get(reverse("targets:plan_issue", args=[plan.pk])).status_code == 404
    assert client.get(reverse("targets:plan_delete", args=[plan.pk])).status_code == 404
    assert client.get(reverse("targets:plan_export", args=[plan.pk])).status_code == 404
    assert client.get(reverse("targets:plan_import", args=[plan.pk])).status_code == 404


def test_issue_page(client, world):
    whole = city_with_breakdown(world)
    client.force_login(world.city_admin)
    url = reverse("targets:plan_issue", args=[whole.plan.pk])
    assert "2 个下级单位" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    whole.plan.refresh_from_db()
    assert whole.plan.status == PlanStatus.ISSUED


def test_delete_page(client, world):
    plan = make_plan(world, world.hutang, world.wujin_admin)
    client.force_login(world.wujin_admin)
    url = reverse("targets:plan_delete", args=[plan.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not Plan.objects.filter(pk=plan.pk).exists()


def test_export_and_import_pages(client, world):
    whole = city_with_breakdown(world, 50, 30, 20)
    client.force_login(world.city_admin)
    response = client.get(reverse("targets:plan_export", args=[whole.plan.pk]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    book["目标分解表"]["C4"] = "abc"
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "分解表.xlsx"
    url = reverse("targets:plan_import", args=[whole.plan.pk])
    assert client.get(url).status_code == 200
    page = client.post(url, {"file": buffer})
    assert page.status_code == 200
    body = page.content.decode()
    assert "未导入任何数据" in body and "“abc”不是数字" in body and "<td>C</td>" in body
    book["目标分解表"]["C4"] = 26
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "分解表.xlsx"
    done = client.post(url, {"file": buffer}, follow=True)
    assert "已导入目标分解表" in done.content.decode()
    assert "少于总目标 50 个（差 4 个）" in done.content.decode()
    assert target_of(world.wujin).value == 26


def test_export_without_permission(client, world):
    whole = city_with_breakdown(world)
    client.force_login(world.nobody)
    assert client.get(reverse("targets:plan_export", args=[whole.plan.pk])).status_code == 403
    assert client.get(reverse("targets:plan_detail", args=[whole.plan.pk])).status_code == 404


def test_plan_list_export_only_own_subtree(client, world):
    make_plan(world, world.hutang)
    make_plan(world, world.chashan)
    client.force_login(world.wujin_admin)
    response = client.get(reverse("targets:plan_list") + "?export=xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = {str(c) for row in book.active.iter_rows(values_only=True) for c in row}
    assert "湖塘镇工会2026年工作计划" in cells and "茶山街道工会2026年工作计划" not in cells


def test_plan_of_other_year_shows_no_targets(client, world):
    city_with_breakdown(world)
    other = make_plan(world, world.city, year=YEAR + 1)
    client.force_login(world.city_admin)
    body = client.get(reverse("targets:plan_detail", args=[other.pk])).content.decode()
    assert "还没有目标" in body
    assert Target.objects.filter(year=YEAR + 1).count() == 0
