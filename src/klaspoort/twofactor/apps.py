from django.apps import AppConfig


class TwoFactorConfig(AppConfig):
    name = "klaspoort.twofactor"
    label = "twofactor"
    verbose_name = "two-factor sign-in"
    default_auto_field = "django.db.models.BigAutoField"
