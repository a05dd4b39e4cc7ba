from django.urls import path

from gonghui.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.AnnouncementListView.as_view(), name="announcement_list"),
    path("add/", views.AnnouncementEditView.as_view(), name="announcement_add"),
    path("<int:pk>/", views.announcement_detail, name="announcement_detail"),
    path("<int:pk>/edit/", views.AnnouncementEditView.as_view(), name="announcement_edit"),
    path("<int:pk>/publish/", views.AnnouncementPublishView.as_view(), name="announcement_publish"),
    path("<int:pk>/withdraw/", views.AnnouncementWithdrawView.as_view(), name="announcement_withdraw"),
    path("<int:pk>/delete/", views.AnnouncementDeleteView.as_view(), name="announcement_delete"),
    path("<int:pk>/receipts/", views.announcement_receipts, name="announcement_receipts"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("messages/", views.message_list, name="message_list"),
    path("messages/<int:pk>/", views.message_detail, name="message_detail"),
    path("messages/read-all/", views.message_mark_all_read, name="message_read_all"),
    path("messages/unread-count/", views.unread_count, name="unread_count"),
]
