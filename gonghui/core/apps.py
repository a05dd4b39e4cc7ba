from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gonghui.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from gonghui.core import signals  # noqa: F401
