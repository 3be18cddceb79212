from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "klaspoort.federation"
    label = "federation"
    verbose_name = "Federation: partners, consent, single sign-on"
