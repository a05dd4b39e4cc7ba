"""URL patterns of the honours app (namespace "honours")."""

from django.urls import path

from gonghui.honours import views_competitions as competitions
from gonghui.honours import views_honours as honours
from gonghui.honours import views_reform as reform
from gonghui.honours import views_studios as studios

app_name = "honours"

urlpatterns: list = [
    path("competitions/", competitions.CompetitionListView.as_view(), name="competition_list"),
    path("competitions/add/", competitions.CompetitionEditView.as_view(), name="competition_add"),
    path("competitions/<int:pk>/", competitions.competition_detail, name="competition_detail"),
    path("competitions/<int:pk>/edit/", competitions.CompetitionEditView.as_view(), name="competition_edit"),
    path("competitions/<int:pk>/delete/", competitions.CompetitionDeleteView.as_view(), name="competition_delete"),
    path("competitions/<int:pk>/stage/", competitions.competition_stage, name="competition_stage"),
    path("competitions/<int:pk>/challenges/", competitions.challenge_publish, name="challenge_publish"),
    path("competitions/<int:pk>/declare/", competitions.project_declare, name="project_declare"),
    path("competitions/<int:pk>/teams/add/", competitions.team_add, name="team_add"),
    path("competitions/<int:pk>/participants/add/", competitions.participant_add, name="participant_add"),
    path("competitions/<int:pk>/results/", competitions.competition_results, name="competition_results"),
    path("competitions/results/<slug:kind>/<int:pk>/", competitions.result_save, name="result_save"),
    path("challenges/<int:pk>/close/", competitions.challenge_close, name="challenge_close"),
    path("challenges/<int:pk>/bid/", competitions.project_bid, name="project_bid"),
    path("projects/", competitions.ProjectListView.as_view(), name="project_list"),
    path("projects/<int:pk>/", competitions.project_detail, name="project_detail"),
    path("projects/<int:pk>/step/<slug:step>/", competitions.project_step, name="project_step"),
    path("projects/<int:pk>/delete/", competitions.ProjectDeleteView.as_view(), name="project_delete"),
    path("participants/", competitions.ParticipantListView.as_view(), name="participant_list"),
    path("participants/<int:pk>/delete/", competitions.ParticipantDeleteView.as_view(), name="participant_delete"),
    path("teams/<int:pk>/delete/", competitions.TeamDeleteView.as_view(), name="team_delete"),
    path("honours/", honours.HonourListView.as_view(), name="honour_list"),
    path("honours/add/", honours.HonourEditView.as_view(), name="honour_add"),
    path("honours/register/", honours.HonourRegisterView.as_view(), name="honour_register"),
    path("honours/<int:pk>/", honours.honour_detail, name="honour_detail"),
    path("honours/<int:pk>/edit/", honours.HonourEditView.as_view(), name="honour_edit"),
    path("honours/<int:pk>/delete/", honours.HonourDeleteView.as_view(), name="honour_delete"),
    path("honours/<int:pk>/step/<slug:step>/", honours.honour_step, name="honour_step"),
    path("honours/<int:pk>/care/add/", honours.care_add, name="care_add"),
    path("care/", honours.CareListView.as_view(), name="care_list"),
    path("care/due/", honours.care_due, name="care_due"),
    path("care/<int:pk>/edit/", honours.CareEditView.as_view(), name="care_edit"),
    path("care/<int:pk>/delete/", honours.CareDeleteView.as_view(), name="care_delete"),
    path("studios/", studios.StudioListView.as_view(), name="studio_list"),
    path("studios/add/", studios.StudioEditView.as_view(), name="studio_add"),
    path("studios/<int:pk>/", studios.studio_detail, name="studio_detail"),
    path("studios/<int:pk>/edit/", studios.StudioEditView.as_view(), name="studio_edit"),
    path("studios/<int:pk>/delete/", studios.StudioDeleteView.as_view(), name="studio_delete"),
    path("studios/<int:pk>/step/<slug:step>/", studios.studio_step, name="studio_step"),
    path("studios/achievements/<int:pk>/delete/", studios.achievement_delete, name="achievement_delete"),
    path("reform/pilots/", reform.PilotListView.as_view(), name="pilot_list"),
    path("reform/pilots/add/", reform.PilotEditView.as_view(), name="pilot_add"),
    path("reform/pilots/<int:pk>/", reform.pilot_detail, name="pilot_detail"),
    path("reform/pilots/<int:pk>/edit/", reform.PilotEditView.as_view(), name="pilot_edit"),
    path("reform/pilots/<int:pk>/delete/", reform.PilotDeleteView.as_view(), name="pilot_delete"),
    path("reform/pilots/<int:pk>/step/<slug:step>/", reform.pilot_step, name="pilot_step"),
    path("reform/measures/<int:pk>/status/", reform.measure_status, name="measure_status"),
    path("reform/measures/<int:pk>/delete/", reform.measure_delete, name="measure_delete"),
    path("reform/liaisons/<int:pk>/end/", reform.liaison_end, name="liaison_end"),
    path("reform/sites/", reform.DemoSiteListView.as_view(), name="demo_site_list"),
    path("reform/sites/add/", reform.DemoSiteEditView.as_view(), name="demo_site_add"),
    path("reform/sites/<int:pk>/", reform.demo_site_detail, name="demo_site_detail"),
    path("reform/sites/<int:pk>/edit/", reform.DemoSiteEditView.as_view(), name="demo_site_edit"),
    path("reform/sites/<int:pk>/delete/", reform.DemoSiteDeleteView.as_view(), name="demo_site_delete"),
]
