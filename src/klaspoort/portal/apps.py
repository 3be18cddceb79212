from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "klaspoort.portal"
    label = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from klaspoort.accounts.pupils.targets import register_target_handler
        from klaspoort.portal.deep_link import launch_target_after_login

        register_target_handler(launch_target_after_login)
