from django.apps import AppConfig


class HomeAccountsConfig(AppConfig):
    name = "klaspoort.accounts.home"
    label = "home_accounts"
    verbose_name = "Home login"

    def ready(self) -> None:
        from klaspoort.accounts.home import column, receivers
        from klaspoort.roster import signals

        column.register()
        signals.pupils_removed.connect(
            receivers.on_pupils_removed, dispatch_uid="home_accounts.pupils_removed"
        )
