from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "klaspoort.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from klaspoort.accounts import receivers
        from klaspoort.roster import signals

        signals.staff_added.connect(receivers.on_staff_added, dispatch_uid="accounts.staff_added")
        signals.staff_access_removed.connect(
            receivers.on_staff_access_removed, dispatch_uid="accounts.staff_access_removed"
        )
