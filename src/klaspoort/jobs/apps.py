from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "klaspoort.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        from klaspoort.jobs import checks  # noqa: F401  (registers the system checks)
