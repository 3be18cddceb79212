from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "klaspoort.portal"
    label = "portal"
    verbose_name = "Portal"
