"""Competition pages and API: lists, exports, forms and steps; another subtree gets 404 on every page."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from gonghui.core.context import actor
from gonghui.honours import services_competitions as services
from gonghui.honours.models import Challenge, Competition, CompetitionParticipant, CompetitionProject, ProjectState
from tests.honours.helpers import D, add_participant, admin_of, declare, make_competition, town_admin
from tests.members.helpers import add_member
from tests.testing import CrudSuite

pytestmark = pytest.mark.django_db


def competition_form(org, **overrides) -> dict:
    data = {
        "name": "全区电工技能竞赛",
        "kind": "skills",
        "level": "county",
        "brand": "虔能杯",
        "subject": "电工",
        "org": org.pk,
        "co_organisers": "",
        "start_date": "2026-04-01",
        "end_date": "2026-11-30",
        "rules": "理论加实操。",
        "prizes": "一等奖1名。",
    }
    data.update(overrides)
    return data


class TestCompetitionPages(CrudSuite):
    model = Competition
    list_url_name = "honours:competition_list"
    detail_url_name = "honours:competition_detail"
    add_url_name = "honours:competition_add"
    edit_url_name = "honours:competition_edit"
    delete_url_name = "honours:competition_delete"
    edit_value = "已修改的竞赛名称"

    def make_object(self, world, org):
        return make_competition(world, org, name=f"{org.name}竞赛")

    def form_data(self, world, org):
        return competition_form(org, name=f"{org.name}的新竞赛")

    def created(self, world, data):
        return Competition.objects.filter(name=data["name"]).first()

    def edit_data(self, world, obj):
        return competition_form(obj.org, name=obj.name)


@pytest.fixture
def running(world):
    """A running competition of 湖塘镇 (武进区) and one of 茶山街道 (天宁区), each with a project, team and entry."""
    today = timezone.localdate()
    made = {}
    for key, org, union in (("own", world.hutang, world.wujin_union), ("other", world.chashan, world.tianning_union)):
        admin = admin_of(world, org)
        competition = make_competition(
            world,
            org,
            launched=True,
            name=f"{org.name}运行中竞赛",
            start_date=today - datetime.timedelta(days=10),
            end_date=today + datetime.timedelta(days=60),
        )
        with actor(admin):
            challenge = services.challenge_publish(
                user=admin,
                competition=competition,
                data={"title": f"{org.name}榜单", "description": "d", "reward": "", "deadline": today},
            )
            team = services.team_create(
                user=admin, competition=competition, data={"org": union, "name": f"{org.name}队"}
            )
            project = services.project_declare(
                user=admin,
                competition=competition,
                data={"org": union, "title": f"{org.name}项目", "description": "d", "leader_name": "张"},
            )
        participant = add_participant(world, competition, union, name=f"{org.name[:2]}选手", serial=len(made) + 1)
        made[key] = (competition, challenge, team, project, participant)
    return made


def urls_of(competition, challenge, team, project, participant) -> list[tuple[str, str]]:
    """(method, url) of every page about one competition's records."""
    return [
        ("get", reverse("honours:competition_detail", args=[competition.pk])),
        ("post", reverse("honours:competition_stage", args=[competition.pk])),
        ("post", reverse("honours:challenge_publish", args=[competition.pk])),
        ("get", reverse("honours:project_declare", args=[competition.pk])),
        ("get", reverse("honours:team_add", args=[competition.pk])),
        ("get", reverse("honours:participant_add", args=[competition.pk])),
        ("get", reverse("honours:competition_results", args=[competition.pk])),
        ("post", reverse("honours:result_save", args=["participant", participant.pk])),
        ("post", reverse("honours:result_save", args=["team", team.pk])),
        ("post", reverse("honours:challenge_close", args=[challenge.pk])),
        ("get", reverse("honours:project_bid", args=[challenge.pk])),
        ("get", reverse("honours:project_detail", args=[project.pk])),
        ("post", reverse("honours:project_step", args=[project.pk, "recommend"])),
        ("get", reverse("honours:project_delete", args=[project.pk])),
        ("get", reverse("honours:participant_delete", args=[participant.pk])),
        ("get", reverse("honours:team_delete", args=[team.pk])),
        ("get", reverse("api:get_competition", args=[competition.pk])),
        ("get", reverse("api:list_participants", args=[competition.pk])),
        ("get", reverse("api:get_project", args=[project.pk])),
        ("post", reverse("api:recommend_project", args=[project.pk])),
    ]


def test_every_page_of_another_subtree_is_404(client, world, running):
    client.force_login(world.wujin_admin)
    for method, url in urls_of(*running["other"]):
        if method == "post" and url.startswith("/api/"):
            response = client.post(url, "{}", content_type="application/json")
        else:
            response = getattr(client, method)(url)
        assert response.status_code == 404, f"{method.upper()} {url} → {response.status_code}"
    assert CompetitionProject.objects.get(pk=running["other"][3].pk).state == ProjectState.SUBMITTED


def test_every_page_of_own_subtree_opens(client, world, running):
    client.force_login(world.wujin_admin)
    for method, url in urls_of(*running["own"]):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_lists_and_exports_show_only_own_subtree(client, world, running):
    client.force_login(world.wujin_admin)
    for name, own, other in (
        ("honours:project_list", "湖塘镇工会项目", "茶山街道工会项目"),
        ("honours:participant_list", "湖塘选手", "茶山选手"),
    ):
        body = client.get(reverse(name)).content.decode()
        assert own in body and other not in body
        response = client.get(reverse(name) + "?export=xlsx")
        rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
        cells = {str(cell) for row in rows for cell in row}
        assert own in cells and other not in cells
    body = client.get(reverse("honours:participant_list")).content.decode()
    assert "3204" in body and "*" in body  # masked ID number, as in the member registry


