from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "gonghui.jobs"
    label = "jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Handlers register themselves on import: ours, then each app's ``jobs.py``.
        from gonghui.jobs import handlers  # noqa: F401

        autodiscover_modules("jobs")
