from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "gonghui.notices"
    label = "notices"
    verbose_name = "通知消息"
