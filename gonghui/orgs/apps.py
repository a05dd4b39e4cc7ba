from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "gonghui.orgs"
    label = "orgs"
    verbose_name = "工会组织"

    def ready(self) -> None:
        from gonghui.jobs import periodic
        from gonghui.orgs.tasks_establishment import enqueue_reelection_reminders

        periodic.register("orgs.reelection_reminders", enqueue_reelection_reminders)
