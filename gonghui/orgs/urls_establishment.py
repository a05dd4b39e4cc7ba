from django.urls import path

from gonghui.orgs import views_establishment as views

urlpatterns = [
    path("establishments/", views.EstablishmentCaseListView.as_view(), name="establishment_list"),
    path("establishments/overdue/", views.EstablishmentOverdueView.as_view(), name="establishment_overdue"),
    path("establishments/leads/", views.establishment_leads, name="establishment_leads"),
    path("establishments/add/", views.EstablishmentCreateView.as_view(), name="establishment_add"),
    path("establishments/<int:pk>/", views.establishment_detail, name="establishment_detail"),
    path("establishments/<int:pk>/step/", views.establishment_step, name="establishment_step"),
    path("establishments/<int:pk>/return/", views.EstablishmentReturnView.as_view(), name="establishment_return"),
    path("establishments/<int:pk>/reject/", views.EstablishmentRejectView.as_view(), name="establishment_reject"),
    path("establishments/<int:pk>/documents/", views.establishment_documents, name="establishment_documents"),
    path("establishments/<int:pk>/delete/", views.EstablishmentDeleteView.as_view(), name="establishment_delete"),
    path(
        "establishments/documents/<int:pk>/",
        views.establishment_document_download,
        name="establishment_document_download",
    ),
    path("reelections/", views.ReElectionListView.as_view(), name="reelection_list"),
    path("reelections/due/", views.ReElectionDueView.as_view(), name="reelection_due"),
    path("reelections/add/", views.ReElectionCreateView.as_view(), name="reelection_add"),
    path("reelections/<int:pk>/", views.reelection_detail, name="reelection_detail"),
    path("reelections/<int:pk>/results/", views.reelection_results, name="reelection_results"),
    path("reelections/<int:pk>/approve/", views.ReElectionApproveView.as_view(), name="reelection_approve"),
    path("reelections/<int:pk>/documents/", views.reelection_documents, name="reelection_documents"),
    path("reelections/<int:pk>/delete/", views.ReElectionDeleteView.as_view(), name="reelection_delete"),
    path("reelections/documents/<int:pk>/", views.reelection_document_download, name="reelection_document_download"),
    path("committees/", views.CommitteeMemberListView.as_view(), name="committee_member_list"),
]