def test_participant_export_is_masked(client, world, running):
    client.force_login(world.wujin_admin)
    response = client.get(reverse("honours:participant_list") + "?export=xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    member = running["own"][4].member
    assert member.id_number_masked in {str(c) for row in rows for c in row}
    assert all("*" in str(row[1]) for row in rows[1:])


def test_lists_filter_by_the_source_links(client, world, running):
    client.force_login(world.city_admin)
    today = timezone.localdate()
    query = f"?within={world.wujin.pk}&start_from={today.year}-01-01&start_to={today.year}-12-31&held=1"
    body = client.get(reverse("honours:competition_list") + query).content.decode()
    assert "湖塘镇工会运行中竞赛" in body and "茶山街道工会运行中竞赛" not in body
    body = client.get(reverse("honours:participant_list") + query).content.decode()
    assert "湖塘选手" in body and "茶山选手" not in body


def test_declare_recommend_accept_through_the_pages(client, world):
    competition = make_competition(world, world.wujin, launched=True, start_date=D(2026, 1, 1))
    client.force_login(world.chair)
    url = reverse("honours:project_declare", args=[competition.pk])
    response = client.post(url, {"org": world.wujin_union.pk, "title": "", "description": "x", "leader_name": "张"})
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    response = client.post(
        url, {"org": world.wujin_union.pk, "title": "节能项目", "description": "节电", "leader_name": "张"}
    )
    project = CompetitionProject.objects.get(title="节能项目")
    assert response.status_code == 302 and project.current_org == world.hutang
    town = town_admin(world)
    client.force_login(town)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "同意并推荐至上一级" in page
    assert client.post(reverse("honours:project_step", args=[project.pk, "recommend"]), {"note": ""}).status_code == 302
    client.force_login(world.wujin_admin)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "同意立项" in page
    client.post(reverse("honours:project_step", args=[project.pk, "accept"]), {"note": "好"})
    project.refresh_from_db()
    assert project.state == ProjectState.ACCEPTED


def test_reject_without_reason_shows_the_error(client, world):
    competition = make_competition(world, world.wujin, launched=True)
    project = declare(world, competition, world.wujin_union)
    client.force_login(town_admin(world))
    response = client.post(reverse("honours:project_step", args=[project.pk, "reject"]), {"note": ""})
    assert response.status_code == 200 and "不予通过的理由" in response.content.decode()


def test_participant_form_finds_the_member_by_card_number(client, world):
    competition = make_competition(world, world.wujin, launched=True)
    member = add_member(world, world.wujin_union, name="李焊工", serial=31)
    add_member(world, world.wujin_union, name="李焊工", serial=32)
    client.force_login(world.chair)
    url = reverse("honours:participant_add", args=[competition.pk])
    response = client.post(url, {"org": world.wujin_union.pk, "member": "李焊工", "event": "焊工"})
    assert "找到多名会员" in response.content.decode()
    response = client.post(url, {"org": world.wujin_union.pk, "member": member.member_card_number, "event": "焊工"})
    assert response.status_code == 302
    assert CompetitionParticipant.objects.filter(member=member, competition=competition).exists()


def test_results_page_saves_a_score(client, world, running):
    competition, _, _, _, participant = running["own"]
    client.force_login(world.wujin_admin)
    page = client.get(reverse("honours:competition_results", args=[competition.pk])).content.decode()
    assert participant.member.name in page
    prefix = f"p{participant.pk}"
    client.post(
        reverse("honours:result_save", args=["participant", participant.pk]),
        {f"{prefix}-score": "88.5", f"{prefix}-rank": "2", f"{prefix}-award": "second"},
    )
    participant.refresh_from_db()
    assert participant.rank == 2 and participant.award == "second"
    client.force_login(world.chair)  # not the organiser
    assert client.get(reverse("honours:competition_results", args=[competition.pk])).status_code == 403


def test_api_lists_and_steps(client, world, running):
    client.force_login(world.wujin_admin)
    names = {row["name"] for row in client.get(reverse("api:list_competitions")).json()["items"]}
    assert "湖塘镇工会运行中竞赛" in names and "茶山街道工会运行中竞赛" not in names
    participants = client.get(reverse("api:list_all_participants")).json()["items"]
    assert participants and all("*" in row["id_number_masked"] for row in participants)
    assert "id_number" not in participants[0]
    project = running["own"][3]
    response = client.post(
        reverse("api:recommend_project", args=[project.pk]), {"note": "同意"}, content_type="application/json"
    )
    assert response.status_code == 403  # it is 湖塘镇's turn, not 武进区's
    client.force_login(town_admin(world))
    response = client.post(
        reverse("api:recommend_project", args=[project.pk]), {"note": "同意"}, content_type="application/json"
    )
    assert response.status_code == 422  # 湖塘镇 is the organiser: accept, not recommend
    response = client.post(
        reverse("api:accept_project", args=[project.pk]), {"note": "同意"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["state"] == "accepted"
    awaiting = client.get(reverse("api:list_projects") + "?awaiting=true").json()["items"]
    assert awaiting == []
    client.force_login(world.nobody)
    assert client.get(reverse("api:list_competitions")).status_code == 403


def test_challenge_bid_page(client, world, running):
    _, challenge, _, _, _ = running["own"]
    client.force_login(world.chair)
    response = client.post(
        reverse("honours:project_bid", args=[challenge.pk]),
        {"org": world.wujin_union.pk, "title": "揭榜方案", "description": "d", "leader_name": "王"},
    )
    assert response.status_code == 302
    bid = CompetitionProject.objects.get(title="揭榜方案")
    assert bid.challenge == challenge and bid.current_org == world.hutang
    assert Challenge.objects.get(pk=challenge.pk).bids.count() == 1
