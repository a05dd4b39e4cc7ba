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

# 困难职工档案 and 帮扶慰问 (views_hardship, views_assistance)
from gonghui.programmes import views_assistance, views_hardship  # noqa: E402

urlpatterns += [
    path("hardship/", views_hardship.HardshipListView.as_view(), name="hardship_list"),
    path("hardship/add/", views_hardship.hardship_add, name="hardship_add"),
    path("hardship/export/", views_hardship.hardship_export, name="hardship_export"),
    path("hardship/overdue/", views_hardship.HardshipOverdueView.as_view(), name="hardship_overdue"),
    path("hardship/stats/", views_hardship.hardship_stats, name="hardship_stats"),
    path("hardship/<int:pk>/", views_hardship.hardship_detail, name="hardship_detail"),
    path("hardship/<int:pk>/edit/", views_hardship.hardship_edit, name="hardship_edit"),
    path("hardship/<int:pk>/steps/<str:step>/", views_hardship.hardship_step, name="hardship_step"),
    path(
        "hardship/<int:pk>/attachments/<int:attachment_pk>/",
        views_hardship.hardship_attachment,
        name="hardship_attachment",
    ),
    path("campaigns/", views_assistance.CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/add/", views_assistance.CampaignEditView.as_view(), name="campaign_add"),
    path("campaigns/<int:pk>/", views_assistance.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views_assistance.CampaignEditView.as_view(), name="campaign_edit"),
    path("campaigns/<int:pk>/delete/", views_assistance.CampaignDeleteView.as_view(), name="campaign_delete"),
    path("campaigns/<int:pk>/records/add/", views_assistance.assistance_add, name="assistance_add"),
    path("campaigns/<int:pk>/import/", views_assistance.assistance_import, name="assistance_import"),
    path("campaigns/<int:pk>/import/template/", views_assistance.assistance_template, name="assistance_template"),
    path("assistance/", views_assistance.AssistanceListView.as_view(), name="assistance_list"),
    path("assistance/stats/", views_assistance.assistance_stats, name="assistance_stats"),
    path("assistance/<int:pk>/", views_assistance.assistance_detail, name="assistance_detail"),
    path("assistance/<int:pk>/decide/", views_assistance.assistance_decide, name="assistance_decide"),
    path("assistance/<int:pk>/delete/", views_assistance.AssistanceDeleteView.as_view(), name="assistance_delete"),
]
public_urlpatterns += [
    path("hardship/apply/status/", views_hardship.hardship_status, name="hardship_status"),
    path("hardship/apply/<str:code>/", views_hardship.hardship_apply, name="hardship_apply"),
]
PUBLIC_NAMES |= {"hardship_status", "hardship_apply"}
