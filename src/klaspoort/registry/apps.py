from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "klaspoort.registry"
    label = "registry"
    verbose_name = "School register"
