from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "gonghui.reports"
    label = "reports"
    verbose_name = "报表与统计年报"

    def ready(self) -> None:
        from gonghui.reports import sources_returns  # noqa: F401  (registers the computed indicator sources)
