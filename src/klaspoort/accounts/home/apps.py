from django.apps import AppConfig


class HomeAccountsConfig(AppConfig):
    name = "klaspoort.accounts.home"
    label = "home_accounts"
    verbose_name = "Home login"

    def ready(self) -> None:
        from klaspoort.accounts.home import receivers
        from klaspoort.roster import signals

        signals.pupils_removed.connect(
            receivers.on_pupils_removed, dispatch_uid="home_accounts.pupils_removed"
        )
