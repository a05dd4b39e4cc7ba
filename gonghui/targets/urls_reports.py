"""URL patterns of the targets app's reports pages (included by targets/urls.py under the "targets" namespace)."""

from django.urls import path

from gonghui.targets import views_reports as views

urlpatterns: list = [
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/open/", views.report_open, name="report_open"),
    path("reports/overdue/", views.report_overdue, name="report_overdue"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/accept/", views.ReportAcceptView.as_view(), name="report_accept"),
    path("reports/<int:pk>/return/", views.ReportReturnView.as_view(), name="report_return"),
    path("reports/<int:pk>/reopen/", views.ReportReopenView.as_view(), name="report_reopen"),
    path("reports/attachments/<int:pk>/", views.attachment_download, name="report_attachment"),
]
