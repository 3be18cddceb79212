from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "klaspoort.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Both register system checks: the settings production needs, and the compiled catalogues.
        from klaspoort.core import checks  # noqa: F401
        from klaspoort.core.i18n import checks as i18n_checks  # noqa: F401
