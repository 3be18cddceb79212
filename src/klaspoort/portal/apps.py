from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "klaspoort.portal"
    label = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from klaspoort.accounts.pupils.targets import register_target_handler
        from klaspoort.classroom.readiness import register_software_source
        from klaspoort.portal.deep_link import launch_target_after_login
        from klaspoort.portal.readiness import next_year_software

        register_target_handler(launch_target_after_login)
        register_software_source(next_year_software)
