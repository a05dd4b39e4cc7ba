from django.apps import AppConfig


class UnionworkConfig(AppConfig):
    name = "gonghui.unionwork"
    label = "unionwork"
    verbose_name = "工会自身建设"

    def ready(self) -> None:
        from gonghui.unionwork import indicators, jobs  # noqa: F401  (computed sources, job handlers)
