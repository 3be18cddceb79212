from django.apps import AppConfig


class SubstitutesConfig(AppConfig):
    name = "klaspoort.substitutes"
    label = "substitutes"
    verbose_name = "Substitute teachers"
