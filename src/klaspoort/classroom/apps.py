from django.apps import AppConfig


class ClassroomConfig(AppConfig):
    name = "klaspoort.classroom"
    label = "classroom"
    verbose_name = "Classroom"

    def ready(self) -> None:
        from klaspoort.classroom import home_column

        home_column.register()
