from django.apps import AppConfig


class PupilAccountsConfig(AppConfig):
    name = "klaspoort.accounts.pupils"
    label = "pupil_accounts"
    verbose_name = "Pupil accounts"

    def ready(self) -> None:
        from klaspoort.accounts.pupils import receivers
        from klaspoort.roster import signals

        signals.pupils_removed.connect(
            receivers.on_pupils_removed, dispatch_uid="pupil_accounts.pupils_removed"
        )
