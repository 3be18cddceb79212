from django.apps import AppConfig


class OperatorConfig(AppConfig):
    name = "klaspoort.operator"
    label = "operator"
    verbose_name = "Operator console"
