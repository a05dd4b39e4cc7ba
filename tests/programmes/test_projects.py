import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gonghui.programmes import selectors_projects, services_projects
from gonghui.programmes.models import LivelihoodProject
from gonghui.targets.models import Indicator
from gonghui.targets.progress import Light
from tests.orgs.test_api import bearer, token_for
from tests.programmes.helpers import make_station
from tests.testing import DeleteSuite, DetailSuite, EditSuite

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
YEAR = TODAY.year


def project(user, org, **extra):
    data = {
        "org": org,
        "year": YEAR,
        "title": extra.pop("title", f"{org.name}新建提升驿站"),
        "target_value": Decimal(4),
        "unit": "家",
        "deadline": datetime.date(YEAR, 12, 31),
        "indicator": Indicator.objects.get(key="stations_built"),
        "is_public": True,
    }
    data.update(extra)
    return services_projects.project_create(user=user, data=data)


class TestProjectPages(DetailSuite, EditSuite, DeleteSuite):
    model = LivelihoodProject
    detail_url_name = "programmes:project_detail"
    edit_url_name = "programmes:project_edit"
    delete_url_name = "programmes:project_delete"
    edit_field = "title"
    edit_value = "改过名的实事"

    def make_object(self, world, org):
        return project(world.wujin_admin if org.region_code == "320412" else world.tianning_admin, org)

    def edit_data(self, world, obj):
        return {
            "org": obj.org_id,
            "year": obj.year,
            "title": obj.title,
            "target_value": "4",
            "unit": "家",
            "deadline": obj.deadline.isoformat(),
            "indicator": obj.indicator_id,
            "is_public": "on",
            "sort": "0",
        }


def test_progress_is_live_from_stations_and_shows_exceeded(world):
    p = project(world.wujin_admin, world.wujin)
    row = selectors_projects.progress(p)
    assert row.computed and row.actual == 0 and row.light in (Light.RED, Light.YELLOW, Light.GREEN)
    for n in range(5):
        make_station(world.wujin_admin, world.hutang, name=f"驿站{n}", built_on=TODAY)
    make_station(world.tianning_admin, world.chashan, built_on=TODAY)  # another district: not counted
    row = selectors_projects.progress(p)
    assert row.actual == 5 and row.exceeded and row.status_label == "超额完成" and row.percent == 125


def test_light_against_expected_progress_to_deadline(world):
    p = project(
        world.wujin_admin,
        world.wujin,
        title="填报型",
        indicator=Indicator.objects.get(key="skills_trainees"),  # 职工技能培训 stays reported
        unit="人",
        target_value=Decimal(1000),
    )
    services_projects.project_report(
        user=world.wujin_admin, project=p, value=Decimal(300), as_of=datetime.date(YEAR, 6, 30)
    )
    p.refresh_from_db()
    mid = selectors_projects.progress(p, as_of=datetime.date(YEAR, 7, 1))
    assert not mid.computed and mid.completion == Decimal("0.3000")
    assert mid.expected == pytest.approx(Decimal("0.50"), abs=Decimal("0.01"))
    assert mid.light == Light.RED  # 20 points behind the 序时进度
    late = selectors_projects.progress(p, as_of=datetime.date(YEAR + 1, 1, 2))
    assert late.light == Light.RED and late.expected == 1


def test_computed_projects_refuse_a_reported_figure(world):
    p = project(world.wujin_admin, world.wujin)
    with pytest.raises(ValidationError):
        services_projects.project_report(user=world.wujin_admin, project=p, value=Decimal(1))


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"deadline": datetime.date(YEAR + 1, 1, 31)}, "deadline"),
        ({"target_value": Decimal(0)}, "target_value"),
        ({"unit": "人"}, "unit"),
    ],
)
def test_validation(world, extra, field):
    with pytest.raises(ValidationError) as error:
        project(world.wujin_admin, world.wujin, **extra)
    assert field in error.value.message_dict


def test_duplicate_title_is_a_clear_error(world):
    project(world.wujin_admin, world.wujin, title="同名")
    with pytest.raises(ValidationError) as error:
        project(world.wujin_admin, world.wujin, title="同名")
    assert "已有同名" in str(error.value)
    assert LivelihoodProject.objects.count() == 1


def test_list_create_and_public_page(client, world):
    client.force_login(world.wujin_admin)
    response = client.post(
        reverse("programmes:project_add"),
        {
            "org": world.wujin.pk,
            "year": YEAR,
            "title": "5万名一线职工健康体检",
            "target_value": "50000",
            "unit": "人",
            "deadline": f"{YEAR}-12-31",
            "is_public": "on",
            "sort": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    p = LivelihoodProject.objects.get()
    response = client.post(
        reverse("programmes:project_report", args=[p.pk]), {"reported_value": "60000", "reported_on": TODAY}
    )
    assert response.status_code == 302
    body = client.get(reverse("programmes:project_list")).content.decode()
    assert "5万名一线职工健康体检" in body and "超额完成" in body
    project(world.tianning_admin, world.tianning, title="天宁的实事")
    assert "天宁的实事" not in body
    client.logout()
    body = client.get(reverse("livelihood_public", args=[world.wujin.code])).content.decode()
    assert "5万名一线职工健康体检" in body and "60000" in body and "超额完成" in body
    assert "天宁的实事" not in body
    assert client.get(reverse("livelihood_public", args=["NOPE"])).status_code == 404


def test_private_projects_stay_off_the_public_page(client, world):
    project(world.wujin_admin, world.wujin, title="内部的", is_public=False)
    body = client.get(reverse("livelihood_public", args=[world.wujin.code])).content.decode()
    assert "内部的" not in body and "暂无公开的民生实事" in body


def test_report_and_scope_on_pages(client, world):
    other = project(world.tianning_admin, world.tianning, title="天宁的", indicator=None, unit="人")
    client.force_login(world.wujin_admin)
    assert client.post(reverse("programmes:project_report", args=[other.pk]), {}).status_code == 404


def test_api(client, world):
    p = project(world.wujin_admin, world.wujin)
    other = project(world.tianning_admin, world.tianning, title="天宁的", indicator=None, unit="人")
    make_station(world.wujin_admin, world.hutang, built_on=TODAY)
    headers = bearer(token_for(world.wujin_admin))
    rows = client.get("/api/livelihood-projects", **headers).json()
    assert [r["id"] for r in rows] == [p.pk]
    assert rows[0]["actual"] == "1.00" or float(rows[0]["actual"]) == 1
    assert rows[0]["computed"] is True
    assert client.get(f"/api/livelihood-projects/{other.pk}", **headers).status_code == 404
    response = client.post(
        f"/api/livelihood-projects/{other.pk}/report",
        {"reported_value": 1},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 404
    response = client.post(
        f"/api/livelihood-projects/{p.pk}/report", {"reported_value": 1}, content_type="application/json", **headers
    )
    assert response.status_code == 422
