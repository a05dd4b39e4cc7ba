from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "gonghui.rights"
    label = "rights"
    verbose_name = "权益保障"

    def ready(self) -> None:
        from gonghui.rights import sources  # noqa: F401  (registers the computed indicator sources)
