"""Rights pages, under the "rights" namespace. ``public_urlpatterns`` (the workers' lawyer-duty booking
pages) need no login and are listed in PUBLIC_NAMES."""

from django.urls import path

from gonghui.rights import views

app_name = "rights"

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
