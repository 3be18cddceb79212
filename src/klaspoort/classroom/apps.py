from django.apps import AppConfig


class ClassroomConfig(AppConfig):
    name = "klaspoort.classroom"
    label = "classroom"
    verbose_name = "Classroom"
