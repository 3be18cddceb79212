from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "klaspoort.core"
    label = "core"
    verbose_name = "Core"
