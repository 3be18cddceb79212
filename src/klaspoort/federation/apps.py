from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "klaspoort.federation"
    label = "federation"
    verbose_name = "Federation: partners, consent, single sign-on"

    def ready(self) -> None:
        from klaspoort.accounts.principal import principal_ended
        from klaspoort.federation.oidc.logout import on_principal_ended

        principal_ended.connect(on_principal_ended, dispatch_uid="federation.oidc.backchannel_logout")
