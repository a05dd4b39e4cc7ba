from gonghui.targets import urls_bulletins, urls_dashboard, urls_plans, urls_reports, urls_tasks

app_name = "targets"

urlpatterns = [
    *urls_plans.urlpatterns,
    *urls_reports.urlpatterns,
    *urls_tasks.urlpatterns,
    *urls_dashboard.urlpatterns,
    *urls_bulletins.urlpatterns,
]
