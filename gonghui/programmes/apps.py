from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "gonghui.programmes"
    label = "programmes"
    verbose_name = "服务阵地与民生实事"

    def ready(self) -> None:
        from gonghui.programmes import (  # noqa: F401
            indicators,
            jobs_assistance,
            signals,
        )
