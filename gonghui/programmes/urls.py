"""Programme pages (namespace ``programmes``); ``public_urlpatterns`` need no login (see PUBLIC_NAMES)."""

from django.urls import path

from gonghui.programmes import views_centres, views_mutualaid, views_projects, views_stations

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

# 职工互助保障 (mutual aid)
_ma = views_mutualaid
urlpatterns += [
    path("mutual-aid/plans/", _ma.PlanListView.as_view(), name="mutualaid_plan_list"),
    path("mutual-aid/plans/add/", _ma.PlanEditView.as_view(), name="mutualaid_plan_add"),
    path("mutual-aid/plans/<int:pk>/", _ma.plan_detail, name="mutualaid_plan_detail"),
    path("mutual-aid/plans/<int:pk>/edit/", _ma.PlanEditView.as_view(), name="mutualaid_plan_edit"),
    path("mutual-aid/plans/<int:pk>/delete/", _ma.PlanDeleteView.as_view(), name="mutualaid_plan_delete"),
    path("mutual-aid/plans/<int:pk>/payments/add/", _ma.payment_add, name="mutualaid_payment_add"),
    path(
        "mutual-aid/plans/<int:pk>/payments/<int:payment_pk>/delete/",
        _ma.payment_delete,
        name="mutualaid_payment_delete",
    ),
    path("mutual-aid/plans/<int:pk>/enrol/", _ma.enrolment_add, name="mutualaid_enrolment_add"),
    path("mutual-aid/plans/<int:pk>/import/", _ma.enrolment_import, name="mutualaid_enrolment_import"),
    path("mutual-aid/enrolments/", _ma.EnrolmentListView.as_view(), name="mutualaid_enrolment_list"),
    path("mutual-aid/enrolments/template/", _ma.enrolment_template, name="mutualaid_enrolment_template"),
    path("mutual-aid/enrolments/<int:pk>/cancel/", _ma.enrolment_cancel, name="mutualaid_enrolment_cancel"),
    path("mutual-aid/claims/", _ma.ClaimListView.as_view(), name="mutualaid_claim_list"),
    path("mutual-aid/claims/export/", _ma.claim_export, name="mutualaid_claim_export"),
    path("mutual-aid/claims/add/", _ma.claim_add, name="mutualaid_claim_add"),
    path("mutual-aid/claims/overdue/", _ma.OverdueClaimListView.as_view(), name="mutualaid_claim_overdue"),
    path("mutual-aid/claims/<int:pk>/", _ma.claim_detail, name="mutualaid_claim_detail"),
    path("mutual-aid/claims/<int:pk>/<str:step>/", _ma.claim_step, name="mutualaid_claim_step"),
    path(
        "mutual-aid/claims/<int:pk>/documents/<int:document_pk>/",
        _ma.claim_document,
        name="mutualaid_claim_document",
    ),
    path("mutual-aid/figures/", _ma.figures, name="mutualaid_figures"),
]

public_urlpatterns = [
    path("nearby/", views_stations.nearby, name="station_nearby"),
    path("livelihood/<str:code>/", views_projects.public_progress, name="livelihood_public"),
]

PUBLIC_NAMES = {"station_nearby", "livelihood_public"}

# 职工互助保障: the member's phone pages
public_urlpatterns += [
    path("mutual-aid/claim/", views_mutualaid.public_claim_start, name="mutualaid_public_claim"),
    path("mutual-aid/claim/submit/", views_mutualaid.public_claim_submit, name="mutualaid_public_submit"),
    path("mutual-aid/claim/status/", views_mutualaid.public_claim_status, name="mutualaid_public_status"),
]
PUBLIC_NAMES |= {"mutualaid_public_claim", "mutualaid_public_submit", "mutualaid_public_status"}
