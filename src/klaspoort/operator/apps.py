from django.apps import AppConfig


class OperatorConfig(AppConfig):
    name = "klaspoort.operator"
    label = "operator"
    verbose_name = "Operator console"

    def ready(self) -> None:
        from klaspoort.operator import notices

        notices.register_fragment()
