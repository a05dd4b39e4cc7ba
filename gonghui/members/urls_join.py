"""入会申请 routes. ``public_urlpatterns`` need no login (listed in PUBLIC_URL_NAMES);
``urlpatterns`` are the union's pages, included under the ``members`` namespace."""

from django.urls import path

from gonghui.members import views_join

public_urlpatterns = [
    path("join/", views_join.join_start, name="join_start"),
    path("join/status/", views_join.join_status, name="join_status"),
    path("join/status/withdraw/", views_join.join_withdraw, name="join_withdraw"),
    path("join/<str:code>/", views_join.join_union, name="join_union"),
    path("join/<str:code>/transfer/", views_join.join_transfer, name="join_transfer"),
    path("card/verify/<str:token>/", views_join.card_verify, name="card_verify"),
    path("card/<str:token>/", views_join.member_card, name="member_card"),
]

PUBLIC_NAMES = {
    "join_start",
    "join_status",
    "join_withdraw",
    "join_union",
    "join_transfer",
    "card_verify",
    "member_card",
}

urlpatterns = [
    path("join-applications/", views_join.JoinApplicationListView.as_view(), name="join_application_list"),
    path("join-applications/<int:pk>/", views_join.join_application_detail, name="join_application_detail"),
    path(
        "join-applications/<int:pk>/approve/",
        views_join.JoinApplicationApproveView.as_view(),
        name="join_application_approve",
    ),
    path(
        "join-applications/<int:pk>/reject/",
        views_join.JoinApplicationRejectView.as_view(),
        name="join_application_reject",
    ),
    path("join-leads/", views_join.join_leads, name="join_leads"),
    path("join-qr/<int:pk>/", views_join.join_qr, name="join_qr"),
]
