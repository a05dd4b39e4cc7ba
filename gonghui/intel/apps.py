from django.apps import AppConfig


class IntelConfig(AppConfig):
    name = "gonghui.intel"
    label = "intel"
    verbose_name = "工作材料"
