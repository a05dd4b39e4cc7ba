from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "gonghui.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from gonghui.accounts import signals  # noqa: F401
        from gonghui.accounts.roles import sync_builtin_roles

        post_migrate.connect(_sync_roles, dispatch_uid="gonghui.sync_builtin_roles")
        self._sync = sync_builtin_roles


def _sync_roles(sender, using="default", **kwargs):
    from django.apps import apps

    # Run once, after the last app's permissions exist.
    if sender.label != list(apps.get_app_configs())[-1].label:
        return
    from gonghui.accounts.roles import sync_builtin_roles

    sync_builtin_roles()
