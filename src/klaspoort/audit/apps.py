from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "klaspoort.audit"
    label = "audit"
    verbose_name = "Audit log"
