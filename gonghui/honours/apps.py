from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "gonghui.honours"
    label = "honours"
    verbose_name = "建功立业"

    def ready(self) -> None:
        from gonghui.honours import signals, sources  # noqa: F401
