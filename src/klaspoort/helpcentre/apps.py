from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class HelpCentreConfig(AppConfig):
    name = "klaspoort.helpcentre"
    label = "helpcentre"
    verbose_name = "Help centre"

    def ready(self) -> None:
        from klaspoort.helpcentre.models import Category, forget_listed

        post_save.connect(forget_listed, sender=Category, dispatch_uid="helpcentre-categories-saved")
        post_delete.connect(forget_listed, sender=Category, dispatch_uid="helpcentre-categories-deleted")
        # migrate and flush (which emits post_migrate) change rows without saving models
        post_migrate.connect(forget_listed, dispatch_uid="helpcentre-categories-migrated")
