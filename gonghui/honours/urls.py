"""URL patterns of the honours app (namespace "honours")."""

from django.urls import path

from gonghui.honours import views_competitions as competitions

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
]
