"""Local indicators (sysadmin) and the catalog pages."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonghui.targets import services
from gonghui.targets.models import Indicator, IndicatorSource
from tests.targets.plans_helpers import city_with_breakdown, indicator

pytestmark = pytest.mark.django_db

LOCAL = {"key": "volunteer_hours", "name": "志愿服务时长", "unit": "小时", "category": "宣传教育"}


def create(world, **overrides):
    return services.indicator_create(user=world.sysadmin, data={**LOCAL, **overrides})


def test_create_local_indicator_is_reported(world):
    local = create(world)
    assert local.source == IndicatorSource.REPORTED and not local.is_builtin
    assert Indicator.objects.filter(key="volunteer_hours").exists()


def test_key_with_a_registered_source_is_computed(world):
    Indicator.objects.filter(key="members_recruited").delete()
    local = create(world, key="members_recruited", name="发展会员（本地）")
    assert local.source == IndicatorSource.COMPUTED


@pytest.mark.parametrize("key", ["ab", "Volunteer", "1abc", "vol-hours", "志愿"])
def test_bad_keys_are_refused(world, key):
    with pytest.raises(ValidationError) as excinfo:
        create(world, key=key)
    assert "指标编码须以小写英文字母开头" in " ".join(excinfo.value.messages)


def test_duplicate_key_is_refused(world):
    with pytest.raises(ValidationError, match="指标编码「unions_established」已被使用"):
        create(world, key="unions_established")


def test_only_sysadmin_creates(world):
    with pytest.raises(PermissionDenied):
        services.indicator_create(user=world.city_admin, data=LOCAL)
    assert not Indicator.objects.filter(key="volunteer_hours").exists()


def composite(world, components):
    return create(world, key="care_index", name="关爱指数", unit="分", kind="composite", components=components)


def test_composite_components(world):
    made = composite(world, [{"key": "health_checks", "weight": 50}, {"key": "relief_beneficiaries", "weight": 50}])
    assert len(made.components) == 2


@pytest.mark.parametrize(
    ("components", "message"),
    [
        ([], "须填写组成指标"),
        ([{"key": "nope", "weight": 100}], "组成指标「nope」不存在"),
        ([{"key": "health_checks", "weight": 60}, {"key": "relief_beneficiaries", "weight": 30}], "当前合计为 90"),
        ([{"key": "health_checks", "weight": 50}, {"key": "health_checks", "weight": 50}], "重复"),
        ([{"key": "health_checks", "weight": "多"}], "不是数字"),
    ],
)
def test_bad_components_are_refused(world, components, message):
    with pytest.raises(ValidationError) as excinfo:
        composite(world, components)
    assert message in " ".join(excinfo.value.messages)


def test_composite_of_composite_is_refused(world):
    composite(world, [{"key": "health_checks", "weight": 100}])
    with pytest.raises(ValidationError, match="本身是综合型指标"):
        create(
            world,
            key="super_index",
            name="超级指数",
            kind="composite",
            components=[{"key": "care_index", "weight": 100}],
        )


def test_builtin_only_active_and_sort_change(world):
    builtin = indicator("health_checks")
    services.indicator_update(user=world.sysadmin, indicator=builtin, data={"is_active": False, "sort": 999})
    builtin.refresh_from_db()
    assert (builtin.is_active, builtin.sort) == (False, 999)
    with pytest.raises(ValidationError, match="内置指标只能修改「启用」和「排序」，不能修改指标名称"):
        services.indicator_update(user=world.sysadmin, indicator=builtin, data={"name": "体检"})
    builtin.refresh_from_db()
    assert builtin.name == "职工体检"


def test_local_update_and_key_is_fixed(world):
    local = create(world)
    services.indicator_update(user=world.sysadmin, indicator=local, data={"name": "志愿时长", "unit": "时"})
    local.refresh_from_db()
    assert (local.name, local.unit) == ("志愿时长", "时")
    with pytest.raises(ValidationError, match="指标编码创建后不能修改"):
        services.indicator_update(user=world.sysadmin, indicator=local, data={"key": "other_key"})


def test_delete_rules(world):
    with pytest.raises(ValidationError, match="内置指标，不能删除"):
        services.indicator_delete(user=world.sysadmin, indicator=indicator())
    local = create(world)
    part_of = composite(world, [{"key": "volunteer_hours", "weight": 100}])
    with pytest.raises(ValidationError, match="综合型指标「关爱指数」的组成指标"):
        services.indicator_delete(user=world.sysadmin, indicator=local)
    services.indicator_delete(user=world.sysadmin, indicator=part_of)
    services.indicator_delete(user=world.sysadmin, indicator=local)
    assert not Indicator.objects.filter(key__in=["volunteer_hours", "care_index"]).exists()


def test_delete_an_indicator_used_by_targets_is_refused(world):
    Indicator.objects.filter(key="unions_established").update(is_builtin=False)
    city_with_breakdown(world)
    with pytest.raises(ValidationError, match="已被 3 个目标使用，不能删除"):
        services.indicator_delete(user=world.sysadmin, indicator=indicator())


# --- pages ----------------------------------------------------------------------------------------


def test_list_search_filter_and_export(client, world):
    client.force_login(world.city_admin)
    response = client.get(reverse("targets:indicator_list"), {"q": "基层工会"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "新建基层工会" in body and "职工体检" not in body
    assert "会员总数" in client.get(reverse("targets:indicator_list"), {"kind": "stock"}).content.decode()
    computed = client.get(reverse("targets:indicator_list"), {"source": "computed"}).content.decode()
    assert "发展会员" in computed and "工会社会工作者" not in computed
    # export needs targets.export_indicator: sysadmin has it
    client.force_login(world.sysadmin)
    response = client.get(reverse("targets:indicator_list") + "?export=xlsx&category=组织建设")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    names = {row[1] for row in rows[1:]}
    assert "新建基层工会" in names and "职工体检" not in names


def test_export_needs_the_export_permission(client, world):
    """Reading the catalog is not exporting it: a grassroots chair sees the list without an export link."""
    client.force_login(world.chair)
    page = client.get(reverse("targets:indicator_list"))
    assert page.status_code == 200 and "export=xlsx" not in page.content.decode()
    assert client.get(reverse("targets:indicator_list") + "?export=xlsx").status_code == 403
    client.force_login(world.city_admin)  # 工会管理员 may export
    page = client.get(reverse("targets:indicator_list"))
    assert "export=xlsx" in page.content.decode()
    response = client.get(reverse("targets:indicator_list") + "?export=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_list_without_permission_is_403(client, world):
    client.force_login(world.nobody)
    assert client.get(reverse("targets:indicator_list")).status_code == 403


def test_detail_and_builtin_edit_page(client, world):
    builtin = indicator("health_checks")
    client.force_login(world.city_admin)
    response = client.get(reverse("targets:indicator_detail", args=[builtin.pk]))
    assert response.status_code == 200 and "职工体检" in response.content.decode()
    assert client.get(reverse("targets:indicator_edit", args=[builtin.pk])).status_code == 403
    client.force_login(world.sysadmin)
    url = reverse("targets:indicator_edit", args=[builtin.pk])
    page = client.get(url).content.decode()
    assert 'name="sort"' in page and 'name="name"' not in page
    assert client.post(url, {"sort": 5}).status_code == 302
    builtin.refresh_from_db()
    assert builtin.sort == 5 and not builtin.is_active


def test_add_edit_delete_local_pages(client, world):
    client.force_login(world.sysadmin)
    data = {**LOCAL, "kind": "cumulative", "sort": 100, "is_active": "on", "phrases_text": "志愿服务、志愿时长"}
    response = client.post(reverse("targets:indicator_add"), data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    local = Indicator.objects.get(key="volunteer_hours")
    assert local.phrases == ["志愿服务", "志愿时长"]
    bad = client.post(reverse("targets:indicator_add"), {**data, "key": "X"})
    assert bad.status_code == 200 and "指标编码须以小写英文字母开头" in bad.content.decode()
    response = client.post(reverse("targets:indicator_edit", args=[local.pk]), {**data, "name": "志愿时长"})
    assert response.status_code == 302
    local.refresh_from_db()
    assert local.name == "志愿时长"
    assert client.get(reverse("targets:indicator_delete", args=[local.pk])).status_code == 200
    assert client.post(reverse("targets:indicator_delete", args=[local.pk])).status_code == 302
    assert not Indicator.objects.filter(pk=local.pk).exists()
