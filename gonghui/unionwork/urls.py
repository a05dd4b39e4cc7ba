"""Union-work pages (namespace ``unionwork``)."""

from django.urls import path

from gonghui.unionwork import views

app_name = "unionwork"

urlpatterns = [
    path("dues/", views.DuesListView.as_view(), name="dues_list"),
    path("dues/add/", views.DuesEditView.as_view(), name="dues_add"),
    path("dues/import/", views.dues_import, name="dues_import"),
    path("dues/collection/", views.dues_collection, name="dues_collection"),
    path("dues/<int:pk>/", views.dues_detail, name="dues_detail"),
    path("dues/<int:pk>/edit/", views.DuesEditView.as_view(), name="dues_edit"),
    path("dues/<int:pk>/delete/", views.DuesDeleteView.as_view(), name="dues_delete"),
    path("dues/shares/", views.ShareListView.as_view(), name="share_list"),
    path("dues/shares/add/", views.ShareEditView.as_view(), name="share_add"),
    path("dues/shares/<int:pk>/edit/", views.ShareEditView.as_view(), name="share_edit"),
    path("dues/shares/<int:pk>/delete/", views.ShareDeleteView.as_view(), name="share_delete"),
    path("training/", views.CourseListView.as_view(), name="course_list"),
    path("training/add/", views.CourseEditView.as_view(), name="course_add"),
    path("training/<int:pk>/", views.course_detail, name="course_detail"),
    path("training/<int:pk>/edit/", views.CourseEditView.as_view(), name="course_edit"),
    path("training/<int:pk>/delete/", views.CourseDeleteView.as_view(), name="course_delete"),
    path("training/<int:pk>/trainees/add/", views.trainee_add, name="trainee_add"),
    path("training/<int:pk>/trainees/complete/", views.trainees_complete, name="trainees_complete"),
    path("training/<int:pk>/trainees/<int:trainee_pk>/", views.trainee_update, name="trainee_update"),
    path("training/<int:pk>/trainees/<int:trainee_pk>/remove/", views.trainee_remove, name="trainee_remove"),
    path("info/", views.InfoListView.as_view(), name="info_list"),
    path("info/add/", views.InfoEditView.as_view(), name="info_add"),
    path("info/ranking/", views.info_ranking, name="info_ranking"),
    path("info/rules/", views.RuleListView.as_view(), name="rule_list"),
    path("info/rules/add/", views.RuleEditView.as_view(), name="rule_add"),
    path("info/rules/<int:pk>/edit/", views.RuleEditView.as_view(), name="rule_edit"),
    path("info/rules/<int:pk>/delete/", views.RuleDeleteView.as_view(), name="rule_delete"),
    path("info/<int:pk>/", views.info_detail, name="info_detail"),
    path("info/<int:pk>/attachment/", views.info_attachment, name="info_attachment"),
    path("info/<int:pk>/edit/", views.InfoEditView.as_view(), name="info_edit"),
    path("info/<int:pk>/delete/", views.InfoDeleteView.as_view(), name="info_delete"),
    path("info/<int:pk>/adoptions/add/", views.adoption_add, name="adoption_add"),
    path("info/<int:pk>/adoptions/<int:adoption_pk>/remove/", views.adoption_remove, name="adoption_remove"),
    path("joint-meetings/", views.MeetingListView.as_view(), name="meeting_list"),
    path("joint-meetings/add/", views.MeetingEditView.as_view(), name="meeting_add"),
    path("joint-meetings/obligations/", views.ObligationListView.as_view(), name="obligation_list"),
    path("joint-meetings/obligations/add/", views.ObligationEditView.as_view(), name="obligation_add"),
    path("joint-meetings/obligations/<int:pk>/edit/", views.ObligationEditView.as_view(), name="obligation_edit"),
    path("joint-meetings/obligations/<int:pk>/delete/", views.ObligationDeleteView.as_view(), name="obligation_delete"),
    path("joint-meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("joint-meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("joint-meetings/<int:pk>/edit/", views.MeetingEditView.as_view(), name="meeting_edit"),
    path("joint-meetings/<int:pk>/delete/", views.MeetingDeleteView.as_view(), name="meeting_delete"),
    path("joint-meetings/<int:pk>/decisions/add/", views.decision_add, name="decision_add"),
    path(
        "joint-meetings/<int:pk>/decisions/<int:decision_pk>/remove/",
        views.decision_remove,
        name="decision_remove",
    ),
]
