"""Programme pages (namespace ``programmes``); ``public_urlpatterns`` need no login (see PUBLIC_NAMES)."""

from django.urls import path

from gonghui.programmes import views_centres, views_projects, views_stations

app_name = "programmes"

urlpatterns = [
    path("stations/", views_stations.StationListView.as_view(), name="station_list"),
    path("stations/map/", views_stations.station_map, name="station_map"),
    path("stations/overdue/", views_stations.OverdueListView.as_view(), name="station_overdue"),
    path("stations/add/", views_stations.StationEditView.as_view(), name="station_add"),
    path("stations/<int:pk>/", views_stations.station_detail, name="station_detail"),
    path("stations/<int:pk>/edit/", views_stations.StationEditView.as_view(), name="station_edit"),
    path("stations/<int:pk>/delete/", views_stations.StationDeleteView.as_view(), name="station_delete"),
    path("stations/<int:pk>/inspections/add/", views_stations.inspection_add, name="inspection_add"),
    path(
        "stations/<int:pk>/inspections/<int:inspection_pk>/delete/",
        views_stations.inspection_delete,
        name="inspection_delete",
    ),
    path("stations/<int:pk>/usage/", views_stations.usage_save, name="usage_save"),
    path("stations/<int:pk>/photos/add/", views_stations.photo_add, name="photo_add"),
    path("stations/<int:pk>/photos/<int:photo_pk>/", views_stations.photo_file, name="photo_file"),
    path("stations/<int:pk>/photos/<int:photo_pk>/delete/", views_stations.photo_delete, name="photo_delete"),
    path("projects/", views_projects.project_list, name="project_list"),
    path("projects/add/", views_projects.ProjectEditView.as_view(), name="project_add"),
    path("projects/<int:pk>/", views_projects.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views_projects.ProjectEditView.as_view(), name="project_edit"),
    path("projects/<int:pk>/delete/", views_projects.ProjectDeleteView.as_view(), name="project_delete"),
    path("projects/<int:pk>/report/", views_projects.project_report, name="project_report"),
    path("centres/", views_centres.CenterListView.as_view(), name="center_list"),
    path("centres/add/", views_centres.CenterEditView.as_view(), name="center_add"),
    path("centres/<int:pk>/", views_centres.center_detail, name="center_detail"),
    path("centres/<int:pk>/edit/", views_centres.CenterEditView.as_view(), name="center_edit"),
    path("centres/<int:pk>/delete/", views_centres.CenterDeleteView.as_view(), name="center_delete"),
]

public_urlpatterns = [
    path("nearby/", views_stations.nearby, name="station_nearby"),
    path("livelihood/<str:code>/", views_projects.public_progress, name="livelihood_public"),
]

PUBLIC_NAMES = {"station_nearby", "livelihood_public"}
