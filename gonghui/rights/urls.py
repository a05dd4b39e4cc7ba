"""Rights pages, under the "rights" namespace. ``public_urlpatterns`` (the workers' lawyer-duty booking
pages) need no login and are listed in PUBLIC_NAMES."""

from django.urls import path

from gonghui.rights import views

urlpatterns = [
    path("cases/", views.CaseListView.as_view(), name="case_list"),
    path("cases/overdue/", views.case_overdue, name="case_overdue"),
    path("cases/stats/", views.case_stats, name="case_stats"),
    path("cases/add/", views.CaseEditView.as_view(), name="case_add"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", views.CaseEditView.as_view(), name="case_edit"),
    path("cases/<int:pk>/delete/", views.CaseDeleteView.as_view(), name="case_delete"),
    path("cases/<int:pk>/reveal/", views.case_reveal, name="case_reveal"),
    path("cases/<int:pk>/step/<slug:step>/", views.case_step, name="case_step"),
    path("cases/notes/<int:pk>/file/", views.case_note_file, name="case_note_file"),
]

from gonghui.rights import views_legal  # noqa: E402

urlpatterns += [
    path("legal-aid/", views_legal.AidListView.as_view(), name="aid_list"),
    path("legal-aid/add/", views_legal.AidEditView.as_view(), name="aid_add"),
    path("legal-aid/<int:pk>/", views_legal.AidEditView.as_view(), name="aid_edit"),
    path("legal-aid/<int:pk>/delete/", views_legal.AidDeleteView.as_view(), name="aid_delete"),
    path("lawyers/", views_legal.LawyerListView.as_view(), name="lawyer_list"),
    path("lawyers/add/", views_legal.LawyerEditView.as_view(), name="lawyer_add"),
    path("lawyers/<int:pk>/", views_legal.LawyerEditView.as_view(), name="lawyer_edit"),
    path("lawyers/<int:pk>/delete/", views_legal.LawyerDeleteView.as_view(), name="lawyer_delete"),
    path("duty/", views_legal.DutyListView.as_view(), name="duty_list"),
    path("duty/add/", views_legal.DutyEditView.as_view(), name="duty_add"),
    path("duty/<int:pk>/", views_legal.DutyEditView.as_view(), name="duty_edit"),
    path("duty/<int:pk>/delete/", views_legal.DutyDeleteView.as_view(), name="duty_delete"),
    path("duty/bookings/<int:pk>/status/", views_legal.booking_status, name="booking_status"),
    path("committees/", views_legal.CommitteeListView.as_view(), name="committee_list"),
    path("committees/add/", views_legal.CommitteeEditView.as_view(), name="committee_add"),
    path("committees/<int:pk>/", views_legal.committee_detail, name="committee_detail"),
    path("committees/<int:pk>/edit/", views_legal.CommitteeEditView.as_view(), name="committee_edit"),
    path("committees/<int:pk>/delete/", views_legal.CommitteeDeleteView.as_view(), name="committee_delete"),
    path("committees/<int:pk>/documents/", views_legal.committee_document_add, name="committee_document_add"),
    path(
        "committees/<int:pk>/documents/<int:document_pk>/reply/",
        views_legal.committee_document_reply,
        name="committee_document_reply",
    ),
    path("contracts/", views_legal.ContractListView.as_view(), name="contract_list"),
    path("contracts/add/", views_legal.ContractEditView.as_view(), name="contract_add"),
    path("contracts/<int:pk>/", views_legal.ContractEditView.as_view(), name="contract_edit"),
    path("contracts/<int:pk>/delete/", views_legal.ContractDeleteView.as_view(), name="contract_delete"),
    path("instructors/", views_legal.InstructorListView.as_view(), name="instructor_list"),
    path("instructors/add/", views_legal.InstructorEditView.as_view(), name="instructor_add"),
    path("instructors/<int:pk>/", views_legal.InstructorEditView.as_view(), name="instructor_edit"),
    path("instructors/<int:pk>/delete/", views_legal.InstructorDeleteView.as_view(), name="instructor_delete"),
]

public_urlpatterns = [
    path("lawyer-duty/", views_legal.public_duty, name="rights_public_duty"),
]
PUBLIC_NAMES = {"rights_public_duty"}
