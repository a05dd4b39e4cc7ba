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

# 就业服务 (job fairs) and the programme imports
from gonghui.programmes import views_jobfairs, views_station_import  # noqa: E402

urlpatterns += [
    path("jobfairs/", views_jobfairs.JobFairListView.as_view(), name="jobfair_list"),
    path("jobfairs/add/", views_jobfairs.JobFairEditView.as_view(), name="jobfair_add"),
    path("jobfairs/import-template/", views_jobfairs.employer_import_template, name="jobfair_import_template"),
    path("jobfairs/<int:pk>/", views_jobfairs.jobfair_detail, name="jobfair_detail"),
    path("jobfairs/<int:pk>/edit/", views_jobfairs.JobFairEditView.as_view(), name="jobfair_edit"),
    path("jobfairs/<int:pk>/delete/", views_jobfairs.JobFairDeleteView.as_view(), name="jobfair_delete"),
    path("jobfairs/<int:pk>/employers/add/", views_jobfairs.employer_add, name="jobfair_employer_add"),
    path("jobfairs/<int:pk>/employers/import/", views_jobfairs.employer_import, name="jobfair_import"),
    path("jobfairs/<int:pk>/employers/<int:row_pk>/edit/", views_jobfairs.employer_edit, name="jobfair_employer_edit"),
    path(
        "jobfairs/<int:pk>/employers/<int:row_pk>/delete/",
        views_jobfairs.employer_delete,
        name="jobfair_employer_delete",
    ),
    path("stations/import/", views_station_import.station_import, name="station_import"),
    path("stations/import-template/", views_station_import.station_import_template, name="station_import_template"),
    path("imports/<str:token>/", views_jobfairs.import_report, name="import_report"),
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

# 职工体检 and 疗休养 (views_health.py, views_recuperation.py)
from gonghui.programmes import views_health, views_recuperation  # noqa: E402

urlpatterns += [
    path("health/", views_health.BatchListView.as_view(), name="health_batch_list"),
    path("health/add/", views_health.BatchEditView.as_view(), name="health_batch_add"),
    path("health/<int:pk>/", views_health.batch_detail, name="health_batch_detail"),
    path("health/<int:pk>/edit/", views_health.BatchEditView.as_view(), name="health_batch_edit"),
    path("health/<int:pk>/delete/", views_health.BatchDeleteView.as_view(), name="health_batch_delete"),
    path("health/<int:pk>/allocations/", views_health.allocation_save, name="health_allocation_save"),
    path(
        "health/<int:pk>/allocations/<int:allocation_pk>/delete/",
        views_health.allocation_delete,
        name="health_allocation_delete",
    ),
    path("health/<int:pk>/book/", views_health.appointment_add, name="health_appointment_add"),
    path("health/<int:pk>/visits/add/", views_health.visit_add, name="health_visit_add"),
    path("health/appointments/", views_health.AppointmentListView.as_view(), name="health_appointment_list"),
    path(
        "health/appointments/<int:pk>/complete/", views_health.appointment_complete, name="health_appointment_complete"
    ),
    path("health/appointments/<int:pk>/<str:action>/", views_health.appointment_mark, name="health_appointment_mark"),
    path("health/visits/", views_health.VisitListView.as_view(), name="health_visit_list"),
    path("health/visits/<int:pk>/edit/", views_health.VisitEditView.as_view(), name="health_visit_edit"),
    path("health/visits/<int:pk>/delete/", views_health.VisitDeleteView.as_view(), name="health_visit_delete"),
    path("recuperation/", views_recuperation.RouteListView.as_view(), name="recuperation_route_list"),
    path("recuperation/add/", views_recuperation.RouteEditView.as_view(), name="recuperation_route_add"),
    path("recuperation/<int:pk>/", views_recuperation.route_detail, name="recuperation_route_detail"),
    path("recuperation/<int:pk>/edit/", views_recuperation.RouteEditView.as_view(), name="recuperation_route_edit"),
    path(
        "recuperation/<int:pk>/delete/", views_recuperation.RouteDeleteView.as_view(), name="recuperation_route_delete"
    ),
    path("recuperation/<int:pk>/groups/add/", views_recuperation.group_add, name="recuperation_group_add"),
    path(
        "recuperation/<int:pk>/groups/<int:group_pk>/edit/",
        views_recuperation.group_edit,
        name="recuperation_group_edit",
    ),
    path(
        "recuperation/<int:pk>/groups/<int:group_pk>/delete/",
        views_recuperation.group_delete,
        name="recuperation_group_delete",
    ),
    path("recuperation/<int:pk>/apply/", views_recuperation.participant_add, name="recuperation_participant_add"),
    path(
        "recuperation/participants/",
        views_recuperation.ParticipantListView.as_view(),
        name="recuperation_participant_list",
    ),
    path(
        "recuperation/participants/<int:pk>/status/",
        views_recuperation.participant_status,
        name="recuperation_participant_status",
    ),
    path("recuperation/quotas/", views_recuperation.QuotaListView.as_view(), name="recuperation_quota_list"),
    path("recuperation/quotas/add/", views_recuperation.quota_add, name="recuperation_quota_add"),
    path(
        "recuperation/quotas/<int:pk>/delete/",
        views_recuperation.QuotaDeleteView.as_view(),
        name="recuperation_quota_delete",
    ),
]
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
# 职工互助保障: the member's phone pages
public_urlpatterns += [
    path("mutual-aid/claim/", views_mutualaid.public_claim_start, name="mutualaid_public_claim"),
    path("mutual-aid/claim/submit/", views_mutualaid.public_claim_submit, name="mutualaid_public_submit"),
    path("mutual-aid/claim/status/", views_mutualaid.public_claim_status, name="mutualaid_public_status"),
]
PUBLIC_NAMES |= {"mutualaid_public_claim", "mutualaid_public_submit", "mutualaid_public_status"}
