"""URL patterns of the dashboard, progress and ranking pages (included by targets/urls.py, namespace "targets")."""

from django.urls import path

from gonghui.targets import views_dashboard

urlpatterns = [
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("progress/", views_dashboard.progress_table, name="progress"),
    path("ranking/", views_dashboard.ranking, name="ranking"),
]
