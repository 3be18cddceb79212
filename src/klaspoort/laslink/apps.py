from django.apps import AppConfig


class LasLinkConfig(AppConfig):
    name = "klaspoort.laslink"
    label = "laslink"
    verbose_name = "LAS link"
