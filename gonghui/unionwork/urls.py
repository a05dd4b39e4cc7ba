"""Union-work pages (namespace ``unionwork``)."""

from django.urls import path

from gonghui.unionwork import views_dues, views_info, views_meetings, views_training

app_name = "unionwork"

urlpatterns = [
    path("dues/", views_dues.DuesListView.as_view(), name="dues_list"),
    path("dues/add/", views_dues.DuesEditView.as_view(), name="dues_add"),
    path("dues/import/", views_dues.dues_import, name="dues_import"),
    path("dues/collection/", views_dues.dues_collection, name="dues_collection"),
    path("dues/<int:pk>/", views_dues.dues_detail, name="dues_detail"),
    path("dues/<int:pk>/edit/", views_dues.DuesEditView.as_view(), name="dues_edit"),
    path("dues/<int:pk>/delete/", views_dues.DuesDeleteView.as_view(), name="dues_delete"),
    path("dues/shares/", views_dues.ShareListView.as_view(), name="share_list"),
    path("dues/shares/add/", views_dues.ShareEditView.as_view(), name="share_add"),
    path("dues/shares/<int:pk>/edit/", views_dues.ShareEditView.as_view(), name="share_edit"),
    path("dues/shares/<int:pk>/delete/", views_dues.ShareDeleteView.as_view(), name="share_delete"),
    path("training/", views_training.CourseListView.as_view(), name="course_list"),
    path("training/add/", views_training.CourseEditView.as_view(), name="course_add"),
    path("training/<int:pk>/", views_training.course_detail, name="course_detail"),
    path("training/<int:pk>/edit/", views_training.CourseEditView.as_view(), name="course_edit"),
    path("training/<int:pk>/delete/", views_training.CourseDeleteView.as_view(), name="course_delete"),
    path("training/<int:pk>/trainees/add/", views_training.trainee_add, name="trainee_add"),
    path("training/<int:pk>/trainees/complete/", views_training.trainees_complete, name="trainees_complete"),
    path("training/<int:pk>/trainees/<int:trainee_pk>/", views_training.trainee_update, name="trainee_update"),
    path("training/<int:pk>/trainees/<int:trainee_pk>/remove/", views_training.trainee_remove, name="trainee_remove"),
    path("info/", views_info.InfoListView.as_view(), name="info_list"),
    path("info/add/", views_info.InfoEditView.as_view(), name="info_add"),
    path("info/ranking/", views_info.info_ranking, name="info_ranking"),
    path("info/rules/", views_info.RuleListView.as_view(), name="rule_list"),
    path("info/rules/add/", views_info.RuleEditView.as_view(), name="rule_add"),
    path("info/rules/<int:pk>/edit/", views_info.RuleEditView.as_view(), name="rule_edit"),
    path("info/rules/<int:pk>/delete/", views_info.RuleDeleteView.as_view(), name="rule_delete"),
    path("info/<int:pk>/", views_info.info_detail, name="info_detail"),
    path("info/<int:pk>/attachment/", views_info.info_attachment, name="info_attachment"),
    path("info/<int:pk>/edit/", views_info.InfoEditView.as_view(), name="info_edit"),
    path("info/<int:pk>/delete/", views_info.InfoDeleteView.as_view(), name="info_delete"),
    path("info/<int:pk>/adoptions/add/", views_info.adoption_add, name="adoption_add"),
    path("info/<int:pk>/adoptions/<int:adoption_pk>/remove/", views_info.adoption_remove, name="adoption_remove"),
    path("joint-meetings/", views_meetings.MeetingListView.as_view(), name="meeting_list"),
    path("joint-meetings/add/", views_meetings.MeetingEditView.as_view(), name="meeting_add"),
    path("joint-meetings/obligations/", views_meetings.ObligationListView.as_view(), name="obligation_list"),
    path("joint-meetings/obligations/add/", views_meetings.ObligationEditView.as_view(), name="obligation_add"),
    path(
        "joint-meetings/obligations/<int:pk>/edit/", views_meetings.ObligationEditView.as_view(), name="obligation_edit"
    ),
    path(
        "joint-meetings/obligations/<int:pk>/delete/",
        views_meetings.ObligationDeleteView.as_view(),
        name="obligation_delete",
    ),
    path("joint-meetings/<int:pk>/", views_meetings.meeting_detail, name="meeting_detail"),
    path("joint-meetings/<int:pk>/minutes/", views_meetings.meeting_minutes, name="meeting_minutes"),
    path("joint-meetings/<int:pk>/edit/", views_meetings.MeetingEditView.as_view(), name="meeting_edit"),
    path("joint-meetings/<int:pk>/delete/", views_meetings.MeetingDeleteView.as_view(), name="meeting_delete"),
    path("joint-meetings/<int:pk>/decisions/add/", views_meetings.decision_add, name="decision_add"),
    path(
        "joint-meetings/<int:pk>/decisions/<int:decision_pk>/remove/",
        views_meetings.decision_remove,
        name="decision_remove",
    ),
]
