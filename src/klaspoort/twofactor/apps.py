from django.apps import AppConfig


class TwoFactorConfig(AppConfig):
    name = "klaspoort.twofactor"
    label = "twofactor"
    verbose_name = "two-factor sign-in"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from klaspoort.accounts.login_steps import register_after_password
        from klaspoort.twofactor.login import continue_login

        register_after_password(continue_login)
