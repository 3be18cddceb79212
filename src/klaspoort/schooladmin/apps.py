from django.apps import AppConfig


class SchoolAdminConfig(AppConfig):
    name = "klaspoort.schooladmin"
    label = "schooladmin"
    verbose_name = "School administration"
