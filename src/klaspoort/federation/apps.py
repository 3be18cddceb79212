from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "klaspoort.federation"
    label = "federation"
    verbose_name = "Federation: partners, consent, single sign-on"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from klaspoort.accounts.principal import principal_ended, principals_ended
        from klaspoort.federation.models import Partner, PartnerApp
        from klaspoort.federation.oidc.client import forget_clients
        from klaspoort.federation.oidc.logout import on_principal_ended, on_principals_ended

        principal_ended.connect(on_principal_ended, dispatch_uid="federation.oidc.backchannel_logout")
        principals_ended.connect(on_principals_ended, dispatch_uid="federation.oidc.backchannel_logout_many")
        for model in (Partner, PartnerApp):
            post_save.connect(
                forget_clients, sender=model, dispatch_uid=f"federation.forget_clients.{model.__name__}"
            )
            post_delete.connect(
                forget_clients, sender=model, dispatch_uid=f"federation.forget_clients.d{model.__name__}"
            )
