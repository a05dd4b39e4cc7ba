from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_indicators(sender, **kwargs) -> None:
    from gonghui.targets.catalog import sync_builtin_indicators

    sync_builtin_indicators()


class TargetsConfig(AppConfig):
    name = "gonghui.targets"
    label = "targets"
    verbose_name = "目标督办"

    def ready(self) -> None:
        post_migrate.connect(_sync_indicators, sender=self, dispatch_uid="gonghui.sync_builtin_indicators")
        from gonghui.jobs import periodic
        from gonghui.targets import signals  # noqa: F401
        from gonghui.targets.tasks import enqueue_task_reminders

        periodic.register("targets.task_reminders", enqueue_task_reminders)
