from django.apps import AppConfig


class HelpCentreConfig(AppConfig):
    name = "klaspoort.helpcentre"
    label = "helpcentre"
    verbose_name = "Help centre"
