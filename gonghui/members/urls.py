from django.urls import path

from gonghui.members import urls_join, views

app_name = "members"

urlpatterns = [
    path("", views.MemberListView.as_view(), name="member_list"),
    path("add/", views.MemberEditView.as_view(), name="member_add"),
    path("<int:pk>/", views.member_detail, name="member_detail"),
    path("<int:pk>/reveal/", views.member_reveal, name="member_reveal"),
    path("<int:pk>/edit/", views.MemberEditView.as_view(), name="member_edit"),
    path("<int:pk>/delete/", views.MemberDeleteView.as_view(), name="member_delete"),
    path("<int:pk>/leave/", views.MemberLeaveView.as_view(), name="member_leave"),
    path("<int:pk>/rejoin/", views.MemberRejoinView.as_view(), name="member_rejoin"),
    path("<int:pk>/deceased/", views.MemberDeceasedView.as_view(), name="member_deceased"),
    path("<int:pk>/transfer/", views.MemberTransferView.as_view(), name="member_transfer"),
    path("transfers/", views.TransferListView.as_view(), name="transfer_list"),
    path("transfers/add/", views.TransferRequestView.as_view(), name="transfer_add"),
    path("transfers/<int:pk>/", views.transfer_detail, name="transfer_detail"),
    path("transfers/<int:pk>/approve/", views.TransferApproveView.as_view(), name="transfer_approve"),
    path("transfers/<int:pk>/reject/", views.TransferRejectView.as_view(), name="transfer_reject"),
    path("transfers/<int:pk>/cancel/", views.TransferCancelView.as_view(), name="transfer_cancel"),
]

urlpatterns += urls_join.urlpatterns
