from gonghui.targets import urls_plans, urls_reports, urls_tasks

app_name = "targets"

urlpatterns = [*urls_plans.urlpatterns, *urls_reports.urlpatterns, *urls_tasks.urlpatterns]
