from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "klaspoort.roster"
    label = "roster"
    verbose_name = "Roster"
