from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "klaspoort.accounts"
    label = "accounts"
    verbose_name = "Accounts"
