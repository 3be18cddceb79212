from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "klaspoort.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from klaspoort.core.i18n import checks  # noqa: F401  (registers the start-up check)
