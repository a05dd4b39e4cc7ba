import datetime

import pytest
from django.core.exceptions import ValidationError

from gonghui.programmes import services_centres
from gonghui.programmes.models import ServiceCenter
from gonghui.targets import sources
from gonghui.utilities.periods import Period
from tests.orgs.test_api import bearer, token_for
from tests.testing import CrudSuite

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
THIS_YEAR = Period.year_of(TODAY.year)


def centre(user, org, **extra):
    data = {
        "org": org,
        "name": extra.pop("name", "湖塘职工之家" if org.region_code == "320412" else "茶山职工之家"),
        "kind": "workers_home",
        "address": "某路1号",
        "region_code": org.region_code,
        "status": "completed",
        "started_on": TODAY - datetime.timedelta(days=200),
        "completed_on": TODAY - datetime.timedelta(days=10),
    }
    data.update(extra)
    return services_centres.center_create(user=user, data=data)


class TestCentrePages(CrudSuite):
    model = ServiceCenter
    list_url_name = "programmes:center_list"
    detail_url_name = "programmes:center_detail"
    add_url_name = "programmes:center_add"
    edit_url_name = "programmes:center_edit"
    delete_url_name = "programmes:center_delete"

    def make_object(self, world, org):
        return centre(world.wujin_admin if org.region_code == "320412" else world.tianning_admin, org)

    def form_data(self, world, org):
        return {
            "org": org.pk,
            "name": "新建的工人文化宫",
            "kind": "cultural_palace",
            "address": "某大道9号",
            "region_code": org.region_code,
            "status": "under_construction",
            "started_on": "2026-03-01",
        }

    def created(self, world, data):
        return ServiceCenter.objects.filter(name=data["name"]).first()

    def edit_data(self, world, obj):
        return {**self.form_data(world, obj.org), "name": obj.name}


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"started_on": None}, "started_on"),
        ({"completed_on": None}, "completed_on"),
        ({"status": "asset_transferred"}, "transferred_on"),
        ({"status": "planning", "started_on": None}, "completed_on"),
        ({"completed_on": TODAY - datetime.timedelta(days=300)}, "completed_on"),
    ],
)
def test_construction_dates_are_checked(world, extra, field):
    with pytest.raises(ValidationError) as error:
        centre(world.wujin_admin, world.hutang, **extra)
    assert field in error.value.message_dict
    assert not ServiceCenter.objects.exists()


def test_source_counts_built_this_year_in_subtree(world):
    centre(world.wujin_admin, world.hutang)
    centre(world.wujin_admin, world.hutang, name="在建的", status="under_construction", completed_on=None)
    centre(world.tianning_admin, world.chashan)
    assert sources.value("service_centers_built", world.wujin, THIS_YEAR) == 1
    assert sources.value("service_centers_built", world.city, THIS_YEAR) == 2


def test_list_shows_status_counts(client, world):
    centre(world.wujin_admin, world.hutang)
    client.force_login(world.wujin_admin)
    body = client.get("/programmes/centres/").content.decode()
    assert "建成 1 个" in body and "在建 0 个" in body


def test_api_and_scope(client, world):
    other = centre(world.tianning_admin, world.chashan)
    headers = bearer(token_for(world.wujin_admin))
    payload = {
        "org_id": world.hutang.pk,
        "name": "妈妈小屋",
        "kind": "mothers_room",
        "address": "x路",
        "region_code": "320412",
    }
    response = client.post("/api/service-centres", payload, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = client.patch(
        f"/api/service-centres/{pk}", {"status": "completed"}, content_type="application/json", **headers
    )
    assert response.status_code == 422 and "开工日期" in response.json()["detail"]
    assert client.get("/api/service-centres", **headers).json()["count"] == 1
    assert client.get(f"/api/service-centres/{other.pk}", **headers).status_code == 404
    patch = client.patch(f"/api/service-centres/{other.pk}", {"name": "x"}, content_type="application/json", **headers)
    assert patch.status_code == 404
    payload["org_id"] = world.chashan.pk
    assert client.post("/api/service-centres", payload, content_type="application/json", **headers).status_code == 422
