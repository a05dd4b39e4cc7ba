"""Demo honours records: loaded for the demo city, idempotent, and their pages open for the demo accounts."""

import pytest
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.honours.demo import load_demo_honours
from gonghui.honours.models import Competition, CompetitionParticipant, CompetitionProject, ProjectState
from gonghui.members.demo import load_demo_members
from gonghui.orgs.demo import load_demo

pytestmark = pytest.mark.django_db

SCALE = 0.2


@pytest.fixture
def demo(db):
    load_demo(scale=SCALE)
    load_demo_members(scale=SCALE)
    return load_demo_honours()


def test_demo_is_loaded_once(demo):
    assert not demo.skipped and demo.competitions == 3 and demo.honours == 13
    assert load_demo_honours().skipped
    assert Competition.objects.count() == 3
    states = set(CompetitionProject.objects.values_list("state", flat=True))
    assert {ProjectState.SUBMITTED, ProjectState.ACCEPTED, ProjectState.REJECTED, ProjectState.COMPLETED} <= states
    assert CompetitionParticipant.objects.count() == demo.participants > 0
    for participant in CompetitionParticipant.objects.select_related("member", "org"):
        assert participant.member.org_id == participant.org_id


def test_demo_pages_open(client, demo):
    client.force_login(User.objects.get(username="city_admin"))
    for name in ("honours:competition_list", "honours:project_list", "honours:participant_list"):
        assert client.get(reverse(name)).status_code == 200
    for competition in Competition.objects.all():
        assert client.get(competition.get_absolute_url()).status_code == 200
    for project in CompetitionProject.objects.all():
        assert client.get(project.get_absolute_url()).status_code == 200


def test_demo_honours_pages_open(client, demo):
    from gonghui.honours.models import Honour

    client.force_login(User.objects.get(username="city_admin"))
    for name in ("honours:honour_list", "honours:care_list", "honours:care_due"):
        assert client.get(reverse(name)).status_code == 200
    states = set(Honour.objects.values_list("state", flat=True))
    assert states == {"nominated", "reviewing", "publicised", "awarded", "rejected"}
    for honour in Honour.objects.all():
        assert client.get(honour.get_absolute_url()).status_code == 200


def test_demo_studios_pages_open(client, demo):
    from gonghui.honours.models import InnovationStudio

    assert demo.studios == InnovationStudio.objects.count() > 0
    client.force_login(User.objects.get(username="city_admin"))
    assert client.get(reverse("honours:studio_list")).status_code == 200
    for studio in InnovationStudio.objects.all():
        assert client.get(studio.get_absolute_url()).status_code == 200


def test_demo_reform_pages_open(client, demo):
    from gonghui.honours.models import DemoSite, PilotEnterprise

    assert demo.pilots == PilotEnterprise.objects.count() > 0
    assert demo.demo_sites == DemoSite.objects.count() > 0
    assert set(PilotEnterprise.objects.values_list("batch", flat=True)) <= {1, 2}
    client.force_login(User.objects.get(username="city_admin"))
    for name in ("honours:pilot_list", "honours:demo_site_list"):
        assert client.get(reverse(name)).status_code == 200
    for pilot in PilotEnterprise.objects.all():
        assert client.get(pilot.get_absolute_url()).status_code == 200
