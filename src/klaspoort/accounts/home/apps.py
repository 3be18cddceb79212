from django.apps import AppConfig


class HomeAccountsConfig(AppConfig):
    name = "klaspoort.accounts.home"
    label = "home_accounts"
    verbose_name = "Home login"

    def ready(self) -> None:
        from klaspoort.accounts.home import column

        column.register()
